/**
 * zstd (spec 5.6) on every core for the CLI: a few worker threads, each with its own instance of
 * the same WebAssembly zstd the core and the app use, fed through the writer's `compressor` hook
 * and the reader's `zstd` decoder, both of which keep several 1 MiB segments in flight. (Node 20's
 * zlib has no zstd.)
 *
 * The thread's code is a short CommonJS script given to `new Worker(..., { eval: true })`, with
 * the package's path resolved here, so it runs the same from the sources (through tsx) and from
 * the esbuild bundle, which keeps the package external because it reads its .wasm from its own
 * folder.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type SegmentCompressor, type SegmentInflater, ZSTD_LEVEL } from '../core/index.ts';

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const zstd = require(workerData.module);
zstd.init().then(() => {
  parentPort.on('message', ({ id, compress, data, level }) => {
    try {
      const out = compress ? zstd.compress(data, level) : zstd.decompress(data);
      parentPort.postMessage({ id, out }, [out.buffer]);
    } catch (error) {
      parentPort.postMessage({ id, error: String((error && error.message) || error) });
    }
  });
}, (error) => { throw error; });
`;

interface Job {
  resolve: (out: Uint8Array) => void;
  reject: (error: Error) => void;
  thread: Thread;
}

interface Thread {
  worker: Worker;
  busy: number;
}

export interface ZstdPool {
  compress: SegmentCompressor;
  decompress: SegmentInflater;
  close(): Promise<void>;
}

/** One thread per core, up to 4; the main thread's own work (AES-GCM, I/O) is light. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Threads start with the first segment; idle threads never keep the process alive. */
export function createZstdPool(size = defaultThreads(), level = ZSTD_LEVEL): ZstdPool {
  const module = createRequire(import.meta.url).resolve('@bokuweb/zstd-wasm');
  const threads: Thread[] = [];
  const jobs = new Map<number, Job>();
  let nextId = 1;
  let failure: Error | undefined;

  const fail = (error: Error) => {
    failure ??= error;
    for (const job of jobs.values()) job.reject(error);
    jobs.clear();
  };

  const start = () => {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(THREAD, { eval: true, workerData: { module }, name: 'coffer-zstd' });
      const thread: Thread = { worker, busy: 0 };
      worker.on('message', (reply: { id: number; out?: Uint8Array; error?: string }) => {
        const job = jobs.get(reply.id);
        if (!job) return;
        jobs.delete(reply.id);
        if (--thread.busy === 0) worker.unref();
        if (reply.out) job.resolve(reply.out);
        else job.reject(new Error(reply.error ?? 'zstd failed'));
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`A zstd thread stopped (exit code ${code}).`));
      });
      worker.unref();
      threads.push(thread);
    }
  };

  const run = (compress: boolean, data: Uint8Array): Promise<Uint8Array> => {
    if (failure) return Promise.reject(failure);
    if (threads.length === 0) start();
    const thread = threads.reduce((least, t) => (t.busy < least.busy ? t : least));
    const id = nextId++;
    // A copy goes to the thread (the caller keeps its bytes: the writer may store the segment raw).
    const copy = data.slice();
    return new Promise<Uint8Array>((resolve, reject) => {
      jobs.set(id, { resolve, reject, thread });
      if (thread.busy++ === 0) thread.worker.ref();
      thread.worker.postMessage({ id, compress, data: copy, level }, [copy.buffer]);
    });
  };

  return {
    compress: (segment) => run(true, segment),
    // The core has checked the frame (one frame, declared size = expected, window <= 1 MiB) before
    // this is called, so the thread's output buffer is exactly `expected` bytes.
    decompress: async (body, expected) => {
      const out = await run(false, body);
      return out.length === expected ? out : undefined;
    },
    async close() {
      fail(new Error('The zstd pool was closed.'));
      await Promise.all(threads.map((t) => t.worker.terminate()));
      threads.length = 0;
    },
  };
}

let shared: ZstdPool | undefined;

/** The process's pool, shared by create and every reader (a CLI process runs one command). */
export function zstdPool(): ZstdPool {
  shared ??= createZstdPool();
  return shared;
}
