/**
 * Turns what a person adds (file inputs, dropped files and folders) into backup items with
 * relative paths. Dropped folders are walked entry by entry, so empty folders are kept too.
 */
import type { BackupItem } from '../../worker/protocol.ts';

export function itemsFromFileList(files: FileList | File[]): BackupItem[] {
  const items = new Map<string, BackupItem>();
  for (const file of Array.from(files)) {
    const path = (file.webkitRelativePath || file.name).normalize('NFC');
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      if (!items.has(dir)) items.set(dir, { path: dir, type: 'dir', mtime: file.lastModified });
    }
    items.set(path, { path, type: 'file', file, mtime: file.lastModified });
  }
  return [...items.values()];
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries returns at most ~100 entries per call; keep asking until it returns none.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: BackupItem[]): Promise<void> {
  const path = (prefix ? `${prefix}/${entry.name}` : entry.name).normalize('NFC');
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    out.push({ path, type: 'file', file, mtime: file.lastModified });
    return;
  }
  if (!entry.isDirectory) return;
  out.push({ path, type: 'dir', mtime: Date.now() });
  const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) await walk(child, path, out);
}

/** Must be called synchronously in the drop handler: DataTransfer items expire after it. */
export function itemsFromDrop(transfer: DataTransfer): Promise<BackupItem[]> {
  const entries = Array.from(transfer.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry());
  if (entries.some((entry) => entry === null)) return Promise.resolve(itemsFromFileList(transfer.files));
  return (async () => {
    const out: BackupItem[] = [];
    for (const entry of entries) await walk(entry as FileSystemEntry, '', out);
    return out;
  })();
}

/** Adds new items, replacing any with the same path, keeping folders before their contents. */
export function mergeItems(current: BackupItem[], added: BackupItem[]): BackupItem[] {
  const byPath = new Map(current.map((item) => [item.path, item]));
  for (const item of added) byPath.set(item.path, item);
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Removes an item and, for a folder, everything inside it. */
export function removeItem(current: BackupItem[], path: string): BackupItem[] {
  return current.filter((item) => item.path !== path && !item.path.startsWith(`${path}/`));
}
