/**
 * Segment inflation (spec 5.4) on node:zlib for the CLI: native speed, and `maxOutputLength`
 * makes zlib stop as soon as a segment inflates past its size instead of finishing a bomb.
 */
import { inflateRawSync } from 'node:zlib';
import type { SegmentInflater } from '../core/index.ts';

export const nodeSegmentInflate: SegmentInflater = (body, expected) => {
  let out: Buffer;
  let consumed: number;
  try {
    const result = inflateRawSync(body, { maxOutputLength: Math.max(1, expected), info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    out = result.buffer;
    consumed = result.engine.bytesWritten;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw error;
  }
  // Spec 5.4: the DEFLATE stream ends at the segment's last byte; zlib would ignore the rest.
  if (consumed !== body.length) return undefined;
  return out.length === expected ? out : undefined;
};
