/**
 * Writing a backup: entries -> archive plaintext (data, index, trailer) -> STREAM chunks,
 * behind a header whose slots wrap a fresh file key. Pull-based end to end, so memory stays a
 * small multiple of the chunk and segment sizes whatever the input size.
 */
import { concatBytes } from './bytes.ts';
import { type AesGcmProvider, type RandomSource, randomBytes } from './crypto.ts';
import { CofferError, throwIfAborted } from './errors.ts';
import { buildHeader, DEFAULT_CHUNK_LOG2, FORMAT_VERSION, RECOVERY_VERSION } from './header.ts';
import {
  type EntryType,
  encodeRecord,
  encodeTrailer,
  MAX_ENTRIES,
  METHOD_DEFLATE_SEGMENTS,
  METHOD_STORED,
  METHOD_ZSTD_SEGMENTS,
} from './index-codec.ts';
import { type ByteSource, iterateBytes, toReadableStream } from './iter.ts';
import { memorySpill, type ParitySpillFactory } from './parity-spill.ts';
import { checkPath, describePath } from './paths.ts';
import { type ErasureCoder, MAX_PARITY_PERCENT, ParityEncoder } from './recovery.ts';
import {
  COMPRESSIBLE_RATIO,
  deflateLevel1,
  frameSegment,
  looksCompressible,
  SAMPLE_SIZE,
  SEGMENT_SIZE,
  type SegmentCompressor,
} from './segments.ts';
import type { SlotSpec } from './slots.ts';
import { cutChunks, sealChunks } from './stream.ts';
import { checkZstdFrame, zstdCompress } from './zstd.ts';

/** zstd (method 2, spec 5.6) is the default; DEFLATE (method 1) stays for readers that predate it. */
export type Compression = 'zstd' | 'deflate';

export interface EntrySource {
  /** Relative path with `/` separators; normalised to NFC by the writer. */
  path: string;
  type: EntryType;
  /** Milliseconds since the Unix epoch. */
  mtime: number;
  mode?: number;
  /** Expected size, used only for progress; the real size is what `open` yields. */
  size?: number;
  open?: () => ByteSource | Promise<ByteSource>;
  /**
   * Instead of `open`, for a platform that reads small files whole ahead of the writer: the
   * file's bytes, and optionally their compression already made (off the main thread).
   */
  whole?: () => Promise<WholeFile>;
}

/** A small file read (and perhaps compressed) ahead; see `EntrySource.whole`. */
export interface WholeFile {
  data: Uint8Array;
  /**
   * Raw DEFLATE of all of `data`; `null` when the platform judged it not worth compressing;
   * undefined to let the writer decide. Used only when `data` fits in one sample (64 KiB).
   */
  deflated?: Uint8Array | null;
  /** The same for zstd (a frame at ZSTD_LEVEL), when the backup's method is zstd; it is checked. */
  zstd?: Uint8Array | null;
}

export interface CreateProgress {
  bytesDone: number;
  bytesTotal: number;
  entriesDone: number;
  currentPath: string;
}

export interface CreateOptions {
  slots: SlotSpec[];
  compress?: boolean;
  /** The method for files that compress; 'zstd' unless told otherwise. */
  compression?: Compression;
  /** For test vectors; real backups use the spec's 2^18. */
  chunkSizeLog2?: number;
  /** For deterministic test vectors only. */
  random?: RandomSource;
  /**
   * Lets a caller run compression elsewhere (for example on other cores). It MUST produce the
   * segments of `compression`'s method; zstd output is checked against spec 5.6 as it comes.
   */
  compressor?: SegmentCompressor;
  /** A faster AES-256-GCM than WebCrypto where the platform has one (the CLI: node:crypto). */
  aes?: AesGcmProvider;
  /**
   * Writes a version 3 file with a recovery section (spec 11): a header copy, an index copy and
   * this much Reed–Solomon parity, in percent of the payload (0: the copies only). Needs `coder`.
   */
  parity?: number;
  coder?: ErasureCoder;
  /** Where the parity waits until the payload is written (default: memory, p% of the backup). */
  paritySpill?: ParitySpillFactory;
  totalBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CreateProgress) => void;
  /** Called once per entry after its data has been written. */
  onEntry?: (entry: { path: string; type: EntryType; size: number; storedLength: number; method: number }) => void;
}

/** Makes a backup as a stream of bytes: header first, then the sealed payload. */
export function createBackup(
  entries: Iterable<EntrySource> | AsyncIterable<EntrySource>,
  options: CreateOptions,
): ReadableStream<Uint8Array> {
  return toReadableStream(backupBytes(entries, options));
}

