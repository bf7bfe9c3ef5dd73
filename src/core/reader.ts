/**
 * Reading a backup with random access: header, unlock, then the trailer and index from the last
 * chunks, then only the chunks an operation needs. Full restores and verification decrypt the
 * payload once, in order.
 */
import { concatBytes } from './bytes.ts';
import type { AesGcmProvider } from './crypto.ts';
import { EntryRouter, entryDecoder } from './entry-router.ts';
import { CofferError, throwIfAborted } from './errors.ts';
import {
  type FileKeys,
  HEADER_PREFIX_LENGTH,
  type Header,
  parseHeader,
  parseHeaderPrefix,
  RECOVERY_VERSION,
} from './header.ts';
import { decodeIndex, decodeTrailer, type IndexEntry, TRAILER_LENGTH, type Trailer } from './index-codec.ts';
import type { ByteSource } from './iter.ts';
import { type PayloadLayout, payloadLayout } from './layout.ts';
import type { ParitySpillFactory } from './parity-spill.ts';
import { checkPathSet } from './paths.ts';
import { type ErasureCoder, type RecoveryLayout, verifyFooter } from './recovery.ts';
import {
  boundedSource,
  RecoveredPayload,
  readIndexCopy,
  readMatchingRecovery,
  unlockHeaderOrCopy,
} from './recovery-read.ts';
import { emptyStats, type RepairStats } from './repair.ts';
import { discardSink, type RestoreOptions, type RestoreProgress, type RestoreSink } from './restore-sink.ts';
import { type SalvageOptions, type SalvageReport, SalvageRouter, tolerantChunks } from './salvage.ts';
import type { SegmentInflater } from './segments.ts';
import type { Credentials } from './slots.ts';
import { type RandomAccessSource, sequentialBytes } from './source.ts';
import { IN_FLIGHT, openChunk, openStream } from './stream.ts';

/** Bytes per read when a long range of chunks is decrypted. */
const RANGE_READ = 4 * 1024 * 1024;

/** Before the trailer is read. */
const EMPTY_TRAILER: Trailer = { indexOffset: 0, indexLength: 0, entryCount: 0 };

/** Reads and checks the header; no key is needed and no key derivation runs. */
export async function readHeader(source: RandomAccessSource): Promise<Header> {
  const prefix = await source.read(0, Math.min(HEADER_PREFIX_LENGTH, source.size));
  const headerLength = parseHeaderPrefix(prefix, source.size);
  return parseHeader(await source.read(0, headerLength), source.size);
}

export interface OpenOptions {
  /** A faster AES-256-GCM than WebCrypto where the platform has one (the CLI: node:crypto). */
  aes?: AesGcmProvider;
  /** A faster bounded inflater than fflate's where the platform has one (spec 5.4). */
  inflate?: SegmentInflater;
  /** A zstd decoder for method 2 (spec 5.6), for example one that runs on other cores. */
  zstd?: SegmentInflater;
  /** Reed–Solomon for version 3 files (spec 11); without it their parity cannot be used. */
  coder?: ErasureCoder;
}

export class OpenedBackup {
  private cachedChunk: { index: number; plaintext: Uint8Array } | undefined;

  /** What a version 3 file needed repairing so far (spec 11); stays empty for version 1. */
  readonly repairs: RepairStats = emptyStats();
  /** A version 3 file's payload as its repair data reads it. */
  private recovered: RecoveredPayload | undefined;
  private indexBytes: Uint8Array | undefined;

  private constructor(
    readonly source: RandomAccessSource,
    readonly header: Header,
    private readonly keys: FileKeys,
    readonly layout: PayloadLayout,
    readonly trailer: Trailer,
    readonly entries: readonly IndexEntry[],
    private readonly openOptions: OpenOptions = {},
  ) {}

  /** The recovery section's shape, for a version 3 file. */
  get recoveryLayout(): RecoveryLayout | undefined {
    return this.recovered?.layout;
  }

