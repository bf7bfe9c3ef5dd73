/// <reference lib="webworker" />
/**
 * A compression helper for the Coffer worker: one 1 MiB segment at a time, raw DEFLATE (spec
 * 5.4) or zstd (spec 5.6, compress or decompress), so that compression and zstd decompression run
 * on every core. It sees only plaintext segments and holds no keys. The zstd WebAssembly loads
 * from our own origin the first time a zstd job arrives.
 */
import { deflateSync } from 'fflate';
import { zstdCompress, zstdDecompress } from '../core/zstd.ts';

declare const self: DedicatedWorkerGlobalScope;

export interface DeflateRequest {
  id: number;
  segment: Uint8Array;
  level: number;
  /** 'deflate' when absent (the request older Coffer workers sent). */
  job?: 'deflate' | 'zstd-compress' | 'zstd-decompress';
  /** zstd-decompress: the segment's uncompressed length. */
  expected?: number;
}

export type DeflateReply = { id: number; deflated: Uint8Array } | { id: number; error: string };

async function run(request: DeflateRequest): Promise<Uint8Array> {
  switch (request.job ?? 'deflate') {
    case 'zstd-compress':
      return zstdCompress(request.segment, request.level);
    case 'zstd-decompress': {
      const out = await zstdDecompress(request.segment, request.expected ?? 0);
      if (!out) throw new Error('The zstd segment decompressed to the wrong size.');
      return out;
    }
    default:
      return deflateSync(request.segment, { level: request.level as 1 });
  }
}

self.onmessage = async (event: MessageEvent<DeflateRequest>) => {
  const { id } = event.data;
  try {
    const deflated = await run(event.data);
    self.postMessage({ id, deflated } satisfies DeflateReply, [deflated.buffer]);
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies DeflateReply);
  }
};