export async function* backupBytes(
  entries: Iterable<EntrySource> | AsyncIterable<EntrySource>,
  options: CreateOptions,
): AsyncGenerator<Uint8Array> {
  const random = options.random ?? randomBytes;
  const chunkSizeLog2 = options.chunkSizeLog2 ?? DEFAULT_CHUNK_LOG2;
  const parity = options.parity;
  if (
    parity !== undefined &&
    (!Number.isInteger(parity) || parity < 0 || parity > MAX_PARITY_PERCENT || !options.coder)
  ) {
    throw new CofferError('invalid_input', `Parity must be a whole percentage from 0 to ${MAX_PARITY_PERCENT}.`);
  }
  const version = parity === undefined ? FORMAT_VERSION : RECOVERY_VERSION;
  const { bytes, keys } = await buildHeader(options.slots, chunkSizeLog2, random, options.aes, version);
  yield bytes;
  const tail: Uint8Array[] = [];
  const plaintext = archivePlaintext(entries, options, tail);
  const sealed = sealChunks(keys.payloadKey, cutChunks(plaintext, 2 ** chunkSizeLog2));
  if (parity === undefined || !options.coder) {
    yield* sealed;
    return;
  }
  const spill = await (options.paritySpill ?? (async () => memorySpill()))();
  try {
    const encoder = new ParityEncoder(options.coder, keys.recoveryKey, keys.footerMacKey, chunkSizeLog2, parity, spill);
    for await (const piece of sealed) {
      await encoder.push(piece);
      yield piece;
    }
    yield* encoder.finish(bytes, concatBytes(tail));
  } finally {
    await spill.dispose();
  }
}

interface FileStats {
  size: number;
  storedLength: number;
  method: number;
}

async function* archivePlaintext(
  entries: Iterable<EntrySource> | AsyncIterable<EntrySource>,
  options: CreateOptions,
  /** Receives the index and trailer bytes, for the index copy of spec 11. */
  tail: Uint8Array[] = [],
): AsyncGenerator<Uint8Array> {
  const seen = new Set<string>();
  const index: Uint8Array[] = [];
  let indexLength = 0;
  let offset = 0;
  let entryCount = 0;
  const progress: CreateProgress = {
    bytesDone: 0,
    bytesTotal: options.totalBytes ?? 0,
    entriesDone: 0,
    currentPath: '',
  };
  for await (const source of entries) {
    throwIfAborted(options.signal);
    const path = source.path.normalize('NFC');
    checkPath(path);
    if (seen.has(path)) throw new CofferError('invalid_input', `${describePath(path)} was added twice.`);
    seen.add(path);
    if (++entryCount > MAX_ENTRIES) {
      throw new CofferError('limit_exceeded', `A backup holds at most ${MAX_ENTRIES} entries.`);
    }
    progress.currentPath = path;
    const stats: FileStats = { size: 0, storedLength: 0, method: METHOD_STORED };
    if (source.type === 'file' && source.whole) {
      const whole = await source.whole();
      const encoded =
        whole.data.length <= SAMPLE_SIZE
          ? encodeSmallFile(whole.data, options, stats, progress, whole)
          : encodeFile([whole.data], options, stats, progress);
      for await (const piece of encoded) yield piece;
    } else if (source.type === 'file' && source.open) {
      const data = await source.open();
      for await (const piece of encodeFile(data, options, stats, progress)) yield piece;
    }
    const record = encodeRecord({
      path,
      type: source.type,
      method: stats.method,
      mode: (source.mode ?? 0) & 0o777,
      mtime: Math.round(source.mtime),
      size: stats.size,
      storedLength: stats.storedLength,
      offset,
    });
    index.push(record);
    indexLength += record.length;
    offset += stats.storedLength;
    progress.entriesDone = entryCount;
    options.onProgress?.(progress);
    options.onEntry?.({ path, type: source.type, ...stats });
  }
  // Batched so that a million small records do not become a million stream pieces.
  for (let i = 0; i < index.length; i += 4096) {
    const batch = concatBytes(index.slice(i, i + 4096));
    tail.push(batch);
    yield batch;
  }
  const trailer = encodeTrailer({ indexOffset: offset, indexLength, entryCount });
  tail.push(trailer);
  yield trailer;
}

/** Reads up to SAMPLE_SIZE bytes so the method can be chosen by content. */
async function readSample(input: AsyncIterator<Uint8Array>): Promise<{ head: Uint8Array; ended: boolean }> {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < SAMPLE_SIZE) {
    const next = await input.next();
    if (next.done) return { head: joined(parts), ended: true };
    // The usual case, a first piece that holds the whole sample, needs no copy: it is tried and
    // then handed on before the next piece is asked for. (Two copies of a 1 MiB piece per file
    // were a tenth of the CLI's time on a folder of 1 MiB files.)
    if (parts.length === 0 && next.value.length >= SAMPLE_SIZE) return { head: next.value, ended: false };
    // Copied: a source may refill a piece's buffer once the next piece is asked for.
    parts.push(next.value.slice());
    length += next.value.length;
  }
  return { head: joined(parts), ended: false };
}

/** The parts as one array; one part (already a copy) as it is. */
function joined(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : concatBytes(parts);
}

