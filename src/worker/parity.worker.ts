/// <reference lib="webworker" />
/**
 * The parity helper for the Coffer worker (src/worker/parity-helper.ts), started by the page and
 * fed through the page (helper-host.ts): it encodes each stripe
 * of sealed chunks it is sent and sends it back, parity filled, so that the Coffer worker reads
 * and seals on while it does. It sees only ciphertext and holds no keys.
 */
import { answerParityJob, type ParityJob } from '../core/parity-away.ts';
import { workerCoder } from './erasure.ts';
import { serveRelayedJobs } from './helper-serve.ts';

serveRelayedJobs<ParityJob>(async (job, reply) => {
  const { answer, transfer } = answerParityJob(await workerCoder(), job);
  reply(answer, transfer);
});
