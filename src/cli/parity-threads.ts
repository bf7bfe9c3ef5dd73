/**
 * Reed–Solomon encoding on a worker thread, for the writer (create): the main thread reads,
 * seals and writes while the thread encodes the last stripe. On one thread, the SIMD coder's
 * 0.4 s per GiB (and its copies) added straight to the create's wall time; the create itself
 * leaves most of a second core idle.
 *
 * The thread runs parity-thread.ts: from the bundle, the parity-thread.mjs built beside it
 * (scripts/build-cli.mjs); from the one-file tool, the copy it carries (embedded.ts); from the
 * sources, the .ts file through tsx, registered in the thread by a short boot script, since a
 * thread does not inherit the main thread's loader.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { encodingAway, type ParityAnswer } from '../core/parity-away.ts';
import type { ErasureCoder } from '../core/recovery.ts';
import { EMBEDDED } from './embedded.ts';
import { cliCoder } from './erasure.ts';

const SOURCE_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => {
  register({ tsconfig: false });
  return import(workerData.url);
});
`;

function spawn(): Worker {
  if (EMBEDDED) return new Worker(new URL(EMBEDDED.parityThread), { name: 'coffer-parity' });
  const bundled = new URL('./parity-thread.mjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, { name: 'coffer-parity' });
  // The ES module of tsx's API, beside the CommonJS one that require resolves (whose register
  // fails in a thread: it imports its ES half by a wrong path).
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const tsx = pathToFileURL(tsxApi).href;
  const url = pathToFileURL(fileURLToPath(new URL('./parity-thread.ts', import.meta.url))).href;
  return new Worker(SOURCE_BOOT, { eval: true, name: 'coffer-parity', workerData: { tsx, url } });
}

/** `coder`, whose encodeAway runs on one thread, started on first use. */
export function withParityThread(coder: ErasureCoder): ErasureCoder {
  return encodingAway(coder, (events) => {
    const thread = spawn();
    thread.on('message', (answer: ParityAnswer) => events.answer(answer));
    thread.on('error', (error) => events.failed(error));
    thread.on('exit', (code) => events.failed(new Error(`The parity thread stopped (exit code ${code}).`)));
    return {
      post: (job, transfer) => thread.postMessage(job, transfer),
      // Idle, it must not keep the command running; busy, it must (the writer awaits it).
      setBusy: (busy) => (busy ? thread.ref() : thread.unref()),
    };
  });
}

let threaded: ErasureCoder | undefined;

/** The CLI's coder with encoding on a thread: for writing parity. */
export function threadedCliCoder(): ErasureCoder {
  threaded ??= withParityThread(cliCoder());
  return threaded;
}
