/// <reference path="./assets.d.ts" />
/**
 * The writer's parity encoded on a helper worker (ErasureCoder.encodeAway), as the CLI does on a
 * thread: on one thread the encoding added to the backup's time while a core stood idle. Where
 * no helper may start, the coder encodes in this worker as before.
 */
import { encodingAway, type ParityAnswer } from '../core/parity-away.ts';
import type { ErasureCoder } from '../core/recovery.ts';
import parityWorkerUrl from './parity.worker.ts?worker&url';
import { mayStartHelpers, startWorker } from './start-worker.ts';

/** `coder` with encodeAway on a helper started on first use; `close` stops it. */
export function parityOnHelper(coder: ErasureCoder): { coder: ErasureCoder; close(): void } {
  if (typeof Worker === 'undefined' || !mayStartHelpers()) return { coder, close: () => {} };
  let worker: Worker | undefined;
  const away = encodingAway(coder, (events) => {
    const started = startWorker(parityWorkerUrl, { type: 'module', name: 'coffer-parity' });
    started.onmessage = (event: MessageEvent<ParityAnswer>) => events.answer(event.data);
    started.onerror = (event) => {
      event.preventDefault();
      events.failed(new Error(event.message || 'The parity helper stopped.'));
    };
    worker = started;
    return { post: (job, transfer) => started.postMessage(job, transfer) };
  });
  return { coder: away, close: () => worker?.terminate() };
}
