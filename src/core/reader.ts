/**
 * Reading a backup with random access: header, unlock, then the trailer and index from the last
 * chunks, then only the chunks an operation needs. Full restores and verification decrypt the
 * payload once, in order.
 */
import { concatBytes } from './bytes.ts';
import { type AesGcmProvider, TAG_LENGTH } from './crypto.ts';
import { CofferError, throwIfAborted } from './errors.ts';
import {
  type FileKeys,
  HEADER_PREFIX_LENGTH,
  type Header,
  parseHeader,
  parseHeaderPrefix,
  unlockHeader,
} from './header.ts';
import {
  decodeIndex,
  decodeTrailer,
  type IndexEntry,
  METHOD_STORED,
  TRAILER_LENGTH,
  type Trailer,
} from './index-codec.ts';
import type { ByteSource } from './iter.ts';
import { checkPathSet } from './paths.ts';
import { type SalvageOptions, type SalvageReport, SalvageRouter, tolerantChunks } from './salvage.ts';
import { SegmentDecoder, type SegmentInflater } from './segments.ts';
import type { Credentials } from './slots.ts';
import { MAX_CHUNKS, openChunk, openStream } from './stream.ts';

/** Random access to the bytes of a backup: a File in the browser, a file handle in Node. */
export interface RandomAccessSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Sequential bytes from `offset` to the end; faster than repeated reads where available. */
  stream?(offset: number): ByteSource;
}

export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

const SEQUENTIAL_READ = 4 * 1024 * 1024;

async function* readSequentially(source: RandomAccessSource, offset: number): AsyncGenerator<Uint8Array> {
  for (let position = offset; position < source.size; position += SEQUENTIAL_READ) {
    yield await source.read(position, Math.min(SEQUENTIAL_READ, source.size - position));
  }
}

/** Reads and checks the header; no key is needed and no key derivation runs. */
export async function readHeader(source: RandomAccessSource): Promise<Header> {
  const prefix = await source.read(0, Math.min(HEADER_PREFIX_LENGTH, source.size));
  const headerLength = parseHeaderPrefix(prefix, source.size);
  return parseHeader(await source.read(0, headerLength), source.size);
}

export interface PayloadLayout {
  payloadOffset: number;
  chunkSize: number;
  sealedChunkSize: number;
  chunkCount: number;
  plaintextLength: number;
}

export function payloadLayout(header: Header, fileSize: number): PayloadLayout {
  const payloadBytes = fileSize - header.headerLength;
  const sealedChunkSize = header.chunkSize + TAG_LENGTH;
  const chunkCount = Math.ceil(payloadBytes / sealedChunkSize);
  const lastSealed = payloadBytes - (chunkCount - 1) * sealedChunkSize;
  if (payloadBytes <= TAG_LENGTH || lastSealed <= TAG_LENGTH) {
    throw new CofferError('truncated', 'This backup is cut short: its content ends early.');
  }
  if (chunkCount > MAX_CHUNKS)
    throw new CofferError('limit_exceeded', 'This backup has more chunks than the format allows.');
  return {
    payloadOffset: header.headerLength,
    chunkSize: header.chunkSize,
    sealedChunkSize,
    chunkCount,
    plaintextLength: payloadBytes - chunkCount * TAG_LENGTH,
  };
}

export interface RestoreProgress {
  bytesDone: number;
  bytesTotal: number;
  currentPath: string;
}

export interface FileSink {
  write(bytes: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
  /** Called instead of close when restoring fails midway. */
  abort?(): void | Promise<void>;
}

export interface RestoreSink {
  directory?(entry: IndexEntry): void | Promise<void>;
  file(entry: IndexEntry): FileSink | Promise<FileSink>;
}

export interface RestoreOptions {
  /** Entries to restore; all when absent. */
  only?: readonly IndexEntry[];
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
}

export interface OpenOptions {
  /** A faster AES-256-GCM than WebCrypto where the platform has one (the CLI: node:crypto). */
  aes?: AesGcmProvider;
  /** A faster bounded inflater than fflate's where the platform has one (spec 5.4). */
  inflate?: SegmentInflater;
}

/** A sink that discards everything: restoring into it is verification. */
export const discardSink: RestoreSink = { file: () => ({ write() {}, close() {} }) };

export class OpenedBackup {
  private cachedChunk: { index: number; plaintext: Uint8Array } | undefined;

  private constructor(
    readonly source: RandomAccessSource,
    readonly header: Header,
    private readonly keys: FileKeys,
    readonly layout: PayloadLayout,
    readonly trailer: Trailer,
    readonly entries: readonly IndexEntry[],
    private readonly openOptions: OpenOptions = {},
  ) {}

