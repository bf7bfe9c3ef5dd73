/**
 * Backups kept on this device: encrypted files in the origin's private file system, described
 * by the catalogue. Catalogue and files are changed under one Web Lock, so two tabs never race,
 * and `reconcile` repairs what a crashed or closed tab left half done.
 */
import { liveTabIds, opfsFile, opfsNames, removeOpfsEntry, tabId } from '../shared/opfs.ts';
import { hasPrivateStorage } from '../shared/temp-output.ts';
import { openCatalogue, type StoredBackup, type UnlockMethod } from './db.ts';

const FILE_PREFIX = 'vault-';
const LOCK = 'coffer-vault';
/** Head-room kept free so that the browser's own bookkeeping never hits the quota. */
const MARGIN = 16 * 1024 * 1024;

function withLock<T>(task: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request(LOCK, task) : task();
}

export class NotEnoughSpace extends Error {
  constructor(
    readonly needed: number,
    readonly available: number,
  ) {
    super('There is not enough space on this device to keep a copy of this backup.');
    this.name = 'NotEnoughSpace';
  }
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

export async function finishStore(record: StoredBackup, size: number, entryCount: number): Promise<StoredBackup> {
  const done: StoredBackup = { ...record, size, entryCount, state: 'complete' };
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
