/**
 * Issue 15: "Restore all" into a folder writes small files several at a time with bounded memory,
 * restores every byte to the right path through a real backup, and reports a failed write.
 */
import { describe, expect, it } from 'vitest';
import { backupBytes, type EntrySource, OpenedBackup } from '../../src/core/index.ts';
import { directorySink } from '../../src/worker/directory-sink.ts';

const recoveryKey = '0'.repeat(64);

interface FakeFolder {
  handle: FileSystemDirectoryHandle;
  files: Map<string, Uint8Array>;
  stats: { open: number; maxOpen: number; sync: number; writable: number };
}

/** An in-memory folder tree; writes take a few milliseconds, as opening a real file does. */
function fakeFolder(options: { sync: boolean; failOn?: string }): FakeFolder {
  const files = new Map<string, Uint8Array>();
  const stats = { open: 0, maxOpen: 0, sync: 0, writable: 0 };
  const delay = () => new Promise((resolve) => setTimeout(resolve, 2));
  const folder = (prefix: string): FileSystemDirectoryHandle =>
    ({
      async getDirectoryHandle(name: string) {
        return folder(`${prefix}${name}/`);
      },
      async getFileHandle(name: string) {
        const path = `${prefix}${name}`;
        const parts: Uint8Array[] = [];
        const opened = async () => {
          stats.open++;
          stats.maxOpen = Math.max(stats.maxOpen, stats.open);
          await delay();
          if (path === options.failOn) {
            stats.open--;
            throw new DOMException('The disk is full.', 'QuotaExceededError');
          }
        };
        const commit = () => {
          stats.open--;
          const length = parts.reduce((sum, part) => sum + part.length, 0);
          const out = new Uint8Array(length);
          let at = 0;
          for (const part of parts) {
            out.set(part, at);
            at += part.length;
          }
          files.set(path, out);
        };
        return {
          async createSyncAccessHandle() {
            if (!options.sync) throw new DOMException('not here', 'InvalidStateError');
            await opened();
            stats.sync++;
            return {
              truncate() {},
              write(bytes: Uint8Array) {
                parts.push(bytes.slice());
                return bytes.length;
              },
              flush() {},
              close: commit,
            };
          },
          async createWritable() {
            await opened();
            stats.writable++;
            return {
              async write(bytes: Uint8Array) {
                parts.push(bytes.slice());
              },
              async close() {
                await delay();
                commit();
              },
              async abort() {
                stats.open--;
              },
            };
          },
        };
      },
    }) as unknown as FileSystemDirectoryHandle;
  return { handle: folder(''), files, stats };
}

function contents(i: number): Uint8Array {
  const bytes = new Uint8Array(50 + ((i * 997) % 3000));
  for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j) & 0xff;
  return bytes;
}

async function backupOf(count: number, large?: Uint8Array): Promise<OpenedBackup> {
  const entries: EntrySource[] = [{ path: 'd', type: 'dir', mtime: 0 }];
  for (let i = 0; i < count; i++) {
    entries.push({ path: `d/f${i}.txt`, type: 'file', mtime: 0, open: () => [contents(i)] });
  }
  if (large) entries.push({ path: 'd/large.bin', type: 'file', mtime: 0, open: () => [large] });
  const parts: Uint8Array[] = [];
  for await (const piece of backupBytes(entries, { slots: [{ kind: 'recovery-key', recoveryKey }] })) {
    parts.push(piece.slice());
  }
  const blob = new Blob(parts as Uint8Array<ArrayBuffer>[]);
  const source = {
    size: blob.size,
    read: async (offset: number, length: number) =>
      new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
  return OpenedBackup.open(source, { recoveryKey });
}

describe('restore into a folder', () => {
  it('writes every file with several in flight, through sync handles where the folder has them', async () => {
    const large = new Uint8Array(1536 * 1024);
    for (let i = 0; i < large.length; i += 4096) large[i] = i >> 12;

    const backup = await backupOf(200, large);
    const folder = fakeFolder({ sync: true });
    const sink = directorySink(folder.handle);
    await backup.restore(sink);
    await sink.drain();
    expect(folder.files.size).toBe(201);
    for (let i = 0; i < 200; i++) expect(folder.files.get(`d/f${i}.txt`)).toEqual(contents(i));
    // Compared as one buffer: a deep equality over megabytes element by element takes most of a minute.
    expect(Buffer.from(folder.files.get('d/large.bin') ?? []).equals(large)).toBe(true);
    expect(folder.stats.sync).toBe(201);
    expect(folder.stats.maxOpen).toBeGreaterThan(4);
    // Eight small-file writers and the large file's own.
    expect(folder.stats.maxOpen).toBeLessThanOrEqual(9);
    expect(folder.stats.open).toBe(0);
  });

  it('falls back to writables in a picked folder, asking for a sync handle only once', async () => {
    const backup = await backupOf(50);
    const folder = fakeFolder({ sync: false });
    const sink = directorySink(folder.handle);
    await backup.restore(sink);
    await sink.drain();
    expect(folder.files.size).toBe(50);
    expect(folder.stats.writable).toBe(50);
    expect(folder.files.get('d/f7.txt')).toEqual(contents(7));
  });

  it('reports a write that fails in the background, after every other write has settled', async () => {
    const backup = await backupOf(100);
    const folder = fakeFolder({ sync: false, failOn: 'd/f40.txt' });
    const sink = directorySink(folder.handle);
    const restored = backup.restore(sink).then(
      () => sink.drain(),
      async (error) => {
        await sink.drain().catch(() => {});
        throw error;
      },
    );
    await expect(restored).rejects.toThrow(/disk is full/);
    expect(folder.stats.open).toBe(0);
    expect(folder.files.has('d/f40.txt')).toBe(false);
  });
});
