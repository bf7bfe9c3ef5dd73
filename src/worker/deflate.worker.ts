/// <reference lib="webworker" />
/**
 * A DEFLATE helper for the Coffer worker: raw DEFLATE of one 1 MiB segment at a time (spec 5.4),
 * so that compression runs on every core. It sees only plaintext segments and holds no keys.
 */
import { deflateSync } from 'fflate';

declare const self: DedicatedWorkerGlobalScope;

export interface DeflateRequest {
  id: number;
  segment: Uint8Array;
  level: number;
}

export type DeflateReply = { id: number; deflated: Uint8Array } | { id: number; error: string };

self.onmessage = (event: MessageEvent<DeflateRequest>) => {
  const { id, segment, level } = event.data;
  try {
    const deflated = deflateSync(segment, { level: level as 1 });
    self.postMessage({ id, deflated } satisfies DeflateReply, [deflated.buffer]);
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies DeflateReply);
  }
};
