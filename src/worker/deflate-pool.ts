/// <reference path="./assets.d.ts" />
/**
 * Compression on every core for the Coffer worker: a small pool of helper workers (plain module
 * workers that Vite emits from our own origin, as the CSP's `worker-src 'self'` requires), fed
 * through the core writer's `compressor` hook and the reader's `zstd` decoder, both of which keep
 * several 1 MiB segments in flight.
 */
import type { Compression } from '../core/index.ts';
import { deflateLevel1, type SegmentCompressor, type SegmentInflater } from '../core/segments.ts';
import { ZSTD_LEVEL, zstdCompress, zstdDecompress } from '../core/zstd.ts';
import type { DeflateReply, DeflateRequest } from './deflate.worker.ts';
import deflateWorkerUrl from './deflate.worker.ts?worker&url';
import { mayStartHelpers, startWorker } from './start-worker.ts';

export interface DeflatePool {
  /** The method `compress` produces: pass it to the writer as `compression`. */
  compression: Compression;
  compress: SegmentCompressor;
  /** zstd segments (spec 5.6) decoded on the helpers; the core checks each frame first. */
  decompress: SegmentInflater;
  close(): void;
}

interface Pending {
  resolve: (deflated: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface Helper {
  worker: Worker;
  busy: number;
}

/**
 * Level 2: on chat-like text as fast as level 1 in fflate with a ratio about 4% better (0.331
 * against 0.345); `npm run bench` measures both side by side (browser.fflateDeflate and ...2).
 */
export const POOL_DEFLATE_LEVEL = 2;

/**
 * Helpers for `size` cores; started only when the first segment arrives (most files need none).
 * zstd (spec 5.6) unless `compression` says 'deflate'.
 */
export function createDeflatePool(
  size = defaultPoolSize(),
  compression: Compression = 'zstd',
  level = compression === 'zstd' ? ZSTD_LEVEL : POOL_DEFLATE_LEVEL,
): DeflatePool {
  if (typeof Worker === 'undefined' || size < 1) {
    const compress: SegmentCompressor = compression === 'zstd' ? (s) => zstdCompress(s, level) : deflateLevel1;
    return { compression, compress, decompress: zstdDecompress, close() {} };
  }
  const helpers: Helper[] = [];
  const pending = new Map<number, Pending & { helper: Helper }>();
  let nextId = 1;
  let failure: Error | undefined;

  const fail = (error: Error) => {
    failure ??= error;
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };

  const start = (): void => {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(deflateWorkerUrl, { type: 'module', name: 'coffer-deflate' });
      const helper: Helper = { worker, busy: 0 };
      worker.onmessage = (event: MessageEvent<DeflateReply>) => {
        const reply = event.data;
        const job = pending.get(reply.id);
        if (!job) return;
        pending.delete(reply.id);
        job.helper.busy--;
        if ('error' in reply) job.reject(new Error(`Compression failed: ${reply.error}`));
        else job.resolve(reply.deflated);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(event.message || 'A compression worker stopped.'));
      };
      helpers.push(helper);
    }
  };

  const run = (segment: Uint8Array, job: DeflateRequest['job'], expected?: number): Promise<Uint8Array> => {
    if (failure) return Promise.reject(failure);
    if (helpers.length === 0) start();
    const helper = helpers.reduce((least, h) => (h.busy < least.busy ? h : least));
    const id = nextId++;
    // A copy goes to the helper: the writer still needs the raw segment (stored raw when
    // compression does not shrink it), and transferring the copy avoids a second one.
    const copy = segment.slice();
    return new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, { resolve, reject, helper });
      helper.busy++;
      helper.worker.postMessage({ id, segment: copy, level, job, expected } satisfies DeflateRequest, [copy.buffer]);
    });
  };

  return {
    compression,
    compress: (segment) => run(segment, compression === 'zstd' ? 'zstd-compress' : 'deflate'),
    decompress: async (body, expected) => {
      const out = await run(body, 'zstd-decompress', expected);
      return out.length === expected ? out : undefined;
    },
    close() {
      for (const helper of helpers) helper.worker.terminate();
      helpers.length = 0;
      fail(new Error('The compression pool was closed.'));
    },
  };
}

/** One helper per core: the Coffer worker itself needs little CPU (AES-GCM runs at over 1 GB/s). */
export function defaultPoolSize(): number {
  if (!mayStartHelpers()) return 0;
  const cores = typeof navigator === 'undefined' ? 1 : (navigator.hardwareConcurrency ?? 1);
  return Math.max(1, Math.min(4, cores));
}

let decoders: DeflatePool | undefined;

/**
 * The zstd decoder for every backup this worker opens: helpers that start with the first zstd
 * segment and stay for the next restore (a DEFLATE backup never starts them).
 */
export const zstdOnHelpers: SegmentInflater = (body, expected) => {
  decoders ??= createDeflatePool();
  return decoders.decompress(body, expected);
};
