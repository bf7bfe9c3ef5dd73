/**
 * Segment inflation (spec 5.4) on the browser's own DecompressionStream: measured at about four
 * times fflate's streaming inflater in a Chromium worker. The body goes in 32 KiB at a time and
 * output is read as it comes, so a segment that inflates past its size is cancelled within
 * about 32 MiB of output (DEFLATE expands at most about 1032:1), never inflated to the end.
 */
import type { SegmentInflater } from '../core/index.ts';
import { inflateBounded } from '../core/segments.ts';

const PIECE = 32 * 1024;

/**
 * Spec 5.4: a segment's DEFLATE stream ends at its last byte. The Compression Streams standard
 * makes DecompressionStream refuse bytes after the end (Chromium, Firefox and Safari do); some
 * runtimes (Node 20) ignore them. Probe once with an empty final block plus one stray byte, and
 * where the stray byte is accepted use the portable inflater, which checks it.
 */
let strict: Promise<boolean> | undefined;

async function refusesTrailingBytes(): Promise<boolean> {
  // Writer and reader by hand, each failure caught: Firefox reports an error from a
  // pipeThrough() into a failing DecompressionStream as uncaught, although it is awaited.
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  writer.write(new Uint8Array([0x03, 0x00, 0x00])).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  try {
    while (!(await reader.read()).done) {}
    return false;
  } catch {
    return true;
  }
}

export const inflateNative: SegmentInflater = async (body, expected) => {
  strict ??= refusesTrailingBytes();
  if (!(await strict)) return inflateBounded(body, expected);
  return inflateStreaming(body, expected);
};

async function inflateStreaming(body: Uint8Array, expected: number): Promise<Uint8Array | undefined> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let stopped = false;
  const feeding = (async () => {
    for (let offset = 0; offset < body.length && !stopped; offset += PIECE) {
      await writer.write(body.subarray(offset, offset + PIECE) as Uint8Array<ArrayBuffer>);
    }
    if (!stopped) await writer.close();
  })();
  // Failures surface on the reading side; this only keeps them from going unhandled.
  feeding.catch(() => {});
  const out = new Uint8Array(expected);
  let produced = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (produced + value.length > expected) {
        stopped = true;
        await reader.cancel().catch(() => {});
        return undefined;
      }
      out.set(value, produced);
      produced += value.length;
    }
  } finally {
    stopped = true;
  }
  return produced === expected ? out : undefined;
}
