/**
 * Salvage (spec section 10): restoring what can be restored from a damaged backup. Every chunk
 * is opened on its own; a chunk that fails its tag is skipped (its plaintext is never used), and
 * every entry with stored bytes in such a chunk is reported as lost instead of being written.
 * Whole entries only: a file is either restored byte for byte or not written at all, so nothing
 * half-restored can be mistaken for the real file.
 */
import type { AesGcmKey } from './crypto.ts';
import { openWith, TAG_LENGTH } from './crypto.ts';
import { type EntryDecoder, entryDecoder } from './entry-router.ts';
import { CofferError, isCofferError, throwIfAborted } from './errors.ts';
import type { IndexEntry } from './index-codec.ts';
import type { ByteSource } from './iter.ts';
import { iterateBytes } from './iter.ts';
import type { PayloadLayout } from './layout.ts';
import type { FileSink, RestoreProgress, RestoreSink } from './restore-sink.ts';
import type { SegmentCodecs } from './segments.ts';
import { chunkIv, IN_FLIGHT } from './stream.ts';

/** One entry that salvage could not restore. */
export interface LostEntry {
  path: string;
  type: 'file';
  size: number;
  mtime: number;
  /** True when every stored byte of it was in damaged chunks; false when only part was. */
  whole: boolean;
  /** Stored bytes of the entry that were in damaged chunks. */
  damagedBytes: number;
}

export interface SalvageReport {
  chunkCount: number;
  /** Indexes of the chunks whose tag did not verify, in order. */
  damagedChunks: number[];
  lost: LostEntry[];
  restoredFiles: number;
  restoredBytes: number;
}

export interface SalvageOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
  codecs?: SegmentCodecs;
}

/** A chunk's plaintext, or its length when it failed its tag. */
export type TolerantChunk = { index: number; plaintext: Uint8Array } | { index: number; damagedLength: number };

/**
 * Opens every chunk of the payload in order without stopping at a bad one. The chunk count and
 * final flag come from the layout (the file size), as in spec 4.2.
 */
export async function* tolerantChunks(
  key: AesGcmKey,
  ciphertext: ByteSource,
  layout: PayloadLayout,
  signal?: AbortSignal,
): AsyncGenerator<TolerantChunk> {
  const { sealedChunkSize, chunkCount } = layout;
  const inFlight: Promise<TolerantChunk>[] = [];
  let buffer = new Uint8Array(sealedChunkSize);
  let fill = 0;
  let index = 0;
  const start = (bytes: Uint8Array) => {
    const at = index++;
    const final = at === chunkCount - 1;
    const opened = openWith(key, chunkIv(at, final), bytes).then(
      (plaintext): TolerantChunk =>
        plaintext ? { index: at, plaintext } : { index: at, damagedLength: bytes.length - TAG_LENGTH },
    );
    opened.catch(() => {});
    inFlight.push(opened);
  };
  for await (const piece of iterateBytes(ciphertext)) {
    throwIfAborted(signal);
    let offset = 0;
    while (offset < piece.length && index < chunkCount) {
      const take = Math.min(sealedChunkSize - fill, piece.length - offset);
      buffer.set(piece.subarray(offset, offset + take), fill);
      fill += take;
      offset += take;
      if (fill === sealedChunkSize && index < chunkCount - 1) {
        start(buffer);
        // A fresh buffer: the cipher may still be reading the old one.
        buffer = new Uint8Array(sealedChunkSize);
        fill = 0;
        if (inFlight.length >= IN_FLIGHT) yield await (inFlight.shift() as Promise<TolerantChunk>);
      }
    }
  }
  if (index !== chunkCount - 1 || fill <= TAG_LENGTH) {
    throw new CofferError('truncated', 'This backup is cut short: its content ends early.');
  }
  start(buffer.subarray(0, fill));
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<TolerantChunk>);
}

interface Current {
  entry: IndexEntry;
  end: number;
  decoder: EntryDecoder;
  sink: FileSink | undefined;
  damagedBytes: number;
  intactBytes: number;
  failed: boolean;
}