  /** Unlocks with the credentials and reads the index; refuses unsafe paths up front. */
  static async open(
    source: RandomAccessSource,
    credentials: Credentials,
    header?: Header,
    options: OpenOptions = {},
  ): Promise<OpenedBackup> {
    const full = source;
    const given = header ?? (await readHeader(source));
    const recovery = given.version === RECOVERY_VERSION ? await readMatchingRecovery(source, given) : undefined;
    // A version 3 file's payload ends where its recovery section begins.
    const payloadSource = recovery ? boundedSource(source, recovery.headerLength + recovery.payloadLength) : source;
    const layout = payloadLayout(given, payloadSource.size);
    const unlocked = await unlockHeaderOrCopy(given, credentials, options.aes, recovery && { recovery, full });
    const { header: parsed, keys } = unlocked;
    const partial = new OpenedBackup(payloadSource, parsed, keys, layout, EMPTY_TRAILER, []);
    if (!recovery) return OpenedBackup.finishOpen(partial, options);
    // Before the index copy or any parity is used: k, m and the lengths are the writer's (11.3).
    await verifyFooter(recovery, keys.footerMacKey);
    const opened = await OpenedBackup.finishOpen(partial, options).catch(async (error: unknown) => {
      if (!(error instanceof CofferError) || error.code !== 'payload_damaged') throw error;
      const copy = await readIndexCopy(full, recovery, keys.recoveryKey, layout.plaintextLength);
      checkPathSet(copy.entries);
      const fromCopy = new OpenedBackup(payloadSource, parsed, keys, layout, copy.trailer, copy.entries, options);
      fromCopy.indexBytes = copy.bytes;
      fromCopy.repairs.indexFromCopy = true;
      return fromCopy;
    });
    opened.repairs.headerFromCopy = unlocked.fromCopy;
    const indexBytes = opened.indexBytes as Uint8Array;
    opened.recovered = new RecoveredPayload(recovery, full, keys, parsed, indexBytes, options.coder, opened.repairs);
    return opened;
  }

  private static async finishOpen(partial: OpenedBackup, options: OpenOptions): Promise<OpenedBackup> {
    const { source, header: parsed, keys, layout } = partial;
    if (layout.plaintextLength < TRAILER_LENGTH) {
      // Authenticate first so that a cut file is reported as such, not as a short archive.
      await partial.decryptChunk(layout.chunkCount - 1);
      throw new CofferError('payload_damaged', "This backup's contents are damaged: there is no index.");
    }
    const trailerBytes = await partial.readPlaintext(layout.plaintextLength - TRAILER_LENGTH, TRAILER_LENGTH);
    const trailer = decodeTrailer(trailerBytes, layout.plaintextLength);
    const indexBytes = await partial.readPlaintext(trailer.indexOffset, trailer.indexLength);
    const entries = decodeIndex(indexBytes, trailer);
    checkPathSet(entries);
    const opened = new OpenedBackup(source, parsed, keys, layout, trailer, entries, options);
    opened.indexBytes = concatBytes([indexBytes, trailerBytes]);
    return opened;
  }

  get totalSize(): number {
    return this.entries.reduce((sum, entry) => sum + entry.size, 0);
  }

  private async decryptChunk(index: number): Promise<Uint8Array> {
    if (this.cachedChunk?.index === index) return this.cachedChunk.plaintext;
    const { payloadOffset, sealedChunkSize, chunkCount } = this.layout;
    const start = payloadOffset + index * sealedChunkSize;
    const length = Math.min(sealedChunkSize, this.source.size - start);
    const sealed = await this.source.read(start, length);
    const plaintext = await openChunk(this.keys.payloadKey, index, index === chunkCount - 1, sealed);
    this.cachedChunk = { index, plaintext };
    return plaintext;
  }

  /**
   * Decrypts just the chunks that hold [offset, offset + length) of the plaintext. A range of a
   * few chunks (the index, a preview) goes through the one-chunk cache; a longer one (a file
   * being saved) is read 4 MiB at a time, one read ahead, with IN_FLIGHT chunks decrypting at
   * once, as a full restore does: a read per chunk costs more than its bytes in a browser.
   */
  async *plaintextRange(offset: number, length: number): AsyncGenerator<Uint8Array> {
    if (length <= 0) return;
    const { chunkSize } = this.layout;
    const end = offset + length;
    const first = Math.floor(offset / chunkSize);
    const last = Math.floor((end - 1) / chunkSize);
    let index = first;
    const chunks = last - first < 2 ? this.cachedChunks(first, last) : this.openChunks(first, last);
    for await (const chunk of chunks) {
      const from = index === first ? offset - index * chunkSize : 0;
      const to = Math.min(chunk.length, end - index * chunkSize);
      yield chunk.subarray(from, to);
      index++;
    }
  }

  private async *cachedChunks(first: number, last: number): AsyncGenerator<Uint8Array> {
    for (let index = first; index <= last; index++) yield await this.decryptChunk(index);
  }

