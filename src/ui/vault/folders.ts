/**
 * Folders chosen with the folder picker can be remembered (their handles stay in IndexedDB) and
 * backed up again with one click; the browser asks the person for permission again each time.
 */
import type { BackupItem } from '../../worker/protocol.ts';
import { openCatalogue, type RememberedFolder } from './db.ts';

type DirectoryPicker = (options?: object) => Promise<FileSystemDirectoryHandle>;

export function folderPicker(): DirectoryPicker | undefined {
  return (window as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
}

type PermissionHandle = FileSystemDirectoryHandle & {
  queryPermission?(options: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(options: { mode: 'read' }): Promise<PermissionState>;
};

async function mayRead(handle: FileSystemDirectoryHandle): Promise<boolean> {
  const withPermission = handle as PermissionHandle;
  if ((await withPermission.queryPermission?.({ mode: 'read' })) === 'granted') return true;
  return (await withPermission.requestPermission?.({ mode: 'read' })) !== 'denied';
}

/** Walks a folder handle into backup items, empty folders included, in a stable order. */
export async function itemsFromHandle(
  handle: FileSystemDirectoryHandle,
  prefix = handle.name,
  // One list for the whole walk: pushing a subtree's items with push(...subtree) overflows the
  // stack past about 120,000 items.
  items: BackupItem[] = [],
): Promise<BackupItem[]> {
  items.push({ path: prefix.normalize('NFC'), type: 'dir', mtime: Date.now() });
  const children: [string, FileSystemHandle][] = [];
  for await (const entry of (handle as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    children.push(entry);
  }
  children.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // getFile is a round trip per file: a folder's files are asked for several at a time (issue
  // 15), and listed in the sorted order whatever order they arrive in.
  const files = new Map<string, File>();
  const fileHandles = children.filter(([, child]) => child.kind === 'file');
  for (let i = 0; i < fileHandles.length; i += FILES_AT_ONCE) {
    const batch = fileHandles.slice(i, i + FILES_AT_ONCE);
    const got = await Promise.all(batch.map(([, child]) => (child as FileSystemFileHandle).getFile()));
    for (const [j, [name]] of batch.entries()) files.set(name, got[j]);
  }
  for (const [name, child] of children) {
    const path = `${prefix}/${name}`.normalize('NFC');
    if (child.kind === 'file') {
      const file = files.get(name) as File;
      items.push({ path, type: 'file', file, mtime: file.lastModified });
    } else {
      await itemsFromHandle(child as FileSystemDirectoryHandle, path, items);
    }
  }
  return items;
}

const FILES_AT_ONCE = 32;

export async function rememberFolder(handle: FileSystemDirectoryHandle): Promise<void> {
  const db = await openCatalogue();
  const known = await db.get('folders', handle.name);
  await db.put('folders', {
    name: handle.name,
    handle,
    addedAt: known?.addedAt ?? Date.now(),
    lastBackedUp: known?.lastBackedUp,
  });
}

export async function rememberedFolders(): Promise<RememberedFolder[]> {
  return (await openCatalogue()).getAll('folders');
}

export async function forgetFolder(name: string): Promise<void> {
  await (await openCatalogue()).delete('folders', name);
}

/** Re-reads a remembered folder, asking for permission again if the browser needs to. */
export async function readRememberedFolder(folder: RememberedFolder): Promise<BackupItem[]> {
  if (!(await mayRead(folder.handle))) throw new Error(`Coffer was not allowed to read "${folder.name}" this time.`);
  return itemsFromHandle(folder.handle);
}

/** Records that the top-level folders of a finished backup were just backed up. */
export async function markBackedUp(topLevelNames: string[], when = Date.now()): Promise<void> {
  const db = await openCatalogue();
  for (const name of topLevelNames) {
    const folder = await db.get('folders', name);
    if (folder) await db.put('folders', { ...folder, lastBackedUp: when });
  }
}
