/**
 * Backups kept on this device: encrypted files in the origin's private file system, described
 * by the catalogue. Catalogue and files are changed under one Web Lock, so two tabs never race,
 * and `reconcile` repairs what a crashed or closed tab left half done.
 */

import { liveTabIds, opfsFile, opfsNames, opfsRoot, removeOpfsEntry, tabId } from '../shared/opfs.ts';
import { hasPrivateStorage } from '../shared/temp-output.ts';
import { openCatalogue, type StoredBackup, type UnlockMethod } from './db.ts';
import { NotEnoughSpace } from './refusals.ts';

const FILE_PREFIX = 'vault-';
const LOCK = 'coffer-vault';
/** Head-room kept free so that the browser's own bookkeeping never hits the quota. */
const MARGIN = 16 * 1024 * 1024;

function withLock<T>(task: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request(LOCK, task) : task();
}

export interface StorageInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}

export async function storageInfo(): Promise<StorageInfo | undefined> {
  if (typeof navigator.storage?.estimate !== 'function') return undefined;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usage, quota, persisted: (await navigator.storage.persisted?.()) ?? false };
}

export async function requestPersistence(): Promise<boolean> {
  return (await navigator.storage.persist?.()) ?? false;
}

export interface NewStoredBackup {
  name: string;
  sources: string[];
  unlock: UnlockMethod[];
  /** An upper bound on the backup's size: the inputs' total plus the format's overhead. */
  maxSize: number;
}

/** Reserves a place for a new backup, refusing before anything is written if it cannot fit. */
export async function beginStore(backup: NewStoredBackup): Promise<StoredBackup> {
  // Where there is no storage estimate the browser reports no quota either; OPFS still refuses when full.
  const { usage, quota } = (await storageInfo()) ?? { usage: 0, quota: Number.POSITIVE_INFINITY };
  const available = Math.max(0, quota - usage - MARGIN);
  if (backup.maxSize > available) throw new NotEnoughSpace(backup.maxSize, available);
  const id = crypto.randomUUID();
  const record: StoredBackup = {
    id,
    fileName: `${FILE_PREFIX}${id}.coffer`,
    name: backup.name,
    createdAt: Date.now(),
    size: 0,
    entryCount: 0,
    unlock: backup.unlock,
    sources: backup.sources,
    state: 'writing',
    ownerTab: tabId,
  };
  await withLock(async () => {
    await (await openCatalogue()).put('backups', record);
  });
  return record;
}

export async function finishStore(
  record: StoredBackup,
  size: number,
  counts: { files: number; folders: number },
): Promise<StoredBackup> {
  const entryCount = counts.files + counts.folders;
  const done: StoredBackup = { ...record, size, entryCount, ...counts, state: 'complete' };
  await withLock(async () => {
    await (await openCatalogue()).put('backups', done);
  });
  return done;
}

/** Removes a stored backup: the file first, then its entry, so no entry outlives its file. */
export async function removeStored(record: StoredBackup): Promise<void> {
  await withLock(async () => {
    await removeOpfsEntry(record.fileName);
    await (await openCatalogue()).delete('backups', record.id);
  });
}

export async function listStored(): Promise<StoredBackup[]> {
  const all = await (await openCatalogue()).getAllFromIndex('backups', 'by-created');
  return all.filter((record) => record.state === 'complete').reverse();
}

export function storedFile(record: StoredBackup): Promise<File> {
  return opfsFile(record.fileName);
}

/** Which stored copy an opened File is (by object identity), for replacing it in place. */
const opened = new WeakMap<File, { id: string; fileName: string }>();

export function markOpened(file: File, record: StoredBackup): File {
  opened.set(file, { id: record.id, fileName: record.fileName });
  return file;
}

export function openedFrom(file: File): { id: string; fileName: string } | undefined {
  return opened.get(file);
}

/**
 * Replaces a stored copy's header (after "Change how it unlocks"), atomically: the new header and
 * the old payload go into a NEW file, its size is checked, then the catalogue entry is pointed at
 * it in one IndexedDB transaction, and only then is the old file removed. A failure before the
 * swap removes the new file and leaves the old copy as it was; a crash before the swap leaves an
 * orphan file and a crash after it an orphan old file, both of which `reconcile` removes, so the
 * catalogue never points at a half-written copy. Rewriting the header in place would be quicker
 * only when its length is unchanged, and a crash midway would corrupt the only copy.
 */
export async function replaceStored(
  from: { id: string; fileName: string },
  header: Uint8Array,
  oldHeaderLength: number,
  unlock: UnlockMethod[],
): Promise<StoredBackup> {
  return withLock(async () => {
    const db = await openCatalogue();
    const record = await db.get('backups', from.id);
    if (record?.state !== 'complete' || record.fileName !== from.fileName) {
      throw new Error('The copy on this device changed or was deleted since it was opened: open it again.');
    }
    const old = await opfsFile(record.fileName);
    const fileName = `${FILE_PREFIX}${crypto.randomUUID()}.coffer`;
    const size = header.length + old.size - oldHeaderLength;
    try {
      const handle = await (await opfsRoot()).getFileHandle(fileName, { create: true });
      const writable = await handle.createWritable();
      try {
        await writable.write(new Blob([header as Uint8Array<ArrayBuffer>, old.slice(oldHeaderLength)]));
        await writable.close();
      } catch (error) {
        await writable.abort().catch(() => {});
        throw error;
      }
      const written = (await handle.getFile()).size;
      if (written !== size) throw new Error(`The new copy is ${written} bytes, not ${size}: the old one was kept.`);
      const replaced: StoredBackup = { ...record, fileName, size, unlock };
      const swap = db.transaction('backups', 'readwrite');
      await Promise.all([swap.store.put(replaced), swap.done]);
      await removeOpfsEntry(record.fileName);
      return replaced;
    } catch (error) {
      await removeOpfsEntry(fileName);
      if (error instanceof DOMException && error.name === 'QuotaExceededError') {
        throw new Error('There is not enough space on this device to write the new copy. The old copy was kept.');
      }
      throw error;
    }
  });
}

export interface ReconcileReport {
  removedPartial: number;
  removedOrphans: number;
  missingFiles: number;
}

/**
 * Run at start-up: removes backups a closed tab was still writing, files with no entry, and
 * entries whose file is gone (reported, so the person knows).
 */
export async function reconcile(): Promise<ReconcileReport> {
  // Without a private file system nothing can have been kept, so there is nothing to repair.
  if (!(await hasPrivateStorage())) return { removedPartial: 0, removedOrphans: 0, missingFiles: 0 };
  return withLock(async () => {
    const db = await openCatalogue();
    const live = await liveTabIds();
    const files = new Set((await opfsNames()).filter((name) => name.startsWith(FILE_PREFIX)));
    const report: ReconcileReport = { removedPartial: 0, removedOrphans: 0, missingFiles: 0 };
    for (const record of await db.getAll('backups')) {
      const hasFile = files.delete(record.fileName);
      if (record.state === 'writing' && !live.has(record.ownerTab)) {
        await removeOpfsEntry(record.fileName);
        await db.delete('backups', record.id);
        report.removedPartial++;
      } else if (record.state === 'complete' && !hasFile) {
        await db.delete('backups', record.id);
        report.missingFiles++;
      }
    }
    for (const orphan of files) {
      await removeOpfsEntry(orphan);
      report.removedOrphans++;
    }
    return report;
  });
}
