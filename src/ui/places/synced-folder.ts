/**
 * A synced folder: a folder on this computer that a sync client (Drive, Dropbox, iCloud Drive,
 * OneDrive) keeps in the cloud, picked once with the folder picker (Chromium and Edge only;
 * elsewhere the option is absent). Every new backup, "Back up again" included, is also written
 * there. Its handle is kept in the catalogue; the browser may drop the permission to write, and
 * then asks again on a click.
 */

import { openCatalogue } from '../vault/db.ts';
import { folderPicker } from '../vault/folders.ts';

const KEY = 'synced-folder';
/** The place id its copies are recorded under in a backup's copies. */
export const SYNCED_FOLDER_ID = 'synced-folder';

export interface SyncedFolder {
  name: string;
  handle: FileSystemDirectoryHandle;
  addedAt: number;
}

type WriteHandle = FileSystemDirectoryHandle & {
  queryPermission?(options: { mode: 'readwrite' }): Promise<PermissionState>;
  requestPermission?(options: { mode: 'readwrite' }): Promise<PermissionState>;
};

export function canSyncFolder(): boolean {
  return folderPicker() !== undefined;
}

export async function syncedFolder(): Promise<SyncedFolder | undefined> {
  return (await (await openCatalogue()).get('settings', KEY)) as SyncedFolder | undefined;
}

/** Asks for a folder and keeps it; undefined when the person cancels the picker. */
export async function pickSyncedFolder(): Promise<SyncedFolder | undefined> {
  const pick = folderPicker();
  if (!pick) return undefined;
  let handle: FileSystemDirectoryHandle;
  try {
    handle = await pick({ id: 'coffer-synced', mode: 'readwrite' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return undefined;
    throw error;
  }
  const folder = { name: handle.name, handle, addedAt: Date.now() };
  await (await openCatalogue()).put('settings', folder, KEY);
  return folder;
}

export async function stopSyncedFolder(): Promise<void> {
  await (await openCatalogue()).delete('settings', KEY);
}

/** Whether Coffer may write there now; `ask` asks the browser (needs a click). */
export async function mayWrite(folder: SyncedFolder, ask: boolean): Promise<boolean> {
  const handle = folder.handle as WriteHandle;
  const state = (await handle.queryPermission?.({ mode: 'readwrite' })) ?? 'granted';
  if (state === 'granted') return true;
  if (!ask) return false;
  return (await handle.requestPermission?.({ mode: 'readwrite' })) === 'granted';
}

async function exists(folder: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await folder.getFileHandle(name);
    return true;
  } catch {
    return false;
  }
}

/** "photos.coffer", or "photos (2).coffer" and so on when the name is taken: nothing is replaced. */
async function freeName(folder: FileSystemDirectoryHandle, name: string): Promise<string> {
  if (!(await exists(folder, name))) return name;
  const dot = name.toLowerCase().endsWith('.coffer') ? name.length - '.coffer'.length : name.length;
  for (let n = 2; n < 1000; n++) {
    const candidate = `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
    if (!(await exists(folder, candidate))) return candidate;
  }
  throw new Error(`The synced folder already has a thousand backups named like "${name}".`);
}

type MovableHandle = FileSystemFileHandle & { move?(newName: string): Promise<void> };

/**
 * Writes the backup into the folder under a free name and returns that name.
 *
 * A sync client uploads whatever appears in the folder, and the browser's writable creates its
 * file at once, empty until closed. So the copy is written under a hidden scratch name and takes
 * its own name only when complete (a rename in the folder): nothing incomplete ever carries a
 * backup's name there, and a failure leaves nothing behind. Where handles cannot be renamed
 * (Chromium before 111), it is written under its name directly, as before.
 */
export async function copyToSyncedFolder(folder: SyncedFolder, name: string, file: Blob): Promise<string> {
  const target = await freeName(folder.handle, name);
  const scratch = `.${target}.${crypto.randomUUID().slice(0, 8)}.partial`;
  const handle: MovableHandle = await folder.handle.getFileHandle(scratch, { create: true });
  if (typeof handle.move !== 'function') {
    await folder.handle.removeEntry(scratch).catch(() => {});
    return writeUnder(folder.handle, target, file);
  }
  try {
    await file.stream().pipeTo(await handle.createWritable());
    // Another tab may have taken the name while this copy was written: never replace it.
    const final = await freeName(folder.handle, target);
    await handle.move(final);
    return final;
  } catch (error) {
    await folder.handle.removeEntry(scratch).catch(() => {});
    throw error;
  }
}

async function writeUnder(folder: FileSystemDirectoryHandle, target: string, file: Blob): Promise<string> {
  const handle = await folder.getFileHandle(target, { create: true });
  try {
    await file.stream().pipeTo(await handle.createWritable());
  } catch (error) {
    await folder.removeEntry(target).catch(() => {});
    throw error;
  }
  return target;
}
