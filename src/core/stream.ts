/**
 * The STREAM construction over AES-256-GCM (spec section 4). Chunk i is sealed with the IV
 * u88_be(i) || finalFlag, so a reader detects truncation, reordering, duplication and splicing.
 * Several chunks are kept in flight because WebCrypto calls are asynchronous and overlap well.
 */
import { view } from './bytes.ts';
import { type AesGcmKey, IV_LENGTH, openWith, type SealedPieces, sealWith, TAG_LENGTH } from './crypto.ts';
import { endIsIntact } from './cut-short.ts';
import { CofferError } from './errors.ts';
import type { ByteSource } from './iter.ts';
import { iterateBytes } from './iter.ts';

export const MAX_CHUNKS = 2 ** 48;
export const IN_FLIGHT = 4;

export function chunkIv(index: number, final: boolean): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_CHUNKS) {
    throw new CofferError('limit_exceeded', `Chunk index ${index} is beyond the format's limit of 2^48 chunks.`);
  }
  const iv = new Uint8Array(IV_LENGTH);
  const dv = view(iv);
  dv.setUint16(5, Math.floor(index / 2 ** 32), false);
  dv.setUint32(7, index >>> 0, false);
  iv[11] = final ? 1 : 0;
  return iv;
}

export interface PlainChunk {
  bytes: Uint8Array;
  final: boolean;
}

/**
 * Cuts plaintext into chunks of exactly `chunkSize` bytes. The last full chunk is held back
 * until more input arrives, because only the end of input says which chunk is final.
 *
 * A yielded chunk's bytes are valid only until the consumer asks for the next chunk: the buffer
 * is then refilled. Fresh memory is expensive (each new page faults in; on some virtual machines
 * that alone caps a pipeline at a few hundred MB/s), and sealing copies its input at once.
 */
export async function* cutChunks(source: ByteSource, chunkSize: number): AsyncGenerator<PlainChunk> {
  let buffer = new Uint8Array(chunkSize);
  let fill = 0;
  let held: Uint8Array<ArrayBuffer> | undefined;
  let spare: Uint8Array<ArrayBuffer> | undefined;
  for await (const piece of iterateBytes(source)) {
    let offset = 0;
    while (offset < piece.length) {
      if (fill === chunkSize) {
        if (held) {
          yield { bytes: held, final: false };
          spare = held;
        }
        held = buffer;
        buffer = spare ?? new Uint8Array(chunkSize);
        spare = undefined;
        fill = 0;
      }
      if (fill === 0 && piece.length - offset > chunkSize) {
        // A whole chunk with more bytes after it in this same piece is not the final one, so it
        // goes out as a view of the piece, without a copy.
        if (held) {
          yield { bytes: held, final: false };
          spare = held;
          held = undefined;
        }
        yield { bytes: piece.subarray(offset, offset + chunkSize), final: false };
        offset += chunkSize;
        continue;
      }
      const take = Math.min(chunkSize - fill, piece.length - offset);
      buffer.set(piece.subarray(offset, offset + take), fill);
      fill += take;
      offset += take;
    }
  }
  if (held) yield { bytes: held, final: false };
  if (fill === 0) throw new CofferError('invalid_input', 'The STREAM payload must not be empty.');
  yield { bytes: buffer.subarray(0, fill), final: true };
}

/**
 * Seals chunks in order, with up to IN_FLIGHT encryptions running at once, yielding each sealed
 * chunk as one piece or (with an engine that spares the copy) several. Each chunk is handed
 * to the cipher before the next is pulled; WebCrypto copies its input during the call (and the
 * node:crypto engine is synchronous), so cutChunks may reuse the buffer.
 */
export async function* sealChunks(
  key: AesGcmKey,
  chunks: AsyncIterable<PlainChunk>,
  firstIndex = 0,
): AsyncGenerator<Uint8Array> {
  const inFlight: Promise<SealedPieces>[] = [];
  let index = firstIndex;
  for await (const chunk of chunks) {
    inFlight.push(sealWith(key, chunkIv(index, chunk.final), chunk.bytes));
    index++;
    if (inFlight.length >= IN_FLIGHT) yield* pieces(await (inFlight.shift() as Promise<SealedPieces>));
  }
  while (inFlight.length > 0) yield* pieces(await (inFlight.shift() as Promise<SealedPieces>));
}

function pieces(sealed: SealedPieces): Uint8Array[] {
  return Array.isArray(sealed) ? sealed : [sealed];
}

/** Opens one chunk whose position (and so its final flag) is known; throws the right class. */
export async function openChunk(
  key: AesGcmKey,
  index: number,
  final: boolean,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  if (final && ciphertext.length < TAG_LENGTH + 1) {
    throw new CofferError('truncated', 'This backup is cut short: its last chunk is incomplete.');
  }
  const plaintext = await openWith(key, chunkIv(index, final), ciphertext);
  if (plaintext) return plaintext;
  if (final && (await openWith(key, chunkIv(index, false), ciphertext))) {
    throw new CofferError(
      'truncated',
      'This backup is cut short: it ends cleanly after a chunk, but not after its final chunk. Part of the file is missing.',
    );
  }
  if (final && !(await endIsIntact(key, chunkIv(index, true), ciphertext))) {
    throw new CofferError(
      'payload_damaged',
      `The last chunk (${index}) failed its integrity check and the end of the backup is missing, so the file ends early.`,
      { endsEarly: true },
    );
  }
  throw new CofferError('payload_damaged', `Chunk ${index} failed its integrity check, so it was not used.`);
}

/**
 * Decrypts a whole payload read in order, from ciphertext pieces of any size. The end of the
 * input marks the final chunk. Yields each chunk's plaintext only after its tag verified.
 */
export async function* openStream(
  key: AesGcmKey,
  ciphertext: ByteSource,
  chunkSize: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const sealedSize = chunkSize + TAG_LENGTH;
  const inFlight: Promise<Uint8Array>[] = [];
  const buffer = new Uint8Array(sealedSize);
  let fill = 0;
  let index = 0;
  for await (const piece of iterateBytes(ciphertext)) {
    if (signal?.aborted) throw new CofferError('cancelled', 'The operation was cancelled.');
    let offset = 0;
    while (offset < piece.length) {
      if (fill === sealedSize) {
        // More input follows, so this full chunk is not the final one. The cipher has copied
        // the buffer by the time openChunk returns its promise, so it is refilled in place.
        inFlight.push(observed(openChunk(key, index++, false, buffer)));
        fill = 0;
        if (inFlight.length >= IN_FLIGHT) yield await (inFlight.shift() as Promise<Uint8Array>);
      }
      const take = Math.min(sealedSize - fill, piece.length - offset);
      buffer.set(piece.subarray(offset, offset + take), fill);
      fill += take;
      offset += take;
    }
  }
  if (index === 0 && fill === 0) {
    throw new CofferError('truncated', 'This backup is cut short: it has a header but no content.');
  }
  inFlight.push(observed(openChunk(key, index, true, buffer.subarray(0, fill))));
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Uint8Array>);
}

/**
 * Marks a promise as handled so that, if an earlier chunk fails and we stop awaiting, its
 * rejection does not crash the process; awaiting it later still throws.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
