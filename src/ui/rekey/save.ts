/** Where a rekeyed backup goes: a file the person picks where the browser can, else a download. */
import type { RekeyCommand, ResultOf } from '../../worker/protocol.ts';
import { downloadBlob } from '../shared/download.ts';

type SavePicker = (options: object) => Promise<FileSystemFileHandle>;

function savePicker(): SavePicker | undefined {
  return (window as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
}

/**
 * Picks the target first (the picker needs the click's gesture), then asks the worker for the new
 * header and writes it followed by the old file's payload. Returns the name saved, or undefined if
 * the person cancelled the picker. A picked file is replaced only when the writable closes, so a
 * failure leaves it as it was.
 */
export async function saveRekeyed(
  file: File,
  suggestedName: string,
  rekey: () => Promise<ResultOf<RekeyCommand>>,
): Promise<string | undefined> {
  const picker = savePicker();
  let handle: FileSystemFileHandle | undefined;
  if (picker) {
    try {
      handle = await picker({
        suggestedName,
        types: [{ description: 'Coffer backup', accept: { 'application/octet-stream': ['.coffer'] } }],
      });
    } catch {
      return undefined;
    }
  }
  const result = await rekey();
  const blob = new Blob([result.header as Uint8Array<ArrayBuffer>, file.slice(result.oldHeaderLength)], {
    type: 'application/octet-stream',
  });
  if (!handle) {
    downloadBlob(blob, suggestedName);
    return suggestedName;
  }
  const writable = await handle.createWritable();
  try {
    await writable.write(blob);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => {});
    throw error;
  }
  return handle.name;
}
