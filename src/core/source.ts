/**
 * Random access to the bytes of a file being read: a File in the browser, a file handle in Node,
 * a range-reading remote in the CLI. The reader (reader.ts), salvage, repair and the WhatsApp
 * decrypter all read through it.
 */
import { type ByteSource, iterateBytes } from './iter.ts';

export interface RandomAccessSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Sequential bytes from `offset` to the end; faster than repeated reads where available. */
  stream?(offset: number): ByteSource;
}

/** A source over bytes already in memory (tests, vectors, small files). */
export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

const SEQUENTIAL_READ = 4 * 1024 * 1024;

/** Bytes from `offset` to the end, in order: the source's own stream, or reads of 4 MiB. */
export async function* sequentialBytes(source: RandomAccessSource, offset: number): AsyncGenerator<Uint8Array> {
  if (source.stream) {
    yield* iterateBytes(source.stream(offset));
    return;
  }
  for (let position = offset; position < source.size; position += SEQUENTIAL_READ) {
    yield await source.read(position, Math.min(SEQUENTIAL_READ, source.size - position));
  }
}
