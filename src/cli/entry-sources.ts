/**
 * The walked entries as the core's writer wants them. A folder of small files is latency-bound:
 * one open, read and close per file, and a DEFLATE run per file. So small files are read whole a
 * window ahead of the writer, in batches on worker threads that also compress them with native
 * zlib (small-file-threads.ts), while the writer seals earlier ones; the writer then takes each
 * file's bytes and its DEFLATE in one step (EntrySource.whole). The window is bounded in files
 * and in bytes, so memory does not grow with the number of files.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { type EntrySource, type WholeFile, ZSTD_LEVEL } from '../core/index.ts';
import { SAMPLE_SIZE } from '../core/segments.ts';
import { asFsError } from './eval-threads.ts';
import { fsError } from './fs-errors.ts';
import { readReusing } from './read-reusing.ts';
import { type SmallFileReader, smallFileReader } from './small-file-threads.ts';
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

export interface EntrySourceOptions {
  compress: boolean;
  /** The zlib level for small files; the same as the segment compressor's. */
  level: number;
  /** The backup's method: small files are compressed ahead in it, on the reading threads. */
  method: 'deflate' | 'zstd';
}

/**
 * A small file as read ahead: its bytes and, when asked, its compression in the backup's method
 * (null when it does not shrink); or `grown` when it was larger than walked (it is read again).
 */
type ReadAhead = { data: Uint8Array; compressed?: Uint8Array | null; grown?: undefined } | { grown: true };

interface Pending {
  read: Promise<ReadAhead>;
  bytes: number;
}

/** Files read ahead are handed to the threads this many at a time (fewer at the window's edge). */
const BATCH_FILES = 16;

/** Starts reading a batch of small files on the threads, the ones that fit a sample compressed too. */
function startBatch(reader: SmallFileReader, entries: WalkEntry[], options: EntrySourceOptions): Pending[] {
  const jobs = entries.map((entry) => ({
    abs: entry.abs,
    size: entry.size,
    compress: options.compress && entry.size <= SAMPLE_SIZE ? options.method : undefined,
  }));
  const results = reader.read(jobs);
  results.catch(() => {});
  return entries.map((entry, i) => {
    const read = results.then((all): ReadAhead => {
      const got = all[i];
      if ('error' in got) throw asFsError(got.error);
      return got;
    });
    read.catch(() => {});
    return { read, bytes: entry.size };
  });
}

/** The writer's one-step form of a small file read ahead (see EntrySource.whole). */
function wholeFile(got: { data: Uint8Array; compressed?: Uint8Array | null }, options: EntrySourceOptions): WholeFile {
  if (!options.compress || got.data.length === 0) return { data: got.data, deflated: null, zstd: null };
  const made = got.compressed ?? null;
  return options.method === 'zstd' ? { data: got.data, zstd: made } : { data: got.data, deflated: made };
}

async function* readAheadData(pending: Promise<ReadAhead>, abs: string): AsyncGenerator<Uint8Array> {
  let got: ReadAhead;
  try {
    got = await pending;
  } catch (error) {
    throw fsError(error, 'read', abs);
  }
  // The file grew since it was walked (rare): read it again, as it is now.
  if (got.grown) yield* readFileData(abs);
  else if (got.data.length > 0) yield got.data;
}

/**
 * Streams one large file from disk, naming it in any read error. `opening` is its open when that
 * was started ahead (toEntrySources), so it overlaps the reading of the file before it.
 */
async function* readFileData(abs: string, opening?: Promise<FileHandle>): AsyncGenerator<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await (opening ?? open(abs, 'r'));
  } catch (error) {
    throw fsError(error, 'read', abs);
  }
  try {
    yield* readReusing(handle, 0, READ_HIGH_WATER_MARK);
  } catch (error) {
    throw fsError(error, 'read', abs);
  } finally {
    // Not awaited: the next file need not wait for this one's close (it was only read).
    void handle.close().catch(() => {});
  }
}

function fileSource(
  entry: WalkEntry,
  pending: Pending | undefined,
  options: EntrySourceOptions,
  opening?: Promise<FileHandle>,
): EntrySource {
  const common = { path: entry.path, type: 'file' as const, mtime: entry.mtime, mode: entry.mode, size: entry.size };
  if (!pending) return { ...common, open: () => readFileData(entry.abs, opening) };
  const { read } = pending;
  // Past the sample, the writer compresses it in segments itself.
  if (entry.size > SAMPLE_SIZE) return { ...common, open: () => readAheadData(read, entry.abs) };
  return {
    ...common,
    whole: async () => {
      const got = await read.catch((error) => {
        throw fsError(error, 'read', entry.abs);
      });
      // A file that grew is read again, whole, as it is now (the writer's general path takes it).
      if (got.grown) return { data: await collect(readFileData(entry.abs)) };
      return wholeFile(got, options);
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
  const reader = smallFileReader({
    level: options.level,
    zstdLevel: ZSTD_LEVEL,
    trialFrom: TRIAL_FROM,
    trialSample: TRIAL_SAMPLE,
    keepRatio: COMPRESSIBLE_RATIO,
  });
  let ahead = 0;
  let aheadBytes = 0;
  // Large files are streamed in turn; the next one's open starts while this one is read.
  const opened = new Map<number, Promise<FileHandle>>();
  const openAhead = (from: number) => {
    for (let j = from; j < Math.min(entries.length, from + AHEAD_FILES); j++) {
      const next = entries[j];
      if (next.type !== 'file' || next.size <= SMALL_FILE) continue;
      if (!opened.has(j)) {
        const opening = open(next.abs, 'r');
        opening.catch(() => {}); // Said when its turn comes, with the file's name.
        opened.set(j, opening);
      }
      return;
    }
  };
  try {
    for (let i = 0; i < entries.length; i++) {
      const room = () => ahead <= i || (ahead <= i + AHEAD_FILES && aheadBytes < AHEAD_BYTES);
      let batch: number[] = [];
      const send = () => {
        const started = startBatch(
          reader,
          batch.map((at) => entries[at]),
          options,
        );
        for (const [j, at] of batch.entries()) pending.set(at, started[j]);
        batch = [];
      };
      for (; ahead < entries.length && room(); ahead++) {
        const entry = entries[ahead];
        if (entry.type !== 'file' || entry.size > SMALL_FILE) continue;
        batch.push(ahead);
        aheadBytes += entry.size;
        if (batch.length === BATCH_FILES) send();
      }
      if (batch.length > 0) send();
      const entry = entries[i];
      if (entry.type === 'dir') {
        yield { path: entry.path, type: 'dir', mtime: entry.mtime, mode: entry.mode };
        continue;
      }
      const mine = pending.get(i);
      pending.delete(i);
      if (mine) aheadBytes -= mine.bytes;
      const opening = opened.get(i);
      opened.delete(i);
      if (!mine) openAhead(i + 1);
      yield fileSource(entry, mine, options, opening);
    }
  } finally {
    // Stopped early (an error or Ctrl-C) or done: the threads end; nothing is left open.
    for (const opening of opened.values()) void opening.then((handle) => handle.close()).catch(() => {});
    await reader.close();
  }
}
