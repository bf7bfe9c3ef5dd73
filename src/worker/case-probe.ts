/**
 * Before "Restore all" writes into a folder: whether that folder's file system tells letter
 * case apart, found by a probe file inside the new, empty restore folder (which this restore
 * made, so nothing else is touched). Where it does not, names that differ only in case would
 * overwrite each other, so the backup is refused before anything is written (spec 5.3).
 */
import { checkCaseFolds, type PathEntry } from '../core/paths.ts';

export async function isCaseInsensitive(folder: FileSystemDirectoryHandle): Promise<boolean> {
  const name = `.coffer-case-probe-${crypto.randomUUID()}`;
  try {
    await folder.getFileHandle(name, { create: true });
    await folder.getFileHandle(name.toUpperCase());
    return true;
  } catch (error) {
    // Only a clear "not found" for the upper-case name proves the folder tells case apart.
    return !(error instanceof DOMException && error.name === 'NotFoundError');
  } finally {
    await folder.removeEntry(name).catch(() => {});
  }
}

/** Throws unsafe_entry when the folder is case-insensitive and two entries fold to one name. */
export async function checkFolderCase(folder: FileSystemDirectoryHandle, entries: readonly PathEntry[]): Promise<void> {
  if (await isCaseInsensitive(folder)) checkCaseFolds(entries);
}
