/**
 * "Restore all" as a .zip when the browser cannot write into a folder. Entries are stored, not
 * recompressed (the data is usually already compressed or was just inflated, and speed matters),
 * and the archive switches to Zip64 wherever a size, an offset or the count needs it
 * (zip-format.ts), so a backup of any size and any number of files restores as one .zip.
 */
import type { IndexEntry, RestoreSink } from '../core/index.ts';
import { crc32 } from './crc32.ts';
import {
  centralRecordLength,
  dataDescriptorLength,
  endRecords,
  localHeaderLength,
  type RecordTarget,
  sizesNeedZip64,
  writeCentralRecord,
  writeDataDescriptor,
  writeLocalHeader,
  type ZipEntry,
  zipLength,
} from './zip-format.ts';

/** Where the zip's bytes go (a ByteSink from browser-io; only `write` is needed, so tests run in Node). */
export interface ZipOut {
  write(bytes: Uint8Array): Promise<void> | void;
  /** `write` has copied the bytes by the time it settles, so the writer may reuse its buffer. */
  copiesBytes?: boolean;
}

export interface ZipOptions {
  /** Zip64 records for every entry and the end, whatever the sizes (tests use it on small archives). */
  forceZip64?: boolean;
}

const utf8 = new TextEncoder();

/** An entry's name in the archive: a folder's ends in `/`. */
function zipName(entry: Pick<IndexEntry, 'path' | 'type'>): string {
  return entry.type === 'dir' ? `${entry.path}/` : entry.path;
}

/** The exact size of the .zip zipWriter makes of these entries, before any byte is decrypted. */
export function zipSize(
  entries: readonly Pick<IndexEntry, 'path' | 'type' | 'size'>[],
  options: ZipOptions = {},
): number {
  return zipLength(
    entries.map((entry) => ({
      nameLength: utf8.encode(zipName(entry)).length,
      size: entry.type === 'dir' ? 0 : entry.size,
    })),
    options.forceZip64,
  );
}

/**
 * A ZIP entry's time is a DOS date in local time, years 1980 to 2099, so the backup's time is
 * clamped into that range as seen in local time.
 */
export function zipDate(mtime: number): Date {
  const first = new Date(1980, 0, 1, 0, 0, 0).getTime();
  const last = new Date(2099, 11, 31, 23, 59, 58).getTime();
  if (Number.isNaN(mtime) || mtime < first) return new Date(first);
  return new Date(Math.min(mtime, last));
}

export interface ZipWriter {
  sink: RestoreSink;
  finish(): Promise<void>;
}

/**
 * Headers, descriptors and small files are gathered into writes of about this size, because
 * each write to the sink costs more than its bytes; large pieces go as they are.
 */
const BATCH = 1024 * 1024;

/**
 * The UTF-8 names of every entry, one after another in one growing buffer: each is encoded once,
 * for its local header, and read again for the central directory at the end.
 */
class NameStore {
  bytes = new Uint8Array(64 * 1024);
  private used = 0;

  add(name: string): { nameStart: number; nameLength: number } {
    // encodeInto needs room for the longest encoding: three bytes per UTF-16 unit.
    const room = name.length * 3;
    if (this.used + room > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + room));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    const { written } = utf8.encodeInto(name, this.bytes.subarray(this.used));
    const nameStart = this.used;
    this.used += written;
    return { nameStart, nameLength: written };
  }
}

/** An empty output batch of `length` bytes, with its view for the records' fields. */
function batchOf(length: number): RecordTarget {
  const bytes = new Uint8Array(length);
  return { bytes, view: new DataView(bytes.buffer), at: 0 };
}

/** Streams a zip into `out`, one entry after another, as the restore hands them over. */
export function zipWriter(out: ZipOut, options: ZipOptions = {}): ZipWriter {
  const force = options.forceZip64 === true;
  const written: ZipEntry[] = [];
  const names = new NameStore();
  let offset = 0;
  let target = batchOf(BATCH);

  const flush = async () => {
    if (target.at === 0) return;
    const full = target.bytes.subarray(0, target.at);
    target.at = 0;
    if (out.copiesBytes && full.buffer.byteLength === BATCH) {
      // The same batch again: a fresh megabyte per flush costs its page faults (about a tenth
      // of a .zip restore of small files in Chromium, measured in bench/).
      await out.write(full);
      return;
    }
    // A new buffer: the sink may hold on to the last one.
    target = batchOf(BATCH);
    await out.write(full);
  };
  /** Writes a record of `length` bytes straight into the batch. */
  const emitRecord = async (length: number, write: (into: RecordTarget) => number) => {
    if (target.at + length > target.bytes.length) await flush();
    // A record longer than a batch (a name near the index's limit, in Zip64) gets a batch of its own.
    if (length > target.bytes.length) target = batchOf(length);
    target.at += write(target);
    offset += length;
  };
  const emit = async (bytes: Uint8Array) => {
    offset += bytes.length;
    if (bytes.length >= BATCH / 4) {
      await flush();
      await out.write(bytes);
      return;
    }
    if (target.at + bytes.length > target.bytes.length) await flush();
    target.bytes.set(bytes, target.at);
    target.at += bytes.length;
  };

  const begin = async (entry: Pick<IndexEntry, 'path' | 'type' | 'size' | 'mtime'>): Promise<ZipEntry> => {
    const dir = entry.type === 'dir';
    const name = names.add(zipName(entry));
    const started: ZipEntry = {
      nameStart: name.nameStart,
      nameLength: name.nameLength,
      dir,
      size: dir ? 0 : entry.size,
      date: zipDate(entry.mtime),
      offset,
      crc: 0,
    };
    const zip64 = sizesNeedZip64(started.size, force);
    await emitRecord(localHeaderLength(started.nameLength, zip64), (into) =>
      writeLocalHeader(into, started, names.bytes, zip64),
    );
    return started;
  };
  /** Closes an entry with its descriptor; only a complete one is listed in the central directory. */
  const end = async (entry: ZipEntry, size: number, crc: number, complete: boolean) => {
    const zip64 = sizesNeedZip64(entry.size, force);
    entry.crc = crc;
    entry.size = size;
    await emitRecord(dataDescriptorLength(zip64), (into) => writeDataDescriptor(into, entry, zip64));
    if (complete) written.push(entry);
  };

  return {
    sink: {
      async directory(entry) {
        await end(await begin(entry), 0, 0, true);
      },
      async file(entry) {
        const started = await begin(entry);
        let crc = 0;
        let size = 0;
        return {
          async write(bytes) {
            crc = crc32(bytes, crc);
            size += bytes.length;
            await emit(bytes);
          },
          async close() {
            // The index said how long the file is, and its local header was laid out for that.
            if (size !== started.size) {
              throw new Error(`"${entry.path}" came to ${size} bytes, not the ${started.size} its entry says.`);
            }
            await end(started, size, crc, true);
          },
          async abort() {
            // Bytes already sent cannot be taken back: the entry is closed so the archive stays
            // readable in order, but left out of the central directory, so no extractor makes a
            // partly restored file under its name (salvage lists it as lost).
            await end(started, size, crc, false);
          },
        };
      },
    },
    async finish() {
      const centralOffset = offset;
      for (const entry of written)
        await emitRecord(centralRecordLength(entry, force), (into) =>
          writeCentralRecord(into, entry, names.bytes, force),
        );
      await emit(endRecords(written.length, centralOffset, offset - centralOffset, force));
      await flush();
    },
  };
}
