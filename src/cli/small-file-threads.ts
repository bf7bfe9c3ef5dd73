/**
 * Small files read (and compressed: DEFLATE or zstd) on worker threads, a batch of files per message.
 *
 * Read one by one on the main thread, each small file costs an open, a read and a close on
 * libuv's pool and a DEFLATE run on it too: for a folder of 10,000 files that was over 120,000
 * thread hand-offs (futex waits, counted with strace -c), more system time than compressing.
 * Here a thread opens, reads, closes and compresses a batch with the synchronous calls, and
 * answers once, while the main thread seals and writes earlier files.
 *
 * The thread's code is a short CommonJS script run by the eval'd thread pool (eval-threads.ts),
 * which the restore's small-file writer shares, so it runs the same from the sources and the bundle.
 */
import { availableParallelism } from 'node:os';
import { evalThreads, THREAD_FS_FAILURE, type ThreadFsFailure } from './eval-threads.ts';
import { LOAD_ZSTD_SCRIPT, zstdModuleUrl } from './zstd-module.ts';

export interface SmallFileJob {
  abs: string;
  /** The size when walked: one byte more is read, to see a file that grew since. */
  size: number;
  /** Also compress it, in the backup's method (with the options' level and trial). */
  compress?: 'deflate' | 'zstd';
}

/** DEFLATE (raw, at `level`) or zstd (at `zstdLevel`), kept when it saves at least 1 - `keepRatio`. */
export interface SmallFileOptions {
  level: number;
  zstdLevel: number;
  /** Files larger than this are tried on their first `trialSample` bytes first. */
  trialFrom: number;
  trialSample: number;
  keepRatio: number;
}

export type SmallFileResult =
  /** `compressed`: in the method asked, null when it does not shrink, absent when not asked. */
  | { data: Uint8Array; compressed?: Uint8Array | null }
  /** The file is larger than when walked: read it again as a large one. */
  | { grown: true }
  | { error: ThreadFsFailure };

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
${LOAD_ZSTD_SCRIPT}
let zstd;
let zstdLoading;

function readWhole(abs, size) {
  const fd = fs.openSync(abs, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size + 1);
    let filled = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (n === 0) break;
      filled += n;
      if (filled === buffer.length) break;
    }
    return filled > size ? undefined : buffer.subarray(0, filled);
  } finally {
    fs.closeSync(fd);
  }
}

function compressed(data, method, o) {
  if (data.length === 0) return null;
  const run = method === 'zstd'
    ? (bytes) => zstd.compress(bytes, o.zstdLevel)
    : (bytes) => zlib.deflateRawSync(bytes, { level: o.level });
  if (data.length > o.trialFrom) {
    const sample = run(data.subarray(0, o.trialSample));
    if (sample.length > o.trialSample * o.keepRatio) return null;
  }
  const out = run(data);
  return out.length <= data.length * o.keepRatio ? out : null;
}

parentPort.on('message', async ({ id, body: { files, options } }) => {
  if (files.some((file) => file.compress === 'zstd')) zstd = await (zstdLoading ??= loadZstd(workerData.zstd));
  const results = [];
  const transfer = [];
  for (const { abs, size, compress } of files) {
    try {
      const data = readWhole(abs, size);
      if (!data) { results.push({ grown: true }); continue; }
      // Its own buffer each, so one transfer never takes another file's bytes with it.
      const own = new Uint8Array(data);
      transfer.push(own.buffer);
      if (!compress) { results.push({ data: own }); continue; }
      const packed = compressed(own, compress, options);
      const mine = packed && new Uint8Array(packed);
      if (mine) transfer.push(mine.buffer);
      results.push({ data: own, compressed: mine });
    } catch (error) {
      results.push({ error: fsFailure(error) });
    }
  }
  parentPort.postMessage({ id, body: results }, transfer);
});
${THREAD_FS_FAILURE}`;

export interface SmallFileReader {
  read(files: SmallFileJob[]): Promise<SmallFileResult[]>;
  close(): Promise<void>;
}

/** Threads start with the first batch; idle ones never keep the process alive. */
export function smallFileReader(options: SmallFileOptions, size = Math.max(1, Math.min(2, availableParallelism()))) {
  // The same zstd as the writer's and the compression threads', found here for the bundle's sake.
  const zstd = zstdModuleUrl();
  const threads = evalThreads<{ files: SmallFileJob[]; options: SmallFileOptions }, SmallFileResult[]>({
    script: THREAD,
    name: 'coffer-small-files',
    what: 'A file-reading thread',
    size,
    workerData: { zstd },
  });
  const reader: SmallFileReader = {
    read: (files) => threads.call({ files, options }),
    close: () => threads.close(),
  };
  return reader;
}
