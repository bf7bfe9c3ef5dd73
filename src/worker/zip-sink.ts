/**
 * "Restore all" as a .zip when the browser cannot write into a folder. Entries are stored, not
 * recompressed (the data is usually already compressed or was just inflated, and speed matters).
 * fflate writes classic ZIP without Zip64, so sizes past its limits get a clear message instead
 * of a broken archive.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { CofferError, type IndexEntry, type RestoreSink } from '../core/index.ts';

/** Where the zip's bytes go (a ByteSink from browser-io; only `write` is needed, so tests run in Node). */
export interface ZipOut {
  write(bytes: Uint8Array): Promise<void> | void;
}

const ZIP32_LIMIT = 0xffff_ffff;
const ZIP32_MAX_ENTRIES = 0xffff;

/** UTF-8 length without encoding: a surrogate pair is 4 bytes, other units 1 to 3. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The exact size of the zip zipWriter writes, as fflate lays it out: per entry a local header
 * (30 bytes + name), the data and a data descriptor (16), then a central directory record (46 +
 * name); then the end record (22). Names are UTF-8; folders end in "/". No extra fields, no Zip64.
 */
export function zipSize(entries: readonly Pick<IndexEntry, 'path' | 'type' | 'size'>[]): {
  centralOffset: number;
  total: number;
} {
  let centralOffset = 0;
  let central = 0;
  for (const entry of entries) {
    const name = utf8Length(entry.path) + (entry.type === 'dir' ? 1 : 0);
    centralOffset += 30 + name + (entry.type === 'dir' ? 0 : entry.size) + 16;
    central += 46 + name;
  }
  return { centralOffset, total: centralOffset + central + 22 };
}

export function checkZipLimits(entries: readonly IndexEntry[]): void {
  const { total } = zipSize(entries);
  if (entries.length > ZIP32_MAX_ENTRIES || total > ZIP32_LIMIT || entries.some((e) => e.size >= ZIP32_LIMIT)) {
    throw new CofferError(
      'limit_exceeded',
      'This backup is too large to download as one .zip (over 4 GiB or 65,535 entries). Restore it into a folder instead (in Chrome or Edge), or use the coffer command-line tool.',
    );
  }
}

/**
 * A ZIP entry's time is a DOS date in local time, years 1980 to 2099 in fflate (which throws
 * outside them), so the backup's time is clamped into that range as seen in local time.
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
 * fflate's pieces for a small file are tiny (a header, the data, a descriptor); they are gathered
 * into writes of about this size, because each write to the sink costs more than its bytes.
 */
const BATCH = 1024 * 1024;

/** Streams a zip into `out`; fflate calls back synchronously, so writes are queued in order. */
export function zipWriter(out: ZipOut): ZipWriter {
  let pending: Promise<void> = Promise.resolve();
  let failure: unknown;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const queue = (bytes: Uint8Array) => {
    pending = pending.then(async () => {
      await out.write(bytes);
    });
  };
  let batch = new Uint8Array(BATCH);
  let fill = 0;
  const flush = () => {
    if (fill === 0) return;
    queue(batch.subarray(0, fill));
    // A new buffer: the sink may still hold the last one until its write settles.
    batch = new Uint8Array(BATCH);
    fill = 0;
  };
  const zip = new Zip((error, data, final) => {
    if (error) failure = error;
    else if (data.length >= BATCH / 4) {
      // Large pieces go as they are; the file sink waits for them before it returns.
      flush();
      queue(data);
    } else {
      if (fill + data.length > BATCH) flush();
      batch.set(data, fill);
      fill += data.length;
    }
    if (final || error) {
      flush();
      pending.then(done, done);
    }
  });
  const add = (name: string, mtime: number) => {
    const file = new ZipPassThrough(name);
    file.mtime = zipDate(mtime);
    zip.add(file);
    return file;
  };
  return {
    sink: {
      directory(entry) {
        add(`${entry.path}/`, entry.mtime).push(new Uint8Array(0), true);
      },
      file(entry) {
        const file = add(entry.path, entry.mtime);
        return {
          async write(bytes) {
            file.push(bytes);
            await pending;
          },
          async close() {
            file.push(new Uint8Array(0), true);
            await pending;
          },
        };
      },
    },
    async finish() {
      zip.end();
      await finished;
      await pending;
      if (failure) throw failure;
    },
  };
}
