/**
 * The `stream` output (issue 30): the bytes go out in batches, posted on the port the page gave,
 * to the service worker that answers the person's download with them (src/sw/serve-download.ts).
 * Nothing is staged, so there is nothing to read back or remove.
 */
import { CofferError } from '../core/index.ts';
import type { BatchMessage, BatchReply } from '../sw/download-messages.ts';
import type { ByteSink } from './byte-sink.ts';

/**
 * The bytes cross to the service worker in batches of this size: each message costs a round
 * trip between the threads, so the backup's own chunks (often 1 MiB or less) would leave the
 * download waiting on those trips rather than on the work.
 */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Batches sent and not yet taken by the download before a write waits: memory stays flat. */
const BATCHES_IN_FLIGHT = 4;

export function streamSink(port: MessagePort): ByteSink {
  let inFlight = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  /**
   * Buffers the download is done with, filled again instead of new ones: a fresh 4 MiB buffer
   * costs its page faults, and thrown away they pile up until a collection (in the bench's 1 GiB
   * rows Chromium's renderer grew 400-600 MiB without this, 50-140 MiB with it).
   */
  const spares: ArrayBuffer[] = [];
  port.onmessage = (event: MessageEvent<BatchReply>) => {
    const reply = event.data;
    if (reply?.type === 'taken') {
      inFlight = Math.max(0, inFlight - 1);
      if (reply.spare instanceof ArrayBuffer && reply.spare.byteLength === BATCH_BYTES) spares.push(reply.spare);
    } else if (reply?.type === 'stopped') stopped = true;
    wake?.();
  };
  const newBatch = () => {
    const spare = spares.pop();
    return spare ? new Uint8Array(spare) : new Uint8Array(BATCH_BYTES);
  };
  const post = (message: BatchMessage, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  const cancelled = () => new CofferError('cancelled', 'The download was cancelled, so Coffer stopped.');
  /** Waits until `done()` holds; rejects as a cancel once the download is gone. */
  async function until(done: () => boolean): Promise<void> {
    while (!stopped && !done()) await new Promise<void>((resolve) => (wake = resolve));
    if (stopped) throw cancelled();
  }
  let batch = newBatch();
  let fill = 0;
  /** Hands the batch (its first `fill` bytes) to the service worker; a fresh one takes its place. */
  async function send(): Promise<void> {
    await until(() => inFlight < BATCHES_IN_FLIGHT);
    // The batch's own buffer goes across whole, so a partial one is cut to its bytes first.
    const bytes = fill === BATCH_BYTES ? batch : batch.slice(0, fill);
    post({ type: 'batch', bytes: bytes.buffer }, [bytes.buffer]);
    inFlight++;
    batch = newBatch();
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
      await until(() => true); // Throws if the download is already gone.
      post({ type: 'end' });
      // Settles once the download has every byte, or throws if it went away before that.
      await until(() => inFlight === 0);
      port.close();
    },
    async abort() {
      // Errors the download, so the browser marks it failed rather than finished.
      if (!stopped) post({ type: 'error', reason: 'Coffer could not finish this file.' });
      stopped = true;
      port.close();
    },
    file: () => Promise.reject(new CofferError('invalid_input', 'A streamed download cannot be read back.')),
  };
}
