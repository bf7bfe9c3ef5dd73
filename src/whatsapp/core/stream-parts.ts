/**
 * The stream pieces WhatsApp decryption is built from: what the plaintext is, zlib inflation as
 * a stream, reading one piece ahead, and a queue of bytes handed out in exact lengths.
 */
import { Unzlib } from 'fflate';
import { isSqliteHeader } from './sqlite.ts';

export type WhatsAppContent = 'sqlite' | 'zip' | 'data';

export function contentOf(head: Uint8Array): WhatsAppContent {
  if (isSqliteHeader(head)) return 'sqlite';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) return 'zip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 5 && head[3] === 6) return 'zip';
  return 'data';
}

export function looksZlib(head: Uint8Array): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && head[0] >> 4 <= 7 && ((head[0] << 8) | head[1]) % 31 === 0;
}

type ByteTransform = TransformStream<Uint8Array, Uint8Array>;

/** zlib inflation: the platform's native DecompressionStream, or fflate where there is none. */
export function inflateStream(): ByteTransform {
  if (typeof globalThis.DecompressionStream === 'function')
    return new DecompressionStream('deflate') as unknown as ByteTransform;
  let inflater: Unzlib;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      inflater = new Unzlib((data) => {
        if (data.length > 0) controller.enqueue(data);
      });
    },
    transform(chunk) {
      inflater.push(chunk, false);
    },
    flush() {
      inflater.push(new Uint8Array(0), true);
    },
  });
}

/** Starts the next read before handing out the current piece, so reading overlaps the work. */
export async function* readAhead(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const { done, value } = await next;
      if (done) return;
      next = iterator.next();
      yield value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** Bytes in arrival order; `take` hands out a view of the first piece when it is long enough (no copy). */
export class ByteQueue {
  private pieces: Uint8Array[] = [];
  length = 0;

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.length += piece.length;
  }

  take(count: number): Uint8Array {
    if (count > this.length) throw new RangeError('not enough bytes queued');
    this.length -= count;
    const first = this.pieces[0];
    if (first && first.length >= count) {
      if (first.length === count) this.pieces.shift();
      else this.pieces[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const piece = this.pieces[0];
      const part = Math.min(piece.length, count - filled);
      out.set(piece.subarray(0, part), filled);
      filled += part;
      if (part === piece.length) this.pieces.shift();
      else this.pieces[0] = piece.subarray(part);
    }
    return out;
  }
}
