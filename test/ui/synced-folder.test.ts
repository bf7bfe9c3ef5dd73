/**
 * The copy in a synced folder (issue 32): a sync client uploads whatever appears there, so a
 * backup's name appears only on a complete copy, written under a hidden scratch name first;
 * nothing is left after a failure, and a name taken meanwhile is never replaced.
 */
import { describe, expect, it } from 'vitest';
import { copyToSyncedFolder, type SyncedFolder } from '../../src/ui/places/synced-folder.ts';

/** A directory handle in memory that records, at each change, which names hold what. */
class FakeFolder {
  files = new Map<string, Uint8Array>();
  /** Every name that ever appeared, with its size at that moment. */
  appeared: { name: string; size: number }[] = [];
  constructor(
    private readonly canMove = true,
    private readonly whileWriting?: (folder: FakeFolder) => void,
  ) {}

  set(name: string, bytes: Uint8Array) {
    if (!this.files.has(name)) this.appeared.push({ name, size: bytes.length });
    this.files.set(name, bytes);
  }

  async getFileHandle(name: string, options: { create?: boolean } = {}) {
    if (!this.files.has(name)) {
      if (!options.create) throw new DOMException(`${name} not found`, 'NotFoundError');
      this.set(name, new Uint8Array(0));
    }
    return this.handle(name);
  }

  async removeEntry(name: string) {
    if (!this.files.delete(name)) throw new DOMException(`${name} not found`, 'NotFoundError');
  }

  private handle(initial: string) {
    let name = initial;
    const folder = this;
    const handle: Record<string, unknown> = {
      async createWritable() {
        const parts: Uint8Array[] = [];
        return new WritableStream<Uint8Array>({
          write(chunk) {
            parts.push(chunk);
            folder.whileWriting?.(folder);
          },
          close() {
            folder.files.set(name, new Uint8Array(Buffer.concat(parts)));
          },
        });
      },
    };
    if (this.canMove)
      handle.move = async (to: string) => {
        const bytes = folder.files.get(name) as Uint8Array;
        folder.files.delete(name);
        folder.set(to, bytes);
        name = to;
      };
    return handle;
  }

  asSynced(): SyncedFolder {
    return { name: 'Dropbox', handle: this as unknown as FileSystemDirectoryHandle, addedAt: 0 };
  }
}

const BACKUP = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);

describe('the copy in a synced folder', () => {
  it("appears under the backup's name only complete, and leaves no scratch file", async () => {
    const folder = new FakeFolder();
    const name = await copyToSyncedFolder(folder.asSynced(), 'photos.coffer', new Blob([BACKUP]));
    expect(name).toBe('photos.coffer');
    expect([...folder.files.keys()]).toEqual(['photos.coffer']);
    expect(Buffer.from(folder.files.get(name) as Uint8Array).equals(Buffer.from(BACKUP))).toBe(true);
    const mine = folder.appeared.filter((seen) => seen.name === 'photos.coffer');
    expect(mine).toEqual([{ name: 'photos.coffer', size: BACKUP.length }]);
    // The scratch name is hidden (a leading dot) and says it is partial.
    expect(folder.appeared[0].name).toMatch(/^\.photos\.coffer\.[0-9a-f]{8}\.partial$/);
  });

  it('takes the next free name when another copy took its name while it was written', async () => {
    let taken = false;
    const folder = new FakeFolder(true, (f) => {
      if (taken) return;
      taken = true;
      f.set('photos.coffer', new Uint8Array([1, 2, 3]));
    });
    const name = await copyToSyncedFolder(folder.asSynced(), 'photos.coffer', new Blob([BACKUP]));
    expect(name).toBe('photos (2).coffer');
    expect(Array.from(folder.files.get('photos.coffer') as Uint8Array)).toEqual([1, 2, 3]);
    expect(folder.files.get(name)?.length).toBe(BACKUP.length);
  });

  it('leaves nothing when the backup cannot be read to the end', async () => {
    const folder = new FakeFolder();
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(BACKUP.subarray(0, 1000));
        controller.error(new Error('the file went away'));
      },
    });
    const blob = { stream: () => failing } as unknown as Blob;
    await expect(copyToSyncedFolder(folder.asSynced(), 'photos.coffer', blob)).rejects.toThrow('the file went away');
    expect(folder.files.size).toBe(0);
    expect(folder.appeared.some((seen) => seen.name === 'photos.coffer')).toBe(false);
  });

  it('writes under its name directly where a handle cannot be renamed', async () => {
    const folder = new FakeFolder(false);
    const name = await copyToSyncedFolder(folder.asSynced(), 'photos.coffer', new Blob([BACKUP]));
    expect(name).toBe('photos.coffer');
    expect([...folder.files.keys()]).toEqual(['photos.coffer']);
    expect(folder.files.get(name)?.length).toBe(BACKUP.length);
  });
});