async function* remaining(
  head: Uint8Array,
  input: AsyncIterator<Uint8Array>,
  ended: boolean,
): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  if (ended) return;
  for (;;) {
    const next = await input.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* encodeFile(
  data: ByteSource,
  options: CreateOptions,
  stats: FileStats,
  progress: CreateProgress,
): AsyncGenerator<Uint8Array> {
  const input = iterateBytes(data)[Symbol.asyncIterator]();
  const { head, ended } = await readSample(input);
  if (ended) {
    yield* encodeSmallFile(head, options, stats, progress);
    return;
  }
  const codec = codecFor(options);
  const compress = (options.compress ?? true) && (await codec.compressible(head.subarray(0, SAMPLE_SIZE)));
  stats.method = compress ? codec.method : METHOD_STORED;
  const pieces = remaining(head, input, ended);
  const counted = countProgress(pieces, stats, progress, options);
  const stored = compress ? compressSegments(counted, options.compressor ?? codec.compress, codec.method) : counted;
  for await (const piece of stored) {
    stats.storedLength += piece.length;
    yield piece;
  }
}

interface Codec {
  method: number;
  compress: SegmentCompressor;
  compressible(sample: Uint8Array): boolean | Promise<boolean>;
}

const DEFLATE_CODEC: Codec = {
  method: METHOD_DEFLATE_SEGMENTS,
  compress: deflateLevel1,
  compressible: looksCompressible,
};
const ZSTD_CODEC: Codec = {
  method: METHOD_ZSTD_SEGMENTS,
  compress: (segment) => zstdCompress(segment),
  compressible: async (sample) =>
    sample.length > 0 && (await zstdCompress(sample)).length <= sample.length * COMPRESSIBLE_RATIO,
};

function codecFor(options: CreateOptions): Codec {
  return options.compression === 'deflate' ? DEFLATE_CODEC : ZSTD_CODEC;
}

/**
 * A file that fits in the sample (under 64 KiB) is its own single segment, so the trial
 * compression that decides the method is also the segment's: one run instead of two. The bytes
 * are the same as the general path's with the default compressor.
 */
async function* encodeSmallFile(
  head: Uint8Array,
  options: CreateOptions,
  stats: FileStats,
  progress: CreateProgress,
  made?: WholeFile,
): AsyncGenerator<Uint8Array> {
  throwIfAborted(options.signal);
  stats.size = head.length;
  progress.bytesDone += head.length;
  options.onProgress?.(progress);
  const codec = codecFor(options);
  // A compression made ahead by the platform, in the backup's method (a zstd frame is checked).
  const premade = codec.method === METHOD_DEFLATE_SEGMENTS ? made?.deflated : made?.zstd;
  const wanted = (options.compress ?? true) && head.length > 0 && premade !== null;
  const ahead = premade && checked(head, premade, codec.method);
  const compressed = wanted ? (ahead ?? (await codec.compress(head))) : undefined;
  const compress = compressed !== undefined && compressed.length <= head.length * COMPRESSIBLE_RATIO;
  stats.method = compress ? codec.method : METHOD_STORED;
  const stored = compress ? frameSegment(head, compressed) : head;
  stats.storedLength = stored.length;
  if (stored.length > 0) yield stored;
}

async function* countProgress(
  pieces: AsyncIterable<Uint8Array>,
  stats: FileStats,
  progress: CreateProgress,
  options: CreateOptions,
): AsyncGenerator<Uint8Array> {
  for await (const piece of pieces) {
    throwIfAborted(options.signal);
    stats.size += piece.length;
    progress.bytesDone += piece.length;
    options.onProgress?.(progress);
    yield piece;
  }
}

const COMPRESS_IN_FLIGHT = 4;

/** A compressor's zstd output is checked, so a backup never holds a segment its readers refuse. */
function checked(segment: Uint8Array, compressed: Uint8Array, method: number): Uint8Array {
  const refused = method === METHOD_ZSTD_SEGMENTS ? checkZstdFrame(compressed, segment.length) : undefined;
  if (refused) throw new Error(`The zstd compressor made a segment that ${refused}.`);
  return compressed;
}

/** Cuts a file into 1 MiB segments and frames each; several may be compressing at once. */
async function* compressSegments(
  pieces: AsyncIterable<Uint8Array>,
  compressor: SegmentCompressor,
  method: number,
): AsyncGenerator<Uint8Array> {
  const inFlight: Promise<Uint8Array>[] = [];
  const start = (segment: Uint8Array) => {
    const framed = Promise.resolve(compressor(segment)).then((compressed) =>
      frameSegment(segment, checked(segment, compressed, method)),
    );
    framed.catch(() => {});
    inFlight.push(framed);
  };
  let buffer = new Uint8Array(SEGMENT_SIZE);
  let fill = 0;
  for await (const piece of pieces) {
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(SEGMENT_SIZE - fill, piece.length - offset);
      buffer.set(piece.subarray(offset, offset + take), fill);
      fill += take;
      offset += take;
      if (fill === SEGMENT_SIZE) {
        start(buffer);
        buffer = new Uint8Array(SEGMENT_SIZE);
        fill = 0;
        if (inFlight.length >= COMPRESS_IN_FLIGHT) yield await (inFlight.shift() as Promise<Uint8Array>);
      }
    }
  }
  if (fill > 0) start(buffer.subarray(0, fill));
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Uint8Array>);
}
