/** Making one backup: choose where it goes, write it through the worker, hand it over. */
import type { BackupItem, NewPasskeySlot, Output, Progress, SkippedItem } from '../../worker/protocol.ts';
import { coffer } from '../shared/client.ts';
import { downloadBlob, newTempName } from '../shared/download.ts';
import { type DownloadOutput, streamedOutput } from '../shared/download-output.ts';
import { hasPrivateStorage, type TempOutput, tempOutput } from '../shared/temp-output.ts';
import type { StoredBackup } from '../vault/db.ts';
import { markBackedUp } from '../vault/folders.ts';
import { beginStore, finishStore, removeStored, storedFile } from '../vault/vault.ts';
import { backupFileName, topLevelNames } from './naming.ts';

/** Where the finished backup went, said in the result. */
export type Destination = 'picked' | 'downloads' | 'kept';

export interface BackupDone {
  name: string;
  /** The .coffer file's size. */
  size: number;
  /** What was backed up, before compression and encryption. */
  contentBytes: number;
  files: number;
  folders: number;
  verified: boolean;
  kept: boolean;
  destination: Destination;
  skipped: SkippedItem[];
  /** The finished file, for Share; absent when the browser will not read it back. */
  file?: File;
  /** The copy kept on this device, when one was kept. */
  stored?: StoredBackup;
}

export interface BackupRequest {
  items: BackupItem[];
  passphrase?: string;
  recoveryKey?: string;
  passkey?: NewPasskeySlot;
  strong: boolean;
  compress: boolean;
  verify: boolean;
  keep: boolean;
  /** Repair data in percent (spec 11), or undefined for none. */
  parity?: number;
}

type SaveFilePicker = (options: object) => Promise<FileSystemFileHandle>;

/** Where a picker exists, the person chooses the file first (it needs the click's gesture). */
export async function pickSaveTarget(items: BackupItem[]): Promise<FileSystemFileHandle | undefined> {
  const picker = (window as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  return picker?.({
    suggestedName: backupFileName(items.map((item) => item.path)),
    types: [{ description: 'Coffer backup', accept: { 'application/octet-stream': ['.coffer'] } }],
  });
}

export async function makeBackup(
  request: BackupRequest,
  handle: FileSystemFileHandle | undefined,
  onProgress: (progress: Progress) => void,
): Promise<BackupDone> {
  const { items } = request;
  const sources = topLevelNames(items.map((item) => item.path));
  const name = handle?.name ?? backupFileName(items.map((item) => item.path));
  const total = items.reduce((sum, item) => sum + (item.file?.size ?? 0), 0);
  let stored: StoredBackup | undefined;
  let temp: TempOutput | undefined;
  let streamed: DownloadOutput | undefined;
  try {
    if (request.keep) {
      stored = await beginStore({
        name,
        sources,
        unlock: [
          ...(request.passphrase ? (['passphrase'] as const) : []),
          ...(request.recoveryKey ? (['recovery-key'] as const) : []),
        ],
        // Stored data never grows: the bound is the inputs plus headers, index and tags.
        maxSize: Math.ceil(total * 1.001) + items.length * 4200 + 65536,
      });
    }
    // Named before the output's temporary file: naming one removes this tab's older ones.
    const paritySpill =
      request.parity !== undefined && (await hasPrivateStorage()) ? await newTempName('parity') : undefined;
    // Streamed into the download unless the backup is checked after writing: that check reads
    // the written file back, which a download in progress cannot offer.
    if (!stored && !handle && !request.verify) streamed = await streamedOutput(name);
    // Stored data never grows beyond the inputs plus headers, index and tags.
    if (!stored && !handle && !streamed)
      temp = await tempOutput('backup', 'This backup', total + items.length * 4200 + 65536);
    const output: Output = stored
      ? { kind: 'opfs', name: stored.fileName }
      : handle
        ? { kind: 'handle', handle }
        : (streamed ?? (temp as TempOutput)).output;
    const result = await coffer.run(
      {
        type: 'create',
        items,
        passphrase: request.passphrase,
        recoveryKey: request.recoveryKey,
        passkey: request.passkey,
        kdf: request.strong ? 'strong' : 'default',
        compress: request.compress,
        verify: request.verify,
        parity: request.parity,
        paritySpill,
        output,
      },
      onProgress,
    );
    let file: Blob | undefined;
    const files = items.filter((item) => item.type === 'file').length;
    const folders = items.filter((item) => item.type === 'dir').length;
    if (stored) {
      stored = await finishStore(stored, result.size, { files, folders });
      file = await storedFile(stored);
      if (handle) await file.stream().pipeTo(await handle.createWritable());
      else downloadBlob(file, name);
    } else if (streamed) {
      // Nothing was staged, so there is no file to share: the download is the only copy.
      await streamed.deliver();
    } else if (temp) {
      // The temporary file stays until this tab's next operation, so Share can still read it.
      file = await temp.file();
      downloadBlob(file, name);
    } else if (handle) {
      // Share is extra: a handle that cannot be read back (or a stand-in without getFile) just hides it.
      file = await Promise.resolve()
        .then(() => handle.getFile())
        .catch(() => undefined);
    }
    await markBackedUp(sources);
    return {
      name,
      size: result.size,
      contentBytes: total,
      files,
      folders,
      verified: result.verified,
      kept: Boolean(stored),
      destination: handle ? 'picked' : 'downloads',
      skipped: result.skipped,
      file: file && new File([file], name, { type: 'application/octet-stream' }),
      stored,
    };
  } catch (failure) {
    if (stored) await removeStored(stored);
    if (temp) await temp.discard();
    if (streamed) await streamed.discard();
    throw failure;
  }
}
