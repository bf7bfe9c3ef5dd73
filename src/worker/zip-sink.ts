/**
 * "Restore all" as a .zip when the browser cannot write into a folder. Entries are stored, not
 * recompressed (the data is usually already compressed or was just inflated, and speed matters),
 * and the archive switches to Zip64 wherever a size, an offset or the count needs it
 * (zip-format.ts), so a backup of any size and any number of files restores as one .zip.
 */
import type { IndexEntry, RestoreSink } from '../core/index.ts';
import { crc32 } from './crc32.ts';
import {
  centralRecord,
  dataDescriptor,
  endRecords,
  localHeader,
  sizesNeedZip64,
  type ZipEntry,
  zipLength,
} from './zip-format.ts';

/** Where the zip's bytes go (a ByteSink from browser-io; only `write` is needed, so tests run in Node). */
export interface ZipOut {
  write(bytes: Uint8Array): Promise<void> | void;
}

export interface ZipOptions {
  /** Zip64 records for every entry and the end, whatever the sizes (tests use it on small archives). */
  forceZip64?: boolean;
}

const utf8 = new TextEncoder();

function entryName(entry: Pick<IndexEntry, 'path' | 'type'>): Uint8Array {
  return utf8.encode(entry.type === 'dir' ? `${entry.path}/` : entry.path);
}

/** The exact size of the .zip zipWriter makes of these entries, before any byte is decrypted. */
export function zipSize(
  entries: readonly Pick<IndexEntry, 'path' | 'type' | 'size'>[],
  options: ZipOptions = {},
): number {
  return zipLength(
    entries.map((entry) => ({ nameLength: entryName(entry).length, size: entry.type === 'dir' ? 0 : entry.size })),
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

/** Streams a zip into `out`, one entry after another, as the restore hands them over. */
export function zipWriter(out: ZipOut, options: ZipOptions = {}): ZipWriter {
  const force = options.forceZip64 === true;
  const written: ZipEntry[] = [];
  let offset = 0;
  let batch = new Uint8Array(BATCH);
  let fill = 0;

  const flush = async () => {
    if (fill === 0) return;
    const full = batch.subarray(0, fill);
    // A new buffer: the sink may hold on to the last one until its write settles.
    batch = new Uint8Array(BATCH);
    fill = 0;
    await out.write(full);
  };
  const emit = async (bytes: Uint8Array) => {
    offset += bytes.length;
    if (bytes.length >= BATCH / 4) {
      await flush();
      await out.write(bytes);
      return;
    }
    if (fill + bytes.length > BATCH) await flush();
    batch.set(bytes, fill);
    fill += bytes.length;
  };

  const begin = async (entry: Pick<IndexEntry, 'path' | 'type' | 'size' | 'mtime'>): Promise<ZipEntry> => {
    const dir = entry.type === 'dir';
    const started: ZipEntry = {
      name: entryName(entry),
      dir,
      size: dir ? 0 : entry.size,
      date: zipDate(entry.mtime),
      offset,
      crc: 0,
    };
    await emit(localHeader(started, sizesNeedZip64(started.size, force)));
    return started;
  };
  /** Closes an entry with its descriptor; only a complete one is listed in the central directory. */
  const end = async (entry: ZipEntry, size: number, crc: number, complete: boolean) => {
    const zip64 = sizesNeedZip64(entry.size, force);
    entry.crc = crc;
    entry.size = size;
    await emit(dataDescriptor(entry, zip64));
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
      for (const entry of written) await emit(centralRecord(entry, force));
      await emit(endRecords(written.length, centralOffset, offset - centralOffset, force));
      await flush();
    },
  };
}