  /** Unlocks with the credentials and reads the index; refuses unsafe paths up front. */
  static async open(
    source: RandomAccessSource,
    credentials: Credentials,
    header?: Header,
    options: OpenOptions = {},
  ): Promise<OpenedBackup> {
    const parsed = header ?? (await readHeader(source));
    const layout = payloadLayout(parsed, source.size);
    const keys = await unlockHeader(parsed, credentials, options.aes);
    const partial = new OpenedBackup(
      source,
      parsed,
      keys,
      layout,
      { indexOffset: 0, indexLength: 0, entryCount: 0 },
      [],
    );
    if (layout.plaintextLength < TRAILER_LENGTH) {
      // Authenticate first so that a cut file is reported as such, not as a short archive.
      await partial.decryptChunk(layout.chunkCount - 1);
      throw new CofferError('payload_damaged', "This backup's contents are damaged: there is no index.");
    }
    const trailer = decodeTrailer(
      await partial.readPlaintext(layout.plaintextLength - TRAILER_LENGTH, TRAILER_LENGTH),
      layout.plaintextLength,
    );
    const entries = decodeIndex(await partial.readPlaintext(trailer.indexOffset, trailer.indexLength), trailer);
    checkPathSet(entries);
    return new OpenedBackup(source, parsed, keys, layout, trailer, entries, options);
  }

  get totalSize(): number {
    return this.entries.reduce((sum, entry) => sum + entry.size, 0);
  }

  private async decryptChunk(index: number): Promise<Uint8Array> {
    if (this.cachedChunk?.index === index) return this.cachedChunk.plaintext;
    const { payloadOffset, sealedChunkSize, chunkCount } = this.layout;
    const start = payloadOffset + index * sealedChunkSize;
    const length = Math.min(sealedChunkSize, this.source.size - start);
    const plaintext = await openChunk(
      this.keys.payloadKey,
      index,
      index === chunkCount - 1,
      await this.source.read(start, length),
    );
    this.cachedChunk = { index, plaintext };
    return plaintext;
  }

  /** Decrypts just the chunks that hold [offset, offset + length) of the plaintext. */
  async *plaintextRange(offset: number, length: number): AsyncGenerator<Uint8Array> {
    const { chunkSize } = this.layout;
    let position = offset;
    const end = offset + length;
    while (position < end) {
      const index = Math.floor(position / chunkSize);
      const chunk = await this.decryptChunk(index);
      const from = position - index * chunkSize;
      const to = Math.min(chunk.length, end - index * chunkSize);
      yield chunk.subarray(from, to);
      position += to - from;
    }
  }

  async readPlaintext(offset: number, length: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const part of this.plaintextRange(offset, length)) parts.push(part);
    return concatBytes(parts);
  }

  /** The original bytes of one file, decrypting only the chunks it lives in. */
  async *fileData(entry: IndexEntry, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const decoder = entryDecoder(entry, this.openOptions.inflate);
    for await (const stored of this.plaintextRange(entry.offset, entry.storedLength)) {
      throwIfAborted(signal);
      yield* await decoder.push(stored);
    }
    decoder.finish();
  }

  /**
   * Restores entries into a sink. Everything: one pass over the payload in order, which also
   * authenticates every chunk. A selection: random access to just the chunks it needs.
   */
  async restore(sink: RestoreSink, options: RestoreOptions = {}): Promise<void> {
    if (options.only) return this.restoreSelected(sink, options.only, options);
    const plaintext = openStream(this.keys.payloadKey, this.payloadCiphertext(), this.layout.chunkSize, options.signal);
    const router = new EntryRouter(this.entries, sink, options, this.totalSize, this.openOptions.inflate);
    try {
      for await (const piece of plaintext) await router.push(piece);
      await router.finish(this.trailer.indexOffset);
    } catch (error) {
      await router.abort();
      throw error;
    }
  }

  /**
   * Restores every entry whose chunks are intact and reports the others (spec 10). Never throws
   * for a damaged chunk; the caller decides what a non-empty `lost` list means.
   */
  async salvage(sink: RestoreSink, options: Omit<SalvageOptions, 'inflate'> = {}): Promise<SalvageReport> {
    const router = new SalvageRouter(
      this.entries,
      sink,
      { ...options, inflate: this.openOptions.inflate },
      this.layout.chunkCount,
    );
    try {
      for await (const chunk of tolerantChunks(
        this.keys.payloadKey,
        this.payloadCiphertext(),
        this.layout,
        options.signal,
      ))
        await router.push(chunk);
      return await router.finish();
    } catch (error) {
      await router.abort();
      throw error;
    }
  }

