/**
 * The `stream` output (issue 30): the bytes go out as a ReadableStream, posted on the port the
 * page gave, to the service worker that answers the person's download with them. Nothing is
 * staged, so there is nothing to read back or remove.
 */
import { CofferError } from '../core/index.ts';
import type { ByteSink } from './byte-sink.ts';

/** Chunks queued before a write waits for the download to take them (each up to a few MiB). */
const QUEUED_CHUNKS = 4;

export function streamSink(port: MessagePort): ByteSink {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
    undefined,
    new CountQueuingStrategy({ highWaterMark: QUEUED_CHUNKS }),
  );
  port.postMessage(readable, [readable as unknown as Transferable]);
  port.close();
  const writer = writable.getWriter();
  const stopped = () => new CofferError('cancelled', 'The download was cancelled, so Coffer stopped.');
  return {
    async write(bytes) {
      // Rejects once the download is gone (cancelled in the browser, or the page stopped it).
      await writer.ready.catch(() => {
        throw stopped();
      });
      // A view into a larger buffer would carry all of it across; a whole buffer goes as it is.
      const chunk = bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      writer.write(chunk).catch(() => {}); // Its failure shows at the next `ready`.
    },
    async close() {
      await writer.close().catch(() => {
        throw stopped();
      });
    },
    async abort() {
      // Errors the download, so the browser marks it failed rather than finished.
      await writer.abort(new Error('Coffer could not finish this file.')).catch(() => {});
    },
    file: () => Promise.reject(new CofferError('invalid_input', 'A streamed download cannot be read back.')),
  };
}
