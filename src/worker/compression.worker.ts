/// <reference lib="webworker" />
/**
 * A compression helper for the Coffer worker (src/core/compression-pool.ts), started by the page
 * and fed through the page (helper-host.ts): one 1 MiB segment at
 * a time, raw DEFLATE (spec 5.4) or zstd (spec 5.6, compress or decompress), so that compression
 * and zstd decompression run on every core. It sees only plaintext segments and holds no keys.
 * The zstd WebAssembly loads from our own origin the first time a zstd job arrives.
 */
import { deflateSync } from 'fflate';
import {
  type CompressionReply,
  type CompressionRequest,
  describeCompressionFailure,
} from '../core/compression-pool.ts';
import { CofferError } from '../core/errors.ts';
import { zstdCompress, zstdDecompress } from '../core/zstd.ts';
import { serveRelayedJobs } from './helper-serve.ts';

async function run(request: CompressionRequest): Promise<Uint8Array> {
  switch (request.job) {
    case 'zstd-compress':
      return zstdCompress(request.segment, request.level);
    case 'zstd-decompress': {
      const output = await zstdDecompress(request.segment, request.expected ?? 0);
      if (!output) throw new CofferError('payload_damaged', 'A zstd segment decompressed to the wrong size.');
      return output;
    }
    case 'deflate':
      return deflateSync(request.segment, { level: request.level as 1 });
  }
}

serveRelayedJobs<CompressionRequest>(async (request, reply) => {
  const { id } = request;
  try {
    const output = await run(request);
    reply({ id, output } satisfies CompressionReply, [output.buffer]);
  } catch (error) {
    reply({ id, error: describeCompressionFailure(error) } satisfies CompressionReply);
  }
});
