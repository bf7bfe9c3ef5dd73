/** Shared helpers for the core tests (not a test file itself). */
import { expect } from 'vitest';
import { concatBytes } from '../../src/core/bytes.ts';
import { type RandomSource, randomBytes } from '../../src/core/crypto.ts';
import { CofferError, type ErrorCode, FORMAT_FAILURES } from '../../src/core/errors.ts';
import { buildHeader } from '../../src/core/header.ts';
import { encodeRecord, encodeTrailer, type IndexEntry } from '../../src/core/index-codec.ts';
import { type ByteSource, iterateBytes } from '../../src/core/iter.ts';
import type { Argon2Params } from '../../src/core/kdf.ts';
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import type { RestoreSink } from '../../src/core/restore-sink.ts';
import type { SlotSpec } from '../../src/core/slots.ts';
import type { RandomAccessSource } from '../../src/core/source.ts';
import { cutChunks, sealChunks } from '../../src/core/stream.ts';
import { type CreateOptions, createBackup, type EntrySource } from '../../src/core/writer.ts';

/** Cheap but in-bounds Argon2id parameters, so tests do not spend 64 MiB per derivation. */
export const CHEAP_KDF: Argon2Params = { memoryKiB: 64, iterations: 1, parallelism: 1 };

/** A deterministic random source (xorshift32), for reproducible backups and key generation. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0 || 0x9e3779b9;
  return (length: number) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}

/** A Reed–Solomon stripe of k seeded data shards, its m parity shards still zero. */
export function dataStripe(k: number, m: number, shardSize: number, seed: number): Uint8Array {
  const bytes = new Uint8Array((k + m) * shardSize);
  bytes.set(seededBytes(k * shardSize, seed));
  return bytes;
}

/** `length` bytes that look random but are the same every run (a linear congruential generator). */
export function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export const RECOVERY_KEY = generateRecoveryKey(seededRandom(42));
export const OTHER_RECOVERY_KEY = generateRecoveryKey(seededRandom(43));
export const RECOVERY_SLOT: SlotSpec = { kind: 'recovery-key', recoveryKey: RECOVERY_KEY };
export const PASSPHRASE = 'correct horse battery staple';
export const PASSPHRASE_SLOT: SlotSpec = { kind: 'passphrase', passphrase: PASSPHRASE, kdf: CHEAP_KDF };

export async function collect(source: ByteSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of iterateBytes(source)) parts.push(part.slice());
  return concatBytes(parts);
}

export interface SimpleEntry {
  path: string;
  type: 'file' | 'dir';
  data?: Uint8Array;
  mtime?: number;
  mode?: number;
  /** Splits the data into pieces of this size when the writer reads it. */
  pieceSize?: number;
}

export function toEntrySource(entry: SimpleEntry): EntrySource {
  const data = entry.data;
  return {
    path: entry.path,
    type: entry.type,
    mtime: entry.mtime ?? 1_700_000_000_000,
    mode: entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644),
    size: data?.length ?? 0,
    open:
      entry.type === 'file' && data
        ? () => {
            const size = entry.pieceSize ?? Math.max(1, data.length);
            const pieces: Uint8Array[] = [];
            for (let offset = 0; offset < data.length; offset += size)
              pieces.push(data.subarray(offset, offset + size));
            return pieces;
          }
        : undefined,
  };
}

export async function makeBackup(
  entries: readonly SimpleEntry[],
  options: Partial<CreateOptions> = {},
): Promise<Uint8Array> {
  return collect(
    createBackup(entries.map(toEntrySource), {
      slots: [RECOVERY_SLOT],
      chunkSizeLog2: 10,
      ...options,
    }),
  );
}

/** A restore sink that keeps everything in memory. */
export function memorySink(): {
  sink: RestoreSink;
  files: Map<string, Uint8Array>;
  dirs: string[];
  aborted: string[];
} {
  const files = new Map<string, Uint8Array>();
  const dirs: string[] = [];
  const aborted: string[] = [];
  const sink: RestoreSink = {
    directory(entry: IndexEntry) {
      dirs.push(entry.path);
    },
    file(entry: IndexEntry) {
      const parts: Uint8Array[] = [];
      return {
        write(bytes: Uint8Array) {
          parts.push(bytes.slice());
        },
        close() {
          files.set(entry.path, concatBytes(parts));
        },
        abort() {
          aborted.push(entry.path);
        },
      };
    },
  };
  return { sink, files, dirs, aborted };
}

/** Wraps a source to count how many bytes (and calls) a reader asks for. */
export function countingSource(inner: RandomAccessSource): RandomAccessSource & { bytesRead: number; reads: number } {
  const counted = {
    size: inner.size,
    bytesRead: 0,
    reads: 0,
    async read(offset: number, length: number) {
      counted.reads++;
      const bytes = await inner.read(offset, length);
      counted.bytesRead += bytes.length;
      return bytes;
    },
  };
  return counted;
}

/** Asserts that `action` fails with a CofferError of the given code; returns the error. */
export async function expectCode(action: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<CofferError> {
  let error: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected a CofferError with code ${code}`).toBeInstanceOf(CofferError);
  expect((error as CofferError).code).toBe(code);
  return error as CofferError;
}

/** Asserts that `action` fails with one of the spec's format failure classes. */
export async function expectFormatFailure(action: Promise<unknown> | (() => unknown)): Promise<CofferError> {
  let error: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected a CofferError').toBeInstanceOf(CofferError);
  expect(FORMAT_FAILURES as readonly string[]).toContain((error as CofferError).code);
  return error as CofferError;
}

/** Text that DEFLATE shrinks well. */
export function textBytes(length: number, seed = 1): Uint8Array {
  const words = ['coffer', 'backup', 'encrypted', 'chunk', 'stream', 'header', 'slot', 'index', 'the', 'a'].map(
    (word) => new TextEncoder().encode(`${word} `),
  );
  const choices = seededRandom(seed)(Math.ceil(length / 2) + 1);
  const out = new Uint8Array(length);
  let fill = 0;
  for (let i = 0; fill < length; i++) {
    const word = words[choices[i] % words.length];
    const take = Math.min(word.length, length - fill);
    out.set(word.subarray(0, take), fill);
    fill += take;
  }
  return out;
}

/** Bytes DEFLATE cannot shrink. */
export function noiseBytes(length: number, seed = 7): Uint8Array {
  return seededRandom(seed)(length);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Builds a backup around an arbitrary payload plaintext (a real header and real STREAM
 * sealing), so tests can hand the reader archives that no honest writer would produce.
 */
export async function craftBackup(plaintext: Uint8Array, chunkSizeLog2 = 10): Promise<Uint8Array> {
  const { bytes, keys } = await buildHeader([RECOVERY_SLOT], chunkSizeLog2, randomBytes);
  const sealed: Uint8Array[] = [bytes];
  for await (const chunk of sealChunks(keys.payloadKey, cutChunks([plaintext], 2 ** chunkSizeLog2))) sealed.push(chunk);
  return concatBytes(sealed);
}

/** An archive plaintext (data, index, trailer) from raw records, for craftBackup. */
export function craftArchive(
  data: Uint8Array,
  records: IndexEntry[],
  trailerOverride: Partial<{ indexOffset: number; indexLength: number; entryCount: number }> = {},
): Uint8Array {
  const index = concatBytes(records.map(encodeRecord));
  const trailer = encodeTrailer({
    indexOffset: data.length,
    indexLength: index.length,
    entryCount: records.length,
    ...trailerOverride,
  });
  return concatBytes([data, index, trailer]);
}
