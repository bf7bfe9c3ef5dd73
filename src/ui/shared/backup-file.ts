/**
 * What the Restore tab opens: a file on this device, or a backup at a place, read through the
 * places worker with range requests (only the parts a step needs are fetched).
 */
import type { BackupInput } from '../../worker/protocol.ts';

export interface RemoteBackup {
  kind: 'remote';
  name: string;
  size: number;
  /** The place's folder, as shown. */
  location: string;
  /** A fresh port to the places worker serving this backup, for one worker command. */
  connect(): MessagePort;
  /** Ends the places worker; nothing more is read. */
  close(): void;
}

export type BackupFile = File | RemoteBackup;

export function isRemoteBackup(file: BackupFile | undefined): file is RemoteBackup {
  return file !== undefined && !(file instanceof Blob) && file.kind === 'remote';
}

/** What the Coffer worker is given to read it. */
export function workerInput(file: BackupFile): BackupInput {
  if (!isRemoteBackup(file)) return file;
  return { kind: 'remote', name: file.name, size: file.size, port: file.connect() };
}
