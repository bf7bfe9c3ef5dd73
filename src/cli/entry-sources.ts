/**
 * The walked entries as the core's writer wants them. A folder of small files is latency-bound:
 * one open, read and close per file, and a DEFLATE run per file. So small files are read whole a
 * window ahead of the writer, several at once, and compressed by native zlib on the thread pool
 * while the writer seals earlier ones; the writer then takes each file's bytes and its DEFLATE
 * in one step (EntrySource.whole). The window is bounded in files and in bytes, so memory does
 * not grow with the number of files.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import type { EntrySource, WholeFile } from '../core/index.ts';
import { SAMPLE_SIZE } from '../core/segments.ts';
import { closeFd, openFd, readFullyFd } from './fd.ts';
import { fsError } from './fs-errors.ts';
import { readReusing } from './read-reusing.ts';
import type { WalkEntry } from './walk.ts';

const READ_HIGH_WATER_MARK = 1024 * 1024;
/** Files up to this size are read ahead whole; larger ones are streamed when their turn comes. */
const SMALL_FILE = 256 * 1024;
/** The read-ahead window: at most this many files and (roughly) bytes in flight or waiting. */
const AHEAD_FILES = 64;
const AHEAD_BYTES = 8 * 1024 * 1024;
/**
 * Files larger than this are first tried on their first 4 KiB: photos and archives do not
 * shrink, and a trial on a sample costs a quarter as much as one on the whole file.
 */
const TRIAL_FROM = 16 * 1024;
const TRIAL_SAMPLE = 4 * 1024;
/** The writer's own rule (writer.ts): compressed only when it saves at least 10%. */
const COMPRESSIBLE_RATIO = 0.9;

const deflateRawAsync = promisify(deflateRaw);

export interface EntrySourceOptions {
  compress: boolean;
  /** The zlib level for small files; the same as the segment compressor's. */
  level: number;
  /** Compress small files with DEFLATE ahead (the backup's method is DEFLATE). */
  deflateAhead: boolean;
}

interface ReadAhead {
  data: Uint8Array;
  /** Set when the file turned out larger than it was when walked: the rest is streamed from it. */
  fd?: number;
}

async function readAhead(abs: string, size: number): Promise<ReadAhead> {
  const fd = await openFd(abs, 'r');
  try {
    // One byte more than expected shows whether the file grew since it was walked.
    const buffer = Buffer.allocUnsafe(size + 1);
    const filled = await readFullyFd(fd, buffer, 0);
    const data = buffer.subarray(0, filled);
    if (filled <= size) {
      await closeFd(fd);
      return { data };
    }
    return { data, fd };
  } catch (error) {
    await closeFd(fd).catch(() => {});
    throw error;
  }
}

async function deflated(data: Uint8Array, level: number): Promise<Uint8Array | null> {
  if (data.length > TRIAL_FROM) {
    const sample = await deflateRawAsync(data.subarray(0, TRIAL_SAMPLE), { level });
    if (sample.length > TRIAL_SAMPLE * COMPRESSIBLE_RATIO) return null;
  }
  const out = await deflateRawAsync(data, { level });
  return out.length <= data.length * COMPRESSIBLE_RATIO ? out : null;
}

interface Pending {
  read: Promise<ReadAhead>;
  /** The file's compression, for files that fit the writer's one-step path. */
  whole?: Promise<WholeFile>;
  bytes: number;
}

function startReading(entry: WalkEntry, options: EntrySourceOptions): Pending {
  const read = readAhead(entry.abs, entry.size);
  read.catch(() => {});
  let whole: Promise<WholeFile> | undefined;
  if (entry.size <= SAMPLE_SIZE) {
    whole = read.then(async (got) => {
      // Grown past the sample: let the writer's general path take it (see fileSource).
      if (got.fd !== undefined || got.data.length > SAMPLE_SIZE) return { data: got.data };
      if (!options.compress || got.data.length === 0) return { data: got.data, deflated: null };
      if (!options.deflateAhead) return { data: got.data };
      return { data: got.data, deflated: await deflated(got.data, options.level) };
    });
    whole.catch(() => {});
  }
  return { read, whole, bytes: entry.size };
}

async function* readAheadData(pending: Promise<ReadAhead>, abs: string): AsyncGenerator<Uint8Array> {
  let got: ReadAhead;
  try {
    got = await pending;
  } catch (error) {
    throw fsError(error, 'read', abs);
  }
  if (got.data.length > 0) yield got.data;
  if (got.fd === undefined) return;
  // The file grew (rare): stream the rest from the same descriptor.
  try {
    for (let position = got.data.length; ; ) {
      const buffer = Buffer.allocUnsafe(READ_HIGH_WATER_MARK);
      const filled = await readFullyFd(got.fd, buffer, position);
      if (filled === 0) return;
      position += filled;
      yield buffer.subarray(0, filled);
    }
  } catch (error) {
    throw fsError(error, 'read', abs);
  } finally {
    await closeFd(got.fd).catch(() => {});
  }
}

/** Streams one large file from disk, naming it in any read error. */
async function* readFileData(abs: string): AsyncGenerator<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(abs, 'r');
  } catch (error) {
    throw fsError(error, 'read', abs);
  }
  try {
    yield* readReusing(handle, 0, READ_HIGH_WATER_MARK);
  } catch (error) {
    throw fsError(error, 'read', abs);
  } finally {
    await handle.close().catch(() => {});
  }
}

function fileSource(entry: WalkEntry, pending: Pending | undefined): EntrySource {
  const common = { path: entry.path, type: 'file' as const, mtime: entry.mtime, mode: entry.mode, size: entry.size };
  if (!pending) return { ...common, open: () => readFileData(entry.abs) };
  const { read, whole } = pending;
  if (!whole) return { ...common, open: () => readAheadData(read, entry.abs) };
  return {
    ...common,
    whole: async () => {
      const got = await read.catch((error) => {
        throw fsError(error, 'read', entry.abs);
      });
      // A file that grew is handed over as a stream instead, its rest read from the open descriptor.
      if (got.fd !== undefined) return { data: await collect(readAheadData(read, entry.abs)) };
      return whole.catch((error) => {
        throw fsError(error, 'read', entry.abs);
      });
    },
  };
}

async function collect(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const piece of pieces) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}

export async function* toEntrySources(
  entries: readonly WalkEntry[],
  options: EntrySourceOptions,
): AsyncGenerator<EntrySource> {
  const pending = new Map<number, Pending>();
  let ahead = 0;
  let aheadBytes = 0;
  try {
    for (let i = 0; i < entries.length; i++) {
      const room = () => ahead <= i || (ahead <= i + AHEAD_FILES && aheadBytes < AHEAD_BYTES);
      for (; ahead < entries.length && room(); ahead++) {
        const entry = entries[ahead];
        if (entry.type !== 'file' || entry.size > SMALL_FILE) continue;
        const started = startReading(entry, options);
        pending.set(ahead, started);
        aheadBytes += started.bytes;
      }
      const entry = entries[i];
      if (entry.type === 'dir') {
        yield { path: entry.path, type: 'dir', mtime: entry.mtime, mode: entry.mode };
        continue;
      }
      const mine = pending.get(i);
      pending.delete(i);
      if (mine) aheadBytes -= mine.bytes;
      yield fileSource(entry, mine);
    }
  } finally {
    // Stopped early (an error or Ctrl-C): close whatever was read ahead and left open.
    for (const { read } of pending.values())
      read.then(
        (got) => (got.fd === undefined ? undefined : closeFd(got.fd).catch(() => {})),
        () => {},
      );
  }
}
