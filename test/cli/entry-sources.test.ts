/**
 * Small files read ahead on the reading threads (issue 33): each file's bytes and its DEFLATE as
 * the writer takes them, a file that grew after the walk read again whole, an unreadable one
 * named in a plain error, and nothing left running after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEntrySources } from '../../src/cli/entry-sources.ts';
import type { WalkEntry } from '../../src/cli/walk.ts';
import { type EntrySource, type WholeFile, zstdCompress, zstdDecompress } from '../../src/core/index.ts';

let dir: string;
const text = Buffer.from('the same words again and again, '.repeat(400));
const noise = randomBytes(20 * 1024);
const medium = Buffer.from('medium '.repeat(20_000)); // over the 64 KiB sample, under the small-file limit

function entry(name: string, size: number): WalkEntry {
  return { path: name, abs: join(dir, name), type: 'file', mtime: 0, mode: 0o644, size };
}

async function bytesOf(source: EntrySource): Promise<{ data: Buffer; deflated?: Uint8Array | null }> {
  if (source.whole) {
    const whole = await source.whole();
    return { data: Buffer.from(whole.data), deflated: whole.deflated };
  }
  const pieces: Buffer[] = [];
  const opened = await (source.open as () => AsyncIterable<Uint8Array>)();
  for await (const piece of opened) pieces.push(Buffer.from(piece));
  return { data: Buffer.concat(pieces) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-entry-sources-'));
  await writeFile(join(dir, 'text.txt'), text);
  await writeFile(join(dir, 'noise.jpg'), noise);
  await writeFile(join(dir, 'medium.txt'), medium);
  await writeFile(join(dir, 'grew.txt'), 'walked short, now longer\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('small files read ahead on threads', () => {
  it('hands the writer each file whole with its DEFLATE, or none when it does not shrink', async () => {
    const entries = [
      entry('text.txt', text.length),
      entry('noise.jpg', noise.length),
      entry('medium.txt', medium.length),
    ];
    const got = [];
    for await (const source of toEntrySources(entries, { compress: true, level: 2, method: 'deflate' as const })) {
      got.push(await bytesOf(source));
    }
    expect(got[0].data.equals(text)).toBe(true);
    expect(inflateRawSync(got[0].deflated as Uint8Array).equals(text)).toBe(true);
    expect(got[1].data.equals(noise)).toBe(true);
    expect(got[1].deflated).toBeNull();
    // Past the sample: streamed to the writer, which compresses it in segments itself.
    expect(got[2].data.equals(medium)).toBe(true);
    expect(got[2].deflated).toBeUndefined();
  });

  it('makes the zstd frame the writer would for a zstd backup, and nothing when compression is off', async () => {
    for await (const source of toEntrySources([entry('text.txt', text.length), entry('noise.jpg', noise.length)], {
      compress: true,
      level: 2,
      method: 'zstd',
    })) {
      const whole = await (source.whole as () => Promise<WholeFile>)();
      if (source.path === 'text.txt') {
        expect(Buffer.from(whole.zstd as Uint8Array).equals(Buffer.from(await zstdCompress(text)))).toBe(true);
        expect(
          Buffer.from((await zstdDecompress(whole.zstd as Uint8Array, text.length)) as Uint8Array).equals(text),
        ).toBe(true);
      } else expect(whole.zstd).toBeNull();
      expect(whole.deflated).toBeUndefined();
    }
    for await (const source of toEntrySources([entry('text.txt', text.length)], {
      compress: false,
      level: 2,
      method: 'zstd',
    })) {
      const whole = await (source.whole as () => Promise<WholeFile>)();
      expect(Buffer.from(whole.data).equals(text)).toBe(true);
      expect(whole.deflated).toBeNull();
      expect(whole.zstd).toBeNull();
    }
  });

  it('reads a file that grew since the walk again, whole', async () => {
    for await (const source of toEntrySources([entry('grew.txt', 5)], {
      compress: true,
      level: 2,
      method: 'deflate' as const,
    })) {
      expect((await bytesOf(source)).data.toString()).toBe('walked short, now longer\n');
    }
  });

  it('names a file that could not be read, with the reason in plain words', async () => {
    const sources = toEntrySources([entry('gone.txt', 10)], { compress: true, level: 2, method: 'deflate' as const });
    const { value } = await sources.next();
    await expect(bytesOf(value as EntrySource)).rejects.toThrow(/cannot read ".*gone\.txt": no such file or folder/);
    await sources.return(undefined);
  });
});

describe('large files, streamed in turn with the next one opened ahead', () => {
  const big = (i: number) => randomBytes(300 * 1024 + i * 1000);

  it('gives each large file its own bytes, in order, whatever was opened ahead', async () => {
    const contents = [0, 1, 2, 3].map(big);
    await Promise.all(contents.map((bytes, i) => writeFile(join(dir, `big${i}.bin`), bytes)));
    const entries = [entry('big0.bin', contents[0].length), entry('text.txt', text.length)];
    for (let i = 1; i < 4; i++) entries.push(entry(`big${i}.bin`, contents[i].length));
    const got: Buffer[] = [];
    for await (const source of toEntrySources(entries, { compress: false, level: 2, method: 'zstd' as const })) {
      got.push((await bytesOf(source)).data);
    }
    expect(got.map((bytes) => bytes.length)).toEqual(entries.map((e) => e.size));
    expect(got[0].equals(contents[0])).toBe(true);
    expect(got[1].equals(text)).toBe(true);
    for (let i = 1; i < 4; i++) expect(got[i + 1].equals(contents[i])).toBe(true);
  });

  it('names a large file that is gone when its turn comes, though its open was started ahead', async () => {
    await writeFile(join(dir, 'first.bin'), big(0));
    const entries = [entry('first.bin', big(0).length), entry('vanished.bin', 400 * 1024)];
    const sources = toEntrySources(entries, { compress: false, level: 2, method: 'zstd' as const });
    await bytesOf((await sources.next()).value as EntrySource);
    const { value } = await sources.next();
    await expect(bytesOf(value as EntrySource)).rejects.toThrow(
      /cannot read ".*vanished\.bin": no such file or folder/,
    );
    await sources.return(undefined);
  });
});
