/**
 * The parity thread's own code (see parity-threads.ts): it encodes each stripe it is sent and
 * sends the stripe back, parity filled, transferring the buffer both ways.
 */
import { parentPort } from 'node:worker_threads';
import { answerParityJob, type ParityJob } from '../core/parity-away.ts';
import { cliCoder } from './erasure.ts';

parentPort?.on('message', (job: ParityJob) => {
  const { answer, transfer } = answerParityJob(cliCoder(), job);
  parentPort?.postMessage(answer, transfer);
});
