/** Restore all: into a picked folder where the browser has pickers, else as one .zip download. */
import type { EntryInfo, Progress, SalvageInfo } from '../../worker/protocol.ts';
import { coffer } from '../shared/client.ts';
import { formatBytes } from '../shared/format.ts';
import { tempOutput } from '../shared/temp-output.ts';
import { createRestoreFolder, removeRestored } from './target-folder.ts';

/** What a salvage restored, and where, for the result shown after it. */
export interface Salvaged {
  info: SalvageInfo;
  restored: number;
  where: string;
}

export interface RestoreContext {
  file?: File;
  entries: EntryInfo[];
  totalSize: number;
  /** Runs one step with the panel's progress and error handling; undefined when it failed. */
  run<T>(task: () => Promise<T>): Promise<T | undefined>;
  onProgress(update: Progress): void;
  setStatus(text: string): void;
  setSalvaged(result: Salvaged): void;
}

type DirectoryPicker = (options: object) => Promise<FileSystemDirectoryHandle>;

function directoryPicker(): DirectoryPicker | undefined {
  return (window as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
}

export async function restoreEverything(context: RestoreContext, salvage: boolean): Promise<void> {
  const { file, entries, totalSize, run, onProgress, setStatus, setSalvaged } = context;
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
  // At most: the contents, 150 bytes of headers per entry (Zip64 included) and its name twice
  // (UTF-8: up to 3 bytes per UTF-16 unit), and the end records.
  const zipSize = totalSize + entries.reduce((sum, entry) => sum + 150 + 6 * (entry.path.length + 1), 0) + 98;
  const temp = await run(() => tempOutput('zip', 'The .zip of this backup', zipSize));
  if (!temp) return;
  const result = await run(() =>
    coffer.run({ type: 'restore-all', salvage, target: { kind: 'zip', output: temp.output } }, onProgress),
  );
  const zipName = `${(file?.name ?? 'backup').replace(/\.coffer$/i, '')}${salvage ? '-salvaged' : ''}.zip`;
  if (result?.salvage) {
    await temp.handOver(zipName);
    setSalvaged({ info: result.salvage, restored: result.files, where: `as ${zipName}` });
  } else if (result) {
    await temp.handOver(zipName);
    setStatus(`Restored ${result.files} files (${formatBytes(result.bytes)}) as a .zip download.`);
  } else {
    await temp.discard();
  }
}
