/** Issue 13 item 3: "Restore all" into a folder refuses case-fold duplicates where the folder cannot tell them apart. */
import { describe, expect, it } from 'vitest';
import { foldCase } from '../../src/core/paths.ts';
import { checkFolderCase, isCaseInsensitive } from '../../src/worker/case-probe.ts';

/** A stand-in folder whose names compare as a case-insensitive (or -sensitive) file system does. */
function fakeFolder(caseInsensitive: boolean) {
  const key = (name: string) => (caseInsensitive ? foldCase(name) : name);
  const files = new Map<string, string>();
  const folder = {
    async getFileHandle(name: string, options?: { create?: boolean }) {
      if (!files.has(key(name))) {
        if (!options?.create) throw new DOMException('not found', 'NotFoundError');
        files.set(key(name), name);
      }
      return { kind: 'file', name: files.get(key(name)) };
    },
    async removeEntry(name: string) {
      if (!files.delete(key(name))) throw new DOMException('not found', 'NotFoundError');
    },
  };
  return { folder: folder as unknown as FileSystemDirectoryHandle, files };
}

const CLASH = [
  { path: 'Photo.jpg', type: 'file' as const },
  { path: 'photo.jpg', type: 'file' as const },
];

describe('case probe', () => {
  it('tells a case-insensitive folder from a case-sensitive one, and leaves no probe file', async () => {
    const insensitive = fakeFolder(true);
    const sensitive = fakeFolder(false);
    expect(await isCaseInsensitive(insensitive.folder)).toBe(true);
    expect(await isCaseInsensitive(sensitive.folder)).toBe(false);
    expect(insensitive.files.size).toBe(0);
    expect(sensitive.files.size).toBe(0);
  });

  it('refuses Photo.jpg next to photo.jpg before writing into a case-insensitive folder', async () => {
    await expect(checkFolderCase(fakeFolder(true).folder, CLASH)).rejects.toThrow(/differ only in letter case/);
  });

  it('restores both into a case-sensitive folder', async () => {
    await expect(checkFolderCase(fakeFolder(false).folder, CLASH)).resolves.toBeUndefined();
  });

  it('refuses when the probe cannot tell (an unexpected error): the safe side', async () => {
    const { folder } = fakeFolder(false);
    const broken = {
      ...folder,
      getFileHandle: async () => {
        throw new DOMException('denied', 'NotAllowedError');
      },
      removeEntry: folder.removeEntry,
    } as unknown as FileSystemDirectoryHandle;
    await expect(checkFolderCase(broken, CLASH)).rejects.toThrow(/differ only in letter case/);
  });
});
