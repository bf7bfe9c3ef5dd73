/**
 * Issues 15 and 16: the worker reads the next small files while the current ones are sealed, in
 * order, with the reads ahead bounded, and a large file's stream a few pieces ahead.
 */
import { describe, expect, it } from 'vitest';
import { type ByteSource, iterateBytes } from '../../src/core/iter.ts';
import { prefetchedEntries, readAhead } from '../../src/worker/prefetch.ts';

/** A File stand-in that counts reads running at once. */
function countingFiles(count: number, size: (i: number) => number) {
  const stats = { running: 0, max: 0, started: 0 };
  const files = Array.from({ length: count }, (_, i) => {
    const bytes = new Uint8Array(size(i)).fill(i & 0xff);
    const real = new File([bytes], `f${i}`);
    return {
      size: bytes.length,
      arrayBuffer: async () => {
        stats.started++;
        stats.running++;
        stats.max = Math.max(stats.max, stats.running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        stats.running--;
        return bytes.slice().buffer;
      },
      stream: () => real.stream(),
    } as unknown as File;
  });
  return { files, stats };
}

async function collect(source: ByteSource) {
  const parts: number[] = [];
  for await (const piece of iterateBytes(source)) parts.push(...piece);
  return parts;
}

describe('prefetched create input', () => {
  it('yields every entry in order with its bytes, reading several ahead but never unboundedly', async () => {
    const { files, stats } = countingFiles(300, (i) => (i % 7 === 0 ? 0 : 10 + i));
    const items: { path: string; type: 'file' | 'dir'; mtime: number; file?: File }[] = files.map((file, i) => ({
      path: `f${i}`,
      type: 'file',
      mtime: i,
      file,
    }));
    items.splice(5, 0, { path: 'folder', type: 'dir', mtime: 0 });
    const seen: string[] = [];
    for await (const entry of prefetchedEntries(items)) {
      seen.push(entry.path);
      if (entry.type === 'dir') {
        expect(entry.open).toBeUndefined();
        continue;
      }
      const i = Number(entry.path.slice(1));
      const bytes = await collect(await (entry.open as NonNullable<typeof entry.open>)());
      expect(bytes.length).toBe(files[i].size);
      expect(bytes.every((b) => b === (i & 0xff))).toBe(true);
      // Never more than the window ahead of the file being written.
      expect(stats.started).toBeLessThanOrEqual(i + 1 + 32);
    }
    expect(seen).toEqual(items.map((item) => item.path));
    expect(stats.max).toBeGreaterThan(1);
    expect(stats.max).toBeLessThanOrEqual(32);
  });

  it('reports a file that cannot be read when it is opened, not before', async () => {
    const broken = {
      size: 10,
      arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')),
    } as unknown as File;
    const good = new File([new Uint8Array([1, 2, 3])], 'good');
    const entries = prefetchedEntries([
      { path: 'good', type: 'file', mtime: 0, file: good },
      { path: 'broken', type: 'file', mtime: 0, file: broken },
    ]);
    const first = (await entries.next()).value;
    expect(await collect((await first.open?.()) ?? [])).toEqual([1, 2, 3]);
    const second = (await entries.next()).value;
    await expect(Promise.resolve(second.open?.())).rejects.toThrow(/gone/);
  });

  it('reads a large file as a stream, a few pieces ahead, every byte in order', async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i % 251);
    const out: Uint8Array[] = [];
    for await (const piece of readAhead(new File([big], 'big').stream())) out.push(piece.slice());
    expect(Buffer.concat(out).equals(big)).toBe(true);
  });
});
