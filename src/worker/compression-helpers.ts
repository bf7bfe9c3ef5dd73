/**
 * The Coffer worker's compression on every core: the core's compression pool with helper workers
 * (plain module workers that Vite emits from our own origin, as the CSP's `worker-src 'self'`
 * requires; the page starts them, see helper-launch.ts), fed through the writer's `compressor`
 * hook and the reader's `zstd` decoder, both of which keep several 1 MiB segments in flight.
 */
import { type CompressionPool, type CompressionReply, createCompressionPool } from '../core/compression-pool.ts';
import type { Compression } from '../core/index.ts';
import { deflateLevel1, type SegmentCompressor, type SegmentInflater } from '../core/segments.ts';
import { ZSTD_LEVEL, zstdCompress, zstdDecompress } from '../core/zstd.ts';
import { canLaunchHelpers, launchHelper } from './helper-launch.ts';

/**
 * Level 2: on chat-like text as fast as level 1 in fflate with a ratio about 4% better (0.331
 * against 0.345); `npm run bench` measures both side by side (browser.fflateDeflate and ...2).
 */
export const POOL_DEFLATE_LEVEL = 2;

/**
 * Helpers for `size` cores; started only when the first segment arrives (most files need none).
 * zstd (spec 5.6) unless `compression` says 'deflate'. Where no helper may start, the same work
 * runs in this worker.
 */
export function createCompressionHelpers(
  size = defaultHelperCount(),
  compression: Compression = 'zstd',
  level = compression === 'zstd' ? ZSTD_LEVEL : POOL_DEFLATE_LEVEL,
): CompressionPool {
  if (!canLaunchHelpers() || size < 1) {
    const compress: SegmentCompressor = compression === 'zstd' ? (s) => zstdCompress(s, level) : deflateLevel1;
    return { compression, compress, decompress: zstdDecompress, close: async () => {} };
  }
  return createCompressionPool({
    size,
    compression,
    level,
    spawn: (events) => {
      const helper = launchHelper<CompressionReply>('compression', events);
      return {
        post: (request, transfer) => helper.post(request, transfer),
        terminate: () => helper.stop(),
      };
    },
  });
}

/** One helper per core: the Coffer worker itself needs little CPU (AES-GCM runs at over 1 GB/s). */
export function defaultHelperCount(): number {
  const cores = typeof navigator === 'undefined' ? 1 : (navigator.hardwareConcurrency ?? 1);
  return Math.max(1, Math.min(4, cores));
}

let decoders: CompressionPool | undefined;

/**
 * The zstd decoder for every backup this worker opens: helpers that start with the first zstd
 * segment and stay for the next restore (a DEFLATE backup never starts them).
 */
export const zstdOnHelpers: SegmentInflater = (body, expected) => {
  decoders ??= createCompressionHelpers();
  return decoders.decompress(body, expected);
};
