/// <reference lib="webworker" />
/**
 * The parity helper for the Coffer worker (src/worker/parity-helper.ts): it encodes each stripe
 * of sealed chunks it is sent and sends it back, parity filled, so that the Coffer worker reads
 * and seals on while it does. It sees only ciphertext and holds no keys.
 */
import { answerParityJob, type ParityJob } from '../core/parity-away.ts';
import { workerCoder } from './erasure.ts';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = async (event: MessageEvent<ParityJob>) => {
  const { answer, transfer } = answerParityJob(await workerCoder(), event.data);
  self.postMessage(answer, transfer);
};
