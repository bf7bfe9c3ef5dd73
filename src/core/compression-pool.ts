/**
 * Segment compression on every core (spec 5.4 DEFLATE, 5.6 zstd), apart from where the helpers
 * run: the app's helper workers (src/worker/compression-helpers.ts) and the CLI's threads
 * (src/cli/compression-threads.ts) give `spawn`, and this pool does the rest. It hands each 1 MiB
 * segment to the least busy helper, matches replies to requests, and fails every waiting segment
 * at once when a helper stops. Helpers see only plaintext segments and hold no keys.
 *
 * A failure crosses as a code and a message, as the Coffer worker sends its own: a helper's
 * CofferError keeps its code; anything else arrives as `internal`.
 */
import { CofferError, type ErrorCode, isCofferError } from './errors.ts';
import type { SegmentCompressor, SegmentInflater } from './segments.ts';
import type { Compression } from './writer.ts';

export type CompressionJob = 'deflate' | 'zstd-compress' | 'zstd-decompress';

export interface CompressionRequest {
  id: number;
  job: CompressionJob;
  segment: Uint8Array;
  level: number;
  /** zstd-decompress: the segment's uncompressed length. */
  expected?: number;
}

export interface CompressionFailure {
  code: ErrorCode | 'internal';
  message: string;
}

export type CompressionReply = { id: number; output: Uint8Array } | { id: number; error: CompressionFailure };

/** How a helper says why a job failed. */
export function describeCompressionFailure(error: unknown): CompressionFailure {
  if (isCofferError(error)) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** The failure again, on the pool's side: a CofferError when it has a format code. */
function asError(failure: CompressionFailure): Error {
  const message = `Compression failed: ${failure.message}`;
  return failure.code === 'internal' ? new Error(message) : new CofferError(failure.code, message);
}

/** One running helper, as the pool sees it. */
export interface HelperChannel {
  post(request: CompressionRequest, transfer: ArrayBuffer[]): void;
  /** Told when the helper goes from idle to busy and back (the CLI lets idle threads sleep). */
  setBusy?(busy: boolean): void;
  terminate(): unknown;
}

export interface HelperEvents {
  reply(reply: CompressionReply): void;
  /** The helper stopped or could not start: every waiting segment fails with this. */
  failed(error: Error): void;
}

export interface CompressionPool {
  /** The method `compress` produces: pass it to the writer as `compression`. */
  compression: Compression;
  compress: SegmentCompressor;
  /** zstd segments (spec 5.6); the core checks each frame before it asks. */
  decompress: SegmentInflater;
  close(): Promise<void>;
}

export interface PoolOptions {
  size: number;
  compression: Compression;
  level: number;
  spawn: (events: HelperEvents) => HelperChannel;
}

interface Helper {
  channel: HelperChannel;
  busy: number;
}

interface Waiting {
  resolve: (output: Uint8Array) => void;
  reject: (error: Error) => void;
  helper: Helper;
}

/** Helpers start with the first segment (most files need none). */
export function createCompressionPool({ size, compression, level, spawn }: PoolOptions): CompressionPool {
  const helpers: Helper[] = [];
  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let failure: Error | undefined;

  const fail = (error: Error) => {
    failure ??= error;
    for (const job of waiting.values()) job.reject(error);
    waiting.clear();
  };

  const reply = (answer: CompressionReply) => {
    const job = waiting.get(answer.id);
    if (!job) return;
    waiting.delete(answer.id);
    if (--job.helper.busy === 0) job.helper.channel.setBusy?.(false);
    if ('error' in answer) job.reject(asError(answer.error));
    else job.resolve(answer.output);
  };

  const start = () => {
    for (let i = 0; i < size; i++) helpers.push({ channel: spawn({ reply, failed: fail }), busy: 0 });
  };

  const run = (job: CompressionJob, segment: Uint8Array, expected?: number): Promise<Uint8Array> => {
    if (failure) return Promise.reject(failure);
    if (helpers.length === 0) start();
    const helper = helpers.reduce((least, h) => (h.busy < least.busy ? h : least));
    const id = nextId++;
    // A copy goes to the helper: the writer still needs the raw segment (stored raw when
    // compression does not shrink it), and transferring the copy avoids a second one.
    // new Uint8Array(view), not slice(): a Node Buffer's slice is a view, not a copy, and
    // transferring its buffer would take the caller's whole buffer away.
    const copy = new Uint8Array(segment);
    return new Promise<Uint8Array>((resolve, reject) => {
      waiting.set(id, { resolve, reject, helper });
      if (helper.busy++ === 0) helper.channel.setBusy?.(true);
      helper.channel.post({ id, job, segment: copy, level, expected }, [copy.buffer]);
    });
  };

  return {
    compression,
    compress: (segment) => run(compression === 'zstd' ? 'zstd-compress' : 'deflate', segment),
    decompress: async (body, expected) => {
      const output = await run('zstd-decompress', body, expected);
      return output.length === expected ? output : undefined;
    },
    async close() {
      fail(new Error('The compression pool was closed.'));
      await Promise.all(helpers.map((helper) => helper.channel.terminate()));
      helpers.length = 0;
    },
  };
}
