/// <reference lib="webworker" />
/**
 * A helper worker's side (helper-host.ts): the page brings it each job from the worker that asked
 * for it, and takes each answer back there, with the buffers it lists moved, not copied.
 */
import type { HelperAnswer } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

export type Reply = (message: unknown, transfer?: Transferable[]) => void;

/** Serves each job the page brings with `answer`. */
export function serveRelayedJobs<Job>(answer: (job: Job, reply: Reply) => void | Promise<void>): void {
  const reply: Reply = (message, transfer = []) =>
    self.postMessage({ data: message, transfer } satisfies HelperAnswer, transfer);
  self.onmessage = (event: MessageEvent<Job>) => void answer(event.data, reply);
}
