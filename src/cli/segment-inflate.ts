/**
 * Segment inflation (spec 5.4) on node:zlib for the CLI: native speed, and `maxOutputLength`
 * makes zlib stop as soon as a segment inflates past its size instead of finishing a bomb.
 */
import { inflateRawSync } from 'node:zlib';
import type { SegmentInflater } from '../core/index.ts';

export const nodeSegmentInflate: SegmentInflater = (body, expected) => {
  let out: Buffer;
  try {
    out = inflateRawSync(body, { maxOutputLength: Math.max(1, expected) });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw error;
  }
  return out.length === expected ? out : undefined;
};
