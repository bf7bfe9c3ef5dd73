/**
 * Decoding entries from the in-order payload plaintext (spec 5): one decoder per entry, and the
 * router that cuts the plaintext into entries for a full restore.
 */
import { CofferError, throwIfAborted } from './errors.ts';
import { type IndexEntry, METHOD_STORED } from './index-codec.ts';
import type { FileSink, RestoreOptions, RestoreProgress, RestoreSink } from './restore-sink.ts';
import { type SegmentCodecs, segmentDecoder } from './segments.ts';

export interface EntryDecoder {
  push(stored: Uint8Array): Uint8Array[] | Promise<Uint8Array[]>;
  /** After the last stored byte: the last decoded pieces; throws if the entry is incomplete. */
  finish(): Uint8Array[] | Promise<Uint8Array[]>;
}

export function entryDecoder(entry: IndexEntry, codecs: SegmentCodecs = {}): EntryDecoder {
  if (entry.method !== METHOD_STORED) return segmentDecoder(entry.path, entry.size, entry.method, codecs);
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
      return [];
    },
  };
}

/** Splits the in-order plaintext into entries and feeds each to the sink. */
export class EntryRouter {
  private next = 0;
  private position = 0;
  private current: { entry: IndexEntry; sink: FileSink; decoder: EntryDecoder; end: number } | undefined;
  private readonly progress: RestoreProgress;

  constructor(
    private readonly entries: readonly IndexEntry[],
    private readonly sink: RestoreSink,
    private readonly options: RestoreOptions,
    bytesTotal: number,
    private readonly codecs: SegmentCodecs = {},
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
      await this.write(current.sink, await current.decoder.push(piece.subarray(offset, offset + take)));
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
        decoder: entryDecoder(entry, this.codecs),
        end: entry.offset + entry.storedLength,
      };
      if (entry.storedLength > 0) return;
      await this.closeCurrent();
    }
  }

  private async write(sink: FileSink, pieces: Uint8Array[]): Promise<void> {
    for (const decoded of pieces) {
      await sink.write(decoded);
      this.progress.bytesDone += decoded.length;
      this.options.onProgress?.(this.progress);
    }
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current as NonNullable<typeof this.current>;
    await this.write(current.sink, await current.decoder.finish());
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