  /** Chunks first..last in order: large reads, one ahead, and IN_FLIGHT decryptions at once. */
  private async *openChunks(first: number, last: number): AsyncGenerator<Uint8Array> {
    const { payloadOffset, sealedChunkSize, chunkCount } = this.layout;
    const perRead = Math.max(1, Math.floor(RANGE_READ / sealedChunkSize));
    type Group = { from: number; count: number; reading: Promise<Uint8Array> };
    const readGroup = (from: number): Group => {
      const start = payloadOffset + from * sealedChunkSize;
      const count = Math.min(perRead, last - from + 1);
      const reading = this.source.read(start, Math.min(count * sealedChunkSize, this.source.size - start));
      reading.catch(() => {}); // awaited in turn below; an early failure must not go unhandled
      return { from, count, reading };
    };
    const inFlight: Promise<Uint8Array>[] = [];
    let group: Group | undefined = readGroup(first);
    while (group) {
      const { from, count }: Group = group;
      const bytes = await group.reading;
      group = from + count <= last ? readGroup(from + count) : undefined;
      for (let k = 0; k < count; k++) {
        const index = from + k;
        const sealed = bytes.subarray(k * sealedChunkSize, (k + 1) * sealedChunkSize);
        const opening = openChunk(this.keys.payloadKey, index, index === chunkCount - 1, sealed);
        opening.catch(() => {});
        inFlight.push(opening);
        if (inFlight.length >= IN_FLIGHT) yield await (inFlight.shift() as Promise<Uint8Array>);
      }
    }
    while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Uint8Array>);
  }

  async readPlaintext(offset: number, length: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const part of this.plaintextRange(offset, length)) parts.push(part);
    return concatBytes(parts);
  }

  /** The original bytes of one file, decrypting only the chunks it lives in. */
  async *fileData(entry: IndexEntry, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const decoder = entryDecoder(entry, this.openOptions);
    for await (const stored of this.plaintextRange(entry.offset, entry.storedLength)) {
      throwIfAborted(signal);
      yield* await decoder.push(stored);
    }
    yield* await decoder.finish();
  }

  /**
   * Restores entries into a sink. Everything: one pass over the payload in order, which also
   * authenticates every chunk. A selection: random access to just the chunks it needs.
   */
  async restore(sink: RestoreSink, options: RestoreOptions = {}): Promise<void> {
    if (options.only) return this.restoreSelected(sink, options.only, options);
    return this.restoreAll(sink, options, false);
  }

  /** One pass over the whole payload; `compareParity` also checks the stored parity (11.5). */
  private async restoreAll(sink: RestoreSink, options: RestoreOptions, compareParity: boolean): Promise<void> {
    const plaintext = this.recovered
      ? this.recovered.plaintext(options.signal, compareParity)
      : openStream(this.keys.payloadKey, this.payloadCiphertext(), this.layout.chunkSize, options.signal);
    const router = new EntryRouter(this.entries, sink, options, this.totalSize, this.openOptions);
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
  async salvage(sink: RestoreSink, options: Omit<SalvageOptions, 'codecs'> = {}): Promise<SalvageReport> {
    const router = new SalvageRouter(
      this.entries,
      sink,
      { ...options, codecs: this.openOptions },
      this.layout.chunkCount,
    );
    try {
      const chunks = this.recovered
        ? this.recovered.tolerant(options.signal)
        : tolerantChunks(this.keys.payloadKey, this.payloadCiphertext(), this.layout, options.signal);
      for await (const chunk of chunks) await router.push(chunk);
      return await router.finish();
    } catch (error) {
      await router.abort();
      throw error;
    }
  }

  /**
   * A clean copy of a version 3 file (spec 11.5): the good header, every chunk (rebuilt where
   * it was damaged), and a recovery section written anew. Throws before the end if any chunk
   * cannot be rebuilt, so a caller that writes to a temporary name never keeps a bad copy.
   */
  async *repairedFile(signal?: AbortSignal, paritySpill?: ParitySpillFactory): AsyncGenerator<Uint8Array> {
    if (!this.recovered) {
      throw new CofferError(
        'invalid_input',
        'This backup has no recovery data (it was made without parity), so it cannot be repaired; --salvage restores what is intact.',
      );
    }
    yield* this.recovered.repairedFile(signal, paritySpill);
  }

  /**
   * Checks every byte (spec 8), and for a version 3 file also its repair data (spec 11.5): each
   * parity shard that opens must equal the parity recomputed from the data, and an index copy
   * that opens must equal the index; otherwise the repair data was altered.
   */
  async verify(options: Omit<RestoreOptions, 'only'> = {}): Promise<void> {
    const compare = this.recovered?.canCompareParity === true;
    // This pass opens every parity shard once: count its damage afresh.
    if (compare) this.repairs.damagedParityShards = 0;
    await this.restoreAll(discardSink, options, compare);
    await this.recovered?.checkRepairData(compare, options.signal);
  }

  private payloadCiphertext(): ByteSource {
    const { payloadOffset } = this.layout;
    return sequentialBytes(this.source, payloadOffset);
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
