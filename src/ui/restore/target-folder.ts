/**
 * The new folder "Restore all" writes into, inside the folder the person picked. Nothing that
 * was there before may be touched: a name counts as free only when the browser says
 * NotFoundError (a file of that name answers TypeMismatchError), the folder must be empty right
 * after it was made (else someone else made it), and clean-up removes only the backup's own
 * entries, never recursively, so anything it did not write stays. Chromium has no move() for
 * folders, so writing under a hidden name and renaming at the end is not possible here.
 */
import type { EntryInfo } from '../../worker/protocol.ts';

/** Whether `parent` holds an entry (file or folder) called `name`; other failures are thrown. */
export async function entryExists(parent: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await parent.getDirectoryHandle(name);
    return true;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return false;
    if (error instanceof DOMException && error.name === 'TypeMismatchError') return true;
    throw error;
  }
}

async function isEmpty(folder: FileSystemDirectoryHandle): Promise<boolean> {
  for await (const _ of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) return false;
  return true;
}

/** Makes a new, empty folder `base`, `base (2)`, … and returns its name. */
export async function createRestoreFolder(parent: FileSystemDirectoryHandle, base: string): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const name = n === 1 ? base : `${base} (${n})`;
    if (await entryExists(parent, name)) continue;
    const folder = await parent.getDirectoryHandle(name, { create: true });
    if (await isEmpty(folder)) return name;
  }
  throw new Error(`Could not find a free folder name for "${base}".`);
}

const GONE = new Set(['NotFoundError', 'InvalidModificationError', 'TypeMismatchError']);

/** Removes one entry; a cancelled worker lets go of its open files a moment later, so it retries. */
async function removeOne(parent: FileSystemDirectoryHandle, name: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      await parent.removeEntry(name);
      return;
    } catch (error) {
      // Gone already, or a folder that is not empty (it holds something this restore did not write).
      if (error instanceof DOMException && GONE.has(error.name)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function folderAt(root: FileSystemDirectoryHandle, path: string): Promise<FileSystemDirectoryHandle | undefined> {
  let folder = root;
  for (const part of path ? path.split('/') : []) {
    try {
      folder = await folder.getDirectoryHandle(part);
    } catch {
      return undefined;
    }
  }
  return folder;
}

/**
 * Undoes a failed or cancelled restore: the backup's files, then its folders deepest first
 * (each only if empty), then the restore folder itself (only if empty).
 */
export async function removeRestored(
  parent: FileSystemDirectoryHandle,
  folderName: string,
  entries: readonly Pick<EntryInfo, 'path' | 'type'>[],
): Promise<void> {
  const root = await folderAt(parent, folderName);
  if (!root) return;
  const ordered = [...entries].sort((a, b) =>
    a.type === b.type ? b.path.split('/').length - a.path.split('/').length : a.type === 'file' ? -1 : 1,
  );
  const parents = new Map<string, Promise<FileSystemDirectoryHandle | undefined>>();
  for (const entry of ordered) {
    const slash = entry.path.lastIndexOf('/');
    const dir = slash === -1 ? '' : entry.path.slice(0, slash);
    let folder = parents.get(dir);
    if (!folder) {
      folder = folderAt(root, dir);
      parents.set(dir, folder);
    }
    const handle = await folder;
    if (handle) await removeOne(handle, entry.path.slice(slash + 1));
  }
  await removeOne(parent, folderName);
}
