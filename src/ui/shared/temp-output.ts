/**
 * Where a finished file waits before it is downloaded or previewed: a temporary file in the
 * origin's private file system where there is one, else the worker's memory (WebKit under
 * automation has no OPFS; Safari's private windows and some embedded browsers neither), with a
 * stated size limit because nothing there can stream.
 */
import { MEMORY_OUTPUT_LIMIT, type Output } from '../../worker/protocol.ts';
import { coffer } from './client.ts';
import { downloadBlob, handOverTemp, holdTemp, newTempName, opfsFile, removeTemp } from './download.ts';
import { formatBytes } from './format.ts';

let probe: Promise<boolean> | undefined;

/** Whether this browser gives Coffer a private file system (asked once per page). */
export function hasPrivateStorage(): Promise<boolean> {
  probe ??= (async () => {
    if (typeof navigator.storage?.getDirectory !== 'function') return false;
    try {
      await navigator.storage.getDirectory();
      return true;
    } catch {
      return false; // Some private windows expose the method but refuse to open it.
    }
  })();
  return probe;
}

export const MEMORY_LIMIT_TEXT = `${MEMORY_OUTPUT_LIMIT / 2 ** 30} GiB`;

/** Refused before any work starts: the result would not fit in memory. */
export class MemoryLimitError extends Error {
  readonly code = 'memory_limit';
  constructor(what: string, size: number) {
    super(
      `${what} would be about ${formatBytes(size)}; without private storage this browser can hold at most ${MEMORY_LIMIT_TEXT}.`,
    );
  }
}

export interface TempOutput {
  output: Output;
  /** The written file; call once, right after the command finished. */
  file(): Promise<Blob>;
  /** Downloads the written file under `name`, then lets it go. */
  handOver(name: string): Promise<void>;
  discard(): Promise<void>;
  /** Keeps the written file past this tab's next operation (a reader still reads it); returns its release. */
  hold(): () => void;
}

/**
 * A place for one command's output. `expectedSize` is how large it will be (at most), so a
 * file that cannot fit in memory is refused before anything is read or decrypted.
 */
export async function tempOutput(purpose: string, what: string, expectedSize: number): Promise<TempOutput> {
  if (await hasPrivateStorage()) {
    const temp = await newTempName(purpose);
    return {
      output: { kind: 'opfs', name: temp },
      file: () => opfsFile(temp),
      handOver: (name) => handOverTemp(temp, name),
      discard: () => removeTemp(temp),
      hold: () => holdTemp(temp),
    };
  }
  if (expectedSize > MEMORY_OUTPUT_LIMIT) throw new MemoryLimitError(what, expectedSize);
  let taken: Blob | undefined;
  const take = () => {
    taken ??= coffer.takeOutput();
    if (!taken) return Promise.reject(new Error('The worker handed back no file.'));
    return Promise.resolve(taken);
  };
  return {
    output: { kind: 'memory' },
    file: take,
    handOver: async (name) => downloadBlob(await take(), name),
    discard: async () => {
      taken = undefined;
      coffer.takeOutput();
    },
    // In memory the Blob itself keeps the bytes for as long as the reader holds it.
    hold: () => () => {},
  };
}
