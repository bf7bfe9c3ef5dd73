/**
 * Method 2, zstd segments (spec 5.6): the frame rules a segment must meet, checked on the bytes
 * before any decoder sees them, and the portable codec (@bokuweb/zstd-wasm, the reference zstd
 * library compiled to WebAssembly; the browser build loads its .wasm from our own origin, the
 * Node build from node_modules).
 *
 * Checking the frame first means a decoder is only ever handed one frame that declares exactly
 * the segment's length, needs no dictionary, has a window no larger than a segment, and ends at
 * the segment's last byte; the decoder's output buffer is then exactly that length, so it cannot
 * produce more whatever the blocks say.
 */
import { compress, decompress, init } from '@bokuweb/zstd-wasm';

export const ZSTD_MAGIC = 0xfd2f_b528;
/** A segment's window may not exceed the segment itself (spec 5.6). */
export const ZSTD_MAX_WINDOW = 2 ** 20;
const MAX_BLOCK = 128 * 1024;

export interface ZstdFrameInfo {
  contentSize: number;
  windowSize: number;
  checksum: boolean;
}

/** Why a segment is not a valid method-2 frame, in words for the error message; undefined if it is. */
export function checkZstdFrame(body: Uint8Array, expected: number): string | undefined {
  const info = readZstdFrame(body);
  if (typeof info === 'string') return info;
  if (info.contentSize !== expected) return 'declares the wrong decompressed size';
  return undefined;
}

/**
 * Walks one zstd frame (RFC 8878 section 3.1.1) without decoding it: header, every block header
 * and the optional checksum. Returns the frame's parameters, or a reason it is refused.
 */
export function readZstdFrame(body: Uint8Array): ZstdFrameInfo | string {
  if (body.length < 6) return 'is too short to be a zstd frame';
  const magic = (body[0] | (body[1] << 8) | (body[2] << 16) | (body[3] << 24)) >>> 0;
  if (magic !== ZSTD_MAGIC) return 'is not a zstd frame';
  const descriptor = body[4];
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  if ((descriptor & 0x08) !== 0) return 'has a reserved zstd header bit set';
  const checksum = (descriptor & 0x04) !== 0;
  if ((descriptor & 0x03) !== 0) return 'names a zstd dictionary';
  let position = 5;
  let windowSize = 0;
  if (!singleSegment) {
    const windowDescriptor = body[position++];
    const windowLog = 10 + (windowDescriptor >> 3);
    const base = 2 ** windowLog;
    windowSize = base + (base / 8) * (windowDescriptor & 0x07);
  }
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
  if (fcsBytes === 0) return 'does not declare its decompressed size';
  if (position + fcsBytes > body.length) return 'ends inside its zstd header';
  let contentSize = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) contentSize = contentSize * 256 + body[position + i];
  if (fcsBytes === 2) contentSize += 256;
  position += fcsBytes;
  if (singleSegment) windowSize = contentSize;
  if (windowSize > ZSTD_MAX_WINDOW) return 'asks for a zstd window larger than a segment';
  const maxBlock = Math.min(windowSize, MAX_BLOCK);
  for (;;) {
    if (position + 3 > body.length) return 'ends inside a zstd block header';
    const word = body[position] | (body[position + 1] << 8) | (body[position + 2] << 16);
    position += 3;
    const last = (word & 1) === 1;
    const type = (word >> 1) & 3;
    const size = word >>> 3;
    if (type === 3) return 'has a reserved zstd block type';
    if (size > maxBlock) return 'has a zstd block larger than its window allows';
    position += type === 1 ? 1 : size;
    if (position > body.length) return 'ends inside a zstd block';
    if (last) break;
  }
  if (checksum) position += 4;
  if (position > body.length) return 'ends inside its zstd checksum';
  if (position !== body.length) return 'has bytes after its zstd frame';
  return { contentSize, windowSize, checksum };
}

let ready: Promise<void> | undefined;
/** Set once the module has loaded: a folder of small files then skips an await per file. */
let loaded = false;
let wasmBytes: Uint8Array | undefined;

/**
 * Hands the codec its WebAssembly instead of letting it fetch the file: for the one-file offline
 * opener, which runs from file:// under a CSP that allows no fetch at all.
 */
export function provideZstdWasm(bytes: Uint8Array): void {
  wasmBytes = bytes;
}

/** Loads the WebAssembly module once per realm (a few ms; the browser fetches it same-origin). */
export function zstdReady(): Promise<void> {
  // The browser build takes a URL or the module's bytes; the Node build's type takes nothing.
  const load = init as (urlOrBytes?: string | Uint8Array) => Promise<void>;
  ready ??= load(wasmBytes).then(
    () => {
      loaded = true;
    },
    (error: unknown) => {
      ready = undefined;
      throw error;
    },
  );
  return ready;
}

/** The level writers use: measured in `npm run bench` (zstd rows); level 1 misses the 0.33 size target on chat text. */
export const ZSTD_LEVEL = 2;

/** One segment as a single zstd frame (the library writes the content size and no checksum). */
export async function zstdCompress(segment: Uint8Array, level = ZSTD_LEVEL): Promise<Uint8Array> {
  await zstdReady();
  return compress(segment, level);
}

/** Synchronous once `zstdReady()` has resolved (the small-file path uses it after awaiting that). */
export function zstdCompressLoaded(segment: Uint8Array, level = ZSTD_LEVEL): Uint8Array {
  return compress(segment, level);
}

/**
 * Decodes one checked frame (see `checkZstdFrame`) into exactly `expected` bytes, or undefined
 * when it yields another length; throws on data the decoder refuses. The library sizes its
 * output buffer from the frame's declared size, which the check has pinned to `expected`.
 */
export async function zstdDecompress(body: Uint8Array, expected: number): Promise<Uint8Array | undefined> {
  if (!loaded) await zstdReady();
  const reason = checkZstdFrame(body, expected);
  if (reason) throw new Error(`The segment ${reason}.`);
  const out = decompress(body);
  return out.length === expected ? out : undefined;
}
