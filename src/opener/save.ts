/**
 * Where restored bytes go. Where the browser lets a page write a file the person picks
 * (Chromium's showSaveFilePicker, which also works from a file:// page), bytes stream to disk
 * and size is no object. Elsewhere they are gathered into a Blob and handed over as a download:
 * the browser holds that Blob (Chromium pages large ones to disk, Firefox keeps them in memory),
 * which is what bounds one download (stated in the page and in the README).
 */
import { CofferError, type IndexEntry, type OpenedBackup, type RestoreProgress } from '../core/index.ts';
import { zipWriter } from '../worker/zip-sink.ts';

export interface Output {
  write(bytes: Uint8Array): Promise<void> | void;
  /** Finishes the file: the download starts, or the picked file is complete. */
  close(): Promise<void>;
  /** Discards what was written; nothing is left that could pass for a complete file. */
  abort(): Promise<void>;
}

/** The same test-only seam as the app's downloadBlob (src/ui/shared/download.ts). */
type DownloadObserver = (blob: Blob, name: string) => void;

export function downloadBlob(blob: Blob, name: string): void {
  (globalThis as { __cofferDownloadObserver?: DownloadObserver }).__cofferDownloadObserver?.(blob, name);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download holds its own reference; the URL only needs to live until it starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Pieces are folded into Blobs every few MiB, so the page's own memory holds little at a time. */
const FOLD_BYTES = 16 * 1024 * 1024;

function blobOutput(name: string, type: string): Output {
  let blobs: Blob[] = [];
  let pieces: Uint8Array<ArrayBuffer>[] = [];
  let pending = 0;
  const fold = () => {
    if (pieces.length > 0) blobs.push(new Blob(pieces));
    pieces = [];
    pending = 0;
  };
  return {
    write(bytes) {
      pieces.push(bytes as Uint8Array<ArrayBuffer>);
      pending += bytes.length;
      if (pending >= FOLD_BYTES) fold();
    },
    async close() {
      fold();
      downloadBlob(new Blob(blobs, { type }), name);
      blobs = [];
    },
    async abort() {
      blobs = [];
      pieces = [];
    },
  };
}

interface SaveFilePicker {
  showSaveFilePicker?: (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;
}

async function pickedOutput(name: string): Promise<Output | undefined> {
  const picker = (globalThis as SaveFilePicker).showSaveFilePicker;
  if (!picker) return undefined;
  let handle: FileSystemFileHandle;
  try {
    handle = await picker({ suggestedName: name });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw new CofferError('cancelled', 'No file was chosen, so nothing was saved.');
    }
    // Some engines expose the picker but refuse it on a file:// page: fall back to a download.
    return undefined;
  }
  const writable = await handle.createWritable();
  return {
    write: (bytes) => writable.write(bytes as Uint8Array<ArrayBuffer>),
    close: () => writable.close(),
    // An aborted writable leaves the picked file as it was: the partial bytes are never kept.
    abort: () => writable.abort().catch(() => {}),
  };
}

export async function openOutput(name: string, type: string): Promise<Output> {
  return (await pickedOutput(name)) ?? blobOutput(name, type);
}

type OnProgress = (progress: RestoreProgress) => void;

/** One file, decrypting only the chunks it lives in. */
export async function saveOne(backup: OpenedBackup, entry: IndexEntry, onProgress: OnProgress): Promise<void> {
  const out = await openOutput(entry.path.split('/').pop() || 'file', 'application/octet-stream');
  const progress: RestoreProgress = { bytesDone: 0, bytesTotal: entry.size, currentPath: entry.path };
  try {
    for await (const piece of backup.fileData(entry)) {
      await out.write(piece);
      progress.bytesDone += piece.length;
      onProgress(progress);
    }
    await out.close();
  } catch (error) {
    await out.abort();
    throw error;
  }
}

/** Everything as one .zip, in one pass over the payload (which also checks every chunk). */
export async function saveAll(backup: OpenedBackup, name: string, onProgress: OnProgress): Promise<void> {
  const out = await openOutput(name, 'application/zip');
  try {
    const zip = zipWriter(out);
    await backup.restore(zip.sink, { onProgress });
    await zip.finish();
    await out.close();
  } catch (error) {
    await out.abort();
    throw error;
  }
}
