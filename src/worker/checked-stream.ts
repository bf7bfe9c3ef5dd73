/**
 * A backup streamed into a download and still checked after writing (issue 30): every byte goes
 * to the download and to a private copy, except the last piece, which is held back until the
 * copy has been read back and checked. The download therefore completes only for a checked
 * backup; if the check fails it is broken off, and the browser marks it failed, never finished.
 * The copy is what the staged path checked too: the same bytes, written by the same code.
 */
import type { ByteSink } from './byte-sink.ts';

export interface CheckedStream {
  /** Where the backup is written: the download (all but its last piece) and the copy. */
  sink: ByteSink;
  /** After the check passed: the last piece goes out, the download completes, the copy goes. */
  release(): Promise<void>;
  /** After the check failed: the download is broken off and the copy removed. */
  fail(): Promise<void>;
}

export function checkedStream(download: ByteSink, copy: ByteSink): CheckedStream {
  let held: Uint8Array | undefined;
  const dropCopy = () => copy.abort();
  return {
    sink: {
      async write(bytes) {
        await copy.write(bytes);
        if (held) await download.write(held);
        // Held past this call: a copy of its own, whatever the producer does with its buffer.
        held = bytes.slice();
      },
      // Closes the copy only, so it can be read back; the download waits for release().
      close: () => copy.close(),
      async abort() {
        await Promise.all([download.abort(), dropCopy()]);
      },
      file: () => copy.file(),
    },
    async release() {
      try {
        if (held) await download.write(held);
        held = undefined;
        await download.close();
      } finally {
        await dropCopy();
      }
    },
    async fail() {
      held = undefined;
      await Promise.all([download.abort(), dropCopy()]);
    },
  };
}
