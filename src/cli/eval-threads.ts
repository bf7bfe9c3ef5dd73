/**
 * A small pool of worker threads that each run a short CommonJS script given to
 * `new Worker(..., { eval: true })`, so they run the same from the sources (through tsx) and from
 * the esbuild bundle. A call goes to the least busy thread as `{ id, body }` and is answered with
 * `{ id, body }`. Threads start with the first call, and idle ones never keep the process alive.
 *
 * Used by the small-file reader (create) and the small-file writer (restore): both hand a batch of
 * files to a thread that does them with the synchronous calls, instead of one libuv round trip per
 * open, read or write, time, mode and close.
 */
import { Worker } from 'node:worker_threads';

export interface EvalThreads<Body, Reply> {
  call(body: Body, transfer?: readonly ArrayBuffer[]): Promise<Reply>;
  close(): Promise<void>;
}

export interface EvalThreadsOptions {
  /** The thread's CommonJS source: it answers each `{ id, body }` message with `{ id, body }`. */
  script: string;
  /** The threads' name, and what a failure says stopped ("A file-reading thread stopped"). */
  name: string;
  what: string;
  size: number;
  workerData?: unknown;
}

export function evalThreads<Body, Reply>(options: EvalThreadsOptions): EvalThreads<Body, Reply> {
  const threads: { worker: Worker; busy: number }[] = [];
  const waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const failAll = (error: Error) => {
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  const start = () => {
    const { script, name, workerData } = options;
    const worker = new Worker(script, { eval: true, name, workerData });
    const thread = { worker, busy: 0 };
    worker.on('message', ({ id, body }: { id: number; body: Reply }) => {
      const call = waiting.get(id);
      waiting.delete(id);
      if (--thread.busy === 0) worker.unref();
      call?.resolve(body);
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`${options.what} stopped (exit code ${code}).`));
    });
    worker.unref();
    threads.push(thread);
  };
  return {
    call(body, transfer = []) {
      if (threads.length === 0) for (let i = 0; i < options.size; i++) start();
      const thread = threads.reduce((least, t) => (t.busy < least.busy ? t : least));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        if (thread.busy++ === 0) thread.worker.ref();
        thread.worker.postMessage({ id, body }, transfer);
      });
    },
    async close() {
      failAll(new Error(`${options.what} was closed.`));
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
      threads.length = 0;
    },
  };
}

/** What a thread sends back for a failed system call: enough to rebuild node:fs's error. */
export interface ThreadFsFailure {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
}

/** The thread's failure as the error node:fs would have thrown, for the same one-line message. */
export function asFsError(failure: ThreadFsFailure): Error {
  return Object.assign(new Error(failure.message), {
    code: failure.code,
    errno: failure.errno,
    syscall: failure.syscall,
  });
}

/** The thread-side twin of ThreadFsFailure, pasted into each script. */
export const THREAD_FS_FAILURE = `
function fsFailure(error) {
  return { message: String(error && error.message), code: error.code, errno: error.errno, syscall: error.syscall };
}
`;
