/** Restore all: into a picked folder where the browser has pickers, else as one .zip download. */
import type { Command, EntryInfo, Progress, ResultOf, SalvageInfo } from '../../worker/protocol.ts';
import { zipSize } from '../../worker/zip-sink.ts';
import { coffer } from '../shared/client.ts';
import type { DownloadOutput, DownloadPlan } from '../shared/download-output.ts';
import { formatBytes } from '../shared/format.ts';
import { createRestoreFolder, removeRestored } from './target-folder.ts';

/** What a salvage restored, and where, for the result shown after it. */
export interface Salvaged {
  info: SalvageInfo;
  restored: number;
  where: string;
}

export interface RestoreContext {
  /** Only its name is used: the .zip and the folder are named after it. */
  file?: { name: string };
  entries: EntryInfo[];
  /** Runs one step with the panel's progress and error handling; undefined when it failed. */
  run<T>(task: () => Promise<T>): Promise<T | undefined>;
  /** A command whose output is a download, as Save runs one; its result once the download has it all. */
  saveAsDownload<C extends Command>(
    plan: DownloadPlan,
    command: (target: DownloadOutput) => C,
  ): Promise<ResultOf<C> | undefined>;
  onProgress(update: Progress): void;
  setStatus(text: string): void;
  setSalvaged(result: Salvaged): void;
}

type DirectoryPicker = (options: object) => Promise<FileSystemDirectoryHandle>;

function directoryPicker(): DirectoryPicker | undefined {
  return (window as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
}

export async function restoreEverything(context: RestoreContext, salvage: boolean): Promise<void> {
  const { file, entries, run, saveAsDownload, onProgress, setStatus, setSalvaged } = context;
  const picker = directoryPicker();
  if (picker) {
    let handle: FileSystemDirectoryHandle;
    try {
      handle = await picker({ mode: 'readwrite' });
    } catch {
      return;
    }
    // Always a new folder, so nothing already on disk can be overwritten; what this restore
    // wrote is removed again if it fails or is cancelled, so no half-restored folder is left.
    const base = (file?.name ?? 'backup').replace(/\.coffer$/i, '');
    const folderName = await run(() => createRestoreFolder(handle, base));
    if (folderName === undefined) return;
    const result = await run(() =>
      coffer.run({ type: 'restore-all', salvage, target: { kind: 'directory', handle, folderName } }, onProgress),
    );
    if (result?.salvage) {
      setSalvaged({ info: result.salvage, restored: result.files, where: `into "${folderName}" in ${handle.name}` });
    } else if (result) {
      setStatus(
        `Restored ${result.files} files (${formatBytes(result.bytes)}) into "${folderName}" in ${handle.name}.`,
      );
    } else {
      await removeRestored(handle, folderName, entries);
    }
    return;
  }
  const zipName = `${(file?.name ?? 'backup').replace(/\.coffer$/i, '')}${salvage ? '-salvaged' : ''}.zip`;
  // Exact unless salvage leaves damaged files out: only then is the length unknown beforehand.
  const size = zipSize(entries);
  const plan = { name: zipName, purpose: 'zip', what: 'The .zip of this backup', maxSize: size };
  const result = await saveAsDownload({ ...plan, exactSize: salvage ? undefined : size }, (target) => ({
    type: 'restore-all',
    salvage,
    target: { kind: 'zip', output: target.output },
  }));
  if (!result) return;
  if (result.salvage) {
    setSalvaged({ info: result.salvage, restored: result.files, where: `as ${zipName}` });
  } else {
    setStatus(`Restored ${result.files} files (${formatBytes(result.bytes)}) as a .zip download.`);
  }
}