  async verify(options: Omit<RestoreOptions, 'only'> = {}): Promise<void> {
    await this.restore(discardSink, options);
  }

  private payloadCiphertext(): ByteSource {
    const { payloadOffset } = this.layout;
    return this.source.stream ? this.source.stream(payloadOffset) : readSequentially(this.source, payloadOffset);
  }

  private async restoreSelected(
    sink: RestoreSink,
    selected: readonly IndexEntry[],
    options: RestoreOptions,
  ): Promise<void> {
    const progress: RestoreProgress = {
      bytesDone: 0,
      bytesTotal: selected.reduce((sum, entry) => sum + entry.size, 0),
      currentPath: '',
    };
    for (const entry of selected) {
      throwIfAborted(options.signal);
      progress.currentPath = entry.path;
      if (entry.type === 'dir') {
        await sink.directory?.(entry);
        continue;
      }
      const file = await sink.file(entry);
      try {
        for await (const piece of this.fileData(entry, options.signal)) {
          await file.write(piece);
          progress.bytesDone += piece.length;
          options.onProgress?.(progress);
        }
      } catch (error) {
        await file.abort?.();
        throw error;
      }
      await file.close();
    }
  }
}

export interface EntryDecoder {
  push(stored: Uint8Array): Uint8Array[] | Promise<Uint8Array[]>;
  finish(): void;
}

export function entryDecoder(entry: IndexEntry, inflate?: SegmentInflater): EntryDecoder {
  if (entry.method !== METHOD_STORED) return new SegmentDecoder(entry.path, entry.size, inflate);
  let seen = 0;
  return {
    push(stored) {
      seen += stored.length;
      return [stored];
    },
    finish() {
      if (seen !== entry.size) {
        throw new CofferError(
          'payload_damaged',
          `This backup's contents are damaged: ${JSON.stringify(entry.path)} is incomplete.`,
        );
      }
    },
  };
}

/** Splits the in-order plaintext into entries and feeds each to the sink. */
class EntryRouter {
  private next = 0;
  private position = 0;
  private current: { entry: IndexEntry; sink: FileSink; decoder: EntryDecoder; end: number } | undefined;
  private readonly progress: RestoreProgress;

  constructor(
    private readonly entries: readonly IndexEntry[],
    private readonly sink: RestoreSink,
    private readonly options: RestoreOptions,
    bytesTotal: number,
    private readonly inflate?: SegmentInflater,
  ) {
    this.progress = { bytesDone: 0, bytesTotal, currentPath: '' };
  }

  async push(piece: Uint8Array): Promise<void> {
    // openStream only checks the signal when it reads input, which for a small backup (or
    // one read in large pieces) happens once; check per decrypted chunk as well.
    throwIfAborted(this.options.signal);
    let offset = 0;
    do {
      if (!this.current) await this.startEntries();
      const current = this.current;
      if (!current) {
        // Past the last entry: the rest is the index and trailer, already read and checked.
        this.position += piece.length - offset;
        return;
      }
      const take = Math.min(current.end - this.position, piece.length - offset);
      for (const decoded of await current.decoder.push(piece.subarray(offset, offset + take))) {
        await current.sink.write(decoded);
        this.progress.bytesDone += decoded.length;
        this.options.onProgress?.(this.progress);
      }
      offset += take;
      this.position += take;
      if (this.position === current.end) await this.closeCurrent();
    } while (offset < piece.length);
  }

  /** Opens the next entry that has data, handling folders and empty files on the way. */
  private async startEntries(): Promise<void> {
    while (this.next < this.entries.length) {
      const entry = this.entries[this.next++];
      this.progress.currentPath = entry.path;
      if (entry.type === 'dir') {
        await this.sink.directory?.(entry);
        continue;
      }
      this.current = {
        entry,
        sink: await this.sink.file(entry),
        decoder: entryDecoder(entry, this.inflate),
        end: entry.offset + entry.storedLength,
      };
      if (entry.storedLength > 0) return;
      await this.closeCurrent();
    }
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current as NonNullable<typeof this.current>;
    current.decoder.finish();
    this.current = undefined;
    await current.sink.close();
  }

  async finish(indexOffset: number): Promise<void> {
    if (!this.current) await this.startEntries();
    if (this.current || this.next < this.entries.length || this.position < indexOffset) {
      throw new CofferError(
        'payload_damaged',
        "This backup's contents are damaged: the data ends before its last file.",
      );
    }
  }

  async abort(): Promise<void> {
    await this.current?.sink.abort?.();
    this.current = undefined;
  }
}
