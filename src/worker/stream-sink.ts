/**
 * The `stream` output (issue 30): the bytes go out as a ReadableStream, posted on the port the
 * page gave, to the service worker that answers the person's download with them. Nothing is
 * staged, so there is nothing to read back or remove.
 */
import { CofferError } from '../core/index.ts';
import type { ByteSink } from './byte-sink.ts';

/**
 * The bytes cross to the service worker in batches of this size: a transferred stream passes one
 * chunk per round trip between the threads, so the backup's own chunks (often 1 MiB or less)
 * would leave the download waiting on that round trip rather than on the work.
 */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Batches queued before a write waits for the download to take them. */
const QUEUED_BATCHES = 4;

export function streamSink(port: MessagePort): ByteSink {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
    undefined,
    new CountQueuingStrategy({ highWaterMark: QUEUED_BATCHES }),
  );
  port.postMessage(readable, [readable as unknown as Transferable]);
  port.close();
  const writer = writable.getWriter();
  const stopped = () => new CofferError('cancelled', 'The download was cancelled, so Coffer stopped.');
  let batch = new Uint8Array(BATCH_BYTES);
  let fill = 0;
  /** Hands the batch (its first `fill` bytes) to the stream; a fresh one takes its place. */
  async function send(): Promise<void> {
    // Rejects once the download is gone (cancelled in the browser, or the page stopped it).
    await writer.ready.catch(() => {
      throw stopped();
    });
    // The batch's own buffer goes across whole, so a partial one is cut to its bytes first.
    writer.write(fill === BATCH_BYTES ? batch : batch.slice(0, fill)).catch(() => {}); // Shows at the next `ready`.
    batch = new Uint8Array(BATCH_BYTES);
    fill = 0;
  }
  return {
    // Each write is copied into the sink's own batch before it settles.
    copiesBytes: true,
    async write(bytes) {
      for (let offset = 0; offset < bytes.length; ) {
        const take = Math.min(BATCH_BYTES - fill, bytes.length - offset);
        batch.set(bytes.subarray(offset, offset + take), fill);
        fill += take;
        offset += take;
        if (fill === BATCH_BYTES) await send();
      }
    },
    async close() {
      if (fill > 0) await send();
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
