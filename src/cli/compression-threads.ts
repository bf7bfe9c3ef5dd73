/**
 * zstd (spec 5.6) on every core for the CLI: the core's compression pool with a few worker
 * threads, each with its own instance of the same WebAssembly zstd the core and the app use, fed
 * through the writer's `compressor` hook and the reader's `zstd` decoder. (Node 20's zlib has no
 * zstd; DEFLATE stays on zlib in the main thread.)
 *
 * The thread's code is a short CommonJS script given to `new Worker(..., { eval: true })`, with
 * the package's URL found here (zstd-module.ts), so it runs the same from the sources (through
 * tsx), from the esbuild bundle, which keeps the package external because it reads its .wasm from
 * its own folder, and from the one-file tool, which carries it. It speaks the pool's protocol
 * (CompressionRequest in, CompressionReply out).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type CompressionPool, type CompressionReply, createCompressionPool } from '../core/compression-pool.ts';
import { ZSTD_LEVEL } from '../core/index.ts';
import { LOAD_ZSTD_SCRIPT, zstdModuleUrl } from './zstd-module.ts';

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
${LOAD_ZSTD_SCRIPT}
loadZstd(workerData.module).then((zstd) => {
  parentPort.on('message', ({ id, job, segment, level }) => {
    try {
      if (job !== 'zstd-compress' && job !== 'zstd-decompress') throw new Error('no such job: ' + job);
      const output = job === 'zstd-compress' ? zstd.compress(segment, level) : zstd.decompress(segment);
      parentPort.postMessage({ id, output }, [output.buffer]);
    } catch (error) {
      parentPort.postMessage({ id, error: { code: 'internal', message: String((error && error.message) || error) } });
    }
  });
}, (error) => { throw error; });
`;

/** One thread per core, up to 4; the main thread's own work (AES-GCM, I/O) is light. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Threads start with the first segment; idle threads never keep the process alive. */
export function createCompressionThreads(size = defaultThreads(), level = ZSTD_LEVEL): CompressionPool {
  const module = zstdModuleUrl();
  return createCompressionPool({
    size,
    compression: 'zstd',
    level,
    spawn: (events) => {
      const worker = new Worker(THREAD, { eval: true, workerData: { module }, name: 'coffer-compression' });
      worker.on('message', (reply: CompressionReply) => events.reply(reply));
      worker.on('error', (error) => events.failed(error));
      worker.on('exit', (code) => {
        if (code !== 0) events.failed(new Error(`A compression thread stopped (exit code ${code}).`));
      });
      worker.unref();
      return {
        post: (request, transfer) => worker.postMessage(request, transfer),
        setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
        terminate: () => worker.terminate(),
      };
    },
  });
}

let shared: CompressionPool | undefined;

/** The process's threads, shared by create and every reader (a CLI process runs one command). */
export function compressionThreads(): CompressionPool {
  shared ??= createCompressionThreads();
  return shared;
}