/** Feeds intact entries to the sink and keeps the list of the lost ones. */
export class SalvageRouter {
  private next = 0;
  private position = 0;
  private current: Current | undefined;
  private readonly progress: RestoreProgress;
  readonly report: SalvageReport;

  constructor(
    private readonly entries: readonly IndexEntry[],
    private readonly sink: RestoreSink,
    private readonly options: SalvageOptions,
    chunkCount: number,
  ) {
    this.progress = {
      bytesDone: 0,
      bytesTotal: entries.reduce((sum, entry) => sum + entry.size, 0),
      currentPath: '',
    };
    this.report = { chunkCount, damagedChunks: [], lost: [], restoredFiles: 0, restoredBytes: 0 };
  }

  async push(chunk: TolerantChunk): Promise<void> {
    throwIfAborted(this.options.signal);
    const intact = 'plaintext' in chunk;
    if (!intact) this.report.damagedChunks.push(chunk.index);
    const length = intact ? chunk.plaintext.length : chunk.damagedLength;
    let offset = 0;
    while (offset < length) {
      if (!this.current) await this.startEntries();
      const current = this.current;
      if (!current) {
        // Past the last entry: the index and trailer, already read.
        this.position += length - offset;
        return;
      }
      const take = Math.min(current.end - this.position, length - offset);
      if (intact) await this.feed(current, chunk.plaintext.subarray(offset, offset + take));
      else await this.damage(current, take);
      offset += take;
      this.position += take;
      if (this.position === current.end) await this.closeCurrent();
    }
  }

  private async feed(current: Current, stored: Uint8Array): Promise<void> {
    current.intactBytes += stored.length;
    if (current.failed) return;
    try {
      await this.write(current, await current.decoder.push(stored));
    } catch (error) {
      // Intact chunks that do not decode (only a writer bug or a forged file does that): lost too.
      if (!isCofferError(error) || error.code !== 'payload_damaged') throw error;
      await this.fail(current);
    }
  }

  private async write(current: Current, pieces: Uint8Array[]): Promise<void> {
    for (const decoded of pieces) {
      current.sink ??= await this.sink.file(current.entry);
      await current.sink.write(decoded);
      this.progress.bytesDone += decoded.length;
      this.options.onProgress?.(this.progress);
    }
  }

  private async damage(current: Current, length: number): Promise<void> {
    current.damagedBytes += length;
    await this.fail(current);
  }

  private async fail(current: Current): Promise<void> {
    if (current.failed) return;
    current.failed = true;
    // The sink removes what it wrote: a partly restored file is never left under its name.
    await current.sink?.abort?.();
    current.sink = undefined;
  }

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
        end: entry.offset + entry.storedLength,
        decoder: entryDecoder(entry, this.options.codecs),
        sink: undefined,
        damagedBytes: 0,
        intactBytes: 0,
        failed: false,
      };
      if (entry.storedLength > 0) return;
      await this.closeCurrent();
    }
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current as Current;
    this.current = undefined;
    if (!current.failed) {
      try {
        await this.write(current, await current.decoder.finish());
      } catch (error) {
        if (!isCofferError(error) || error.code !== 'payload_damaged') throw error;
        await this.fail(current);
      }
    }
    if (current.failed) {
      this.report.lost.push({
        path: current.entry.path,
        type: 'file',
        size: current.entry.size,
        mtime: current.entry.mtime,
        whole: current.intactBytes === 0,
        damagedBytes: current.damagedBytes,
      });
      return;
    }
    current.sink ??= await this.sink.file(current.entry);
    await current.sink.close();
    this.report.restoredFiles++;
    this.report.restoredBytes += current.entry.size;
  }

  async finish(): Promise<SalvageReport> {
    if (!this.current) await this.startEntries();
    if (this.current || this.next < this.entries.length) {
      throw new CofferError(
        'payload_damaged',
        "This backup's contents are damaged: the data ends before its last file.",
      );
    }
    return this.report;
  }

  async abort(): Promise<void> {
    await this.current?.sink?.abort?.();
    this.current = undefined;
  }
}
