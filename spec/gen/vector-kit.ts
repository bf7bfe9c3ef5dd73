/**
 * What every vector definition is built from: the vector types, the shared fixtures (passphrase,
 * cheap Argon2id, recovery keys, sample items), byte helpers, the build context `Ctx`, and the
 * small constructors (success, failure, archiveFailure, unsafe, file, dir). The definitions
 * themselves are in spec/gen/vectors/, one file per group of failure classes.
 */
import { createHash } from 'node:crypto';
import { concatBytes, utf8 } from '../../src/core/bytes.ts';
import type { FormatFailure } from '../../src/core/errors.ts';
import type { Argon2Params } from '../../src/core/kdf.ts';
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import type { SlotSpec } from '../../src/core/slots.ts';
import { backupBytes, type Compression, type EntrySource } from '../../src/core/writer.ts';
import { Drbg } from './drbg.ts';
import {
  type ArchiveItem,
  type ArchiveTweaks,
  archivePlaintext,
  assembleHeader,
  deriveKeys,
  type HeaderParts,
  headerParts,
  sealChunkAt,
  sealPayload,
  splitSealed,
} from './parts.ts';
import type { VectorCredentials } from './passkey-parts.ts';

export type Expect = 'success' | FormatFailure;

export interface VectorEntry {
  path: string;
  type: 'file' | 'dir';
  size: number;
  mtime: number;
  mode: number;
  sha256?: string;
}

export interface VectorJson {
  name: string;
  description: string;
  expect: Expect;
  credentials: VectorCredentials;
  entries?: VectorEntry[];
}

export interface Built {
  bytes: Uint8Array;
  entries?: VectorEntry[];
}

export interface VectorDef {
  name: string;
  description: string;
  expect: Expect;
  credentials: VectorCredentials;
  build(ctx: Ctx): Promise<Built>;
}

// ---------------------------------------------------------------------------------------------
// Shared fixtures

export const PASSPHRASE = 'correct horse battery staple';
/** Cheap Argon2id parameters, inside the reader's bounds, so the vectors open fast. */
export const CHEAP_KDF: Argon2Params = { memoryKiB: 64, iterations: 1, parallelism: 1 };
export const RECOVERY_KEY = generateRecoveryKey(new Drbg('recovery key').random);
export const OTHER_RECOVERY_KEY = generateRecoveryKey(new Drbg('other recovery key').random);
/** 2024-01-15T12:00:00Z */
export const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
export const CHUNK_LOG2 = 10;
export const C = 2 ** CHUNK_LOG2;

export const PASS: VectorCredentials = { passphrase: PASSPHRASE };
export const KEY: VectorCredentials = { recoveryKey: RECOVERY_KEY };

export function passSlot(passphrase = PASSPHRASE, kdf: Argon2Params = CHEAP_KDF): SlotSpec {
  return { kind: 'passphrase', passphrase, kdf };
}

export function keySlot(recoveryKey = RECOVERY_KEY): SlotSpec {
  return { kind: 'recovery-key', recoveryKey };
}

export const HELLO: ArchiveItem[] = [
  { path: 'hello.txt', type: 'file', stored: utf8('Hello, Coffer!\n'), mtime: T0, mode: 0o644 },
];

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Highly compressible text: numbered paragraphs of one repeated sentence. */
export function text(length: number): Uint8Array {
  const parts: string[] = [];
  let total = 0;
  for (let i = 0; total < length; i++) {
    const paragraph = `Paragraph ${i}. ${'The quick brown fox jumps over the lazy dog. '.repeat(40)}\n`;
    parts.push(paragraph);
    total += paragraph.length;
  }
  return utf8(parts.join('')).slice(0, length);
}

export function flip(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  out[offset] ^= mask;
  return out;
}

export function headerLengthOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12, true);
}

export function split(bytes: Uint8Array): { header: Uint8Array; chunks: Uint8Array[] } {
  const headerLength = headerLengthOf(bytes);
  return {
    header: bytes.slice(0, headerLength),
    chunks: splitSealed(bytes.subarray(headerLength), 2 ** bytes[16]),
  };
}

/** Self-check for vectors that target an exact payload plaintext length. */
export function assertPlaintextLength(bytes: Uint8Array, expected: number): void {
  const payload = bytes.length - headerLengthOf(bytes);
  const chunkCount = Math.ceil(payload / (C + 16));
  const actual = payload - 16 * chunkCount;
  if (actual !== expected) throw new Error(`payload plaintext is ${actual} bytes, expected ${expected}`);
}

export interface SourceItem {
  path: string;
  type: 'file' | 'dir';
  data?: Uint8Array;
  mtime?: number;
  mode?: number;
}

export function expectedEntry(item: SourceItem): VectorEntry {
  const entry: VectorEntry = {
    path: item.path.normalize('NFC'),
    type: item.type,
    size: item.data?.length ?? 0,
    mtime: item.mtime ?? T0,
    mode: (item.mode ?? 0) & 0o777,
  };
  if (item.type === 'file') entry.sha256 = sha256Hex(item.data ?? new Uint8Array(0));
  return entry;
}

/** Expected entries for a hand-built archive of stored (method 0) items. */
export function expectedStored(items: readonly ArchiveItem[]): VectorEntry[] {
  return items.map((item) =>
    expectedEntry({
      path: item.path as string,
      type: item.type,
      data: item.type === 'file' ? (item.stored ?? new Uint8Array(0)) : undefined,
      mtime: item.mtime ?? 0,
      mode: item.mode,
    }),
  );
}

export interface HandOptions {
  slots?: SlotSpec[];
  chunkSizeLog2?: number;
  /** Edits the header before its MAC is computed (so the MAC still verifies). */
  header?: (parts: HeaderParts) => void;
  /** Seal the whole plaintext as one final chunk, whatever the chunk size field says. */
  singleChunk?: boolean;
  /** Slots made from the file key, put before the others (no randomness drawn). */
  keySlots?: (fileKey: Uint8Array) => Promise<Uint8Array[]>;
}

export interface HandBuilt {
  bytes: Uint8Array;
  header: Uint8Array;
  chunks: Uint8Array[];
  payloadKey: CryptoKey;
}

export class Ctx {
  readonly rng: Drbg;
  readonly content: Drbg;

  constructor(readonly name: string) {
    this.rng = new Drbg(name);
    this.content = new Drbg(`${name}/content`);
  }

  /** A backup made by the reference writer. */
  async write(
    items: readonly SourceItem[],
    options: {
      slots?: SlotSpec[];
      chunkSizeLog2?: number;
      compress?: boolean;
      compression?: Compression;
      rng?: Drbg;
    } = {},
  ): Promise<Built> {
    const sources: EntrySource[] = items.map((item) => ({
      path: item.path,
      type: item.type,
      mtime: item.mtime ?? T0,
      mode: item.mode,
      open: item.data ? () => [item.data as Uint8Array] : undefined,
    }));
    const parts: Uint8Array[] = [];
    for await (const part of backupBytes(sources, {
      slots: options.slots ?? [passSlot()],
      chunkSizeLog2: options.chunkSizeLog2 ?? CHUNK_LOG2,
      compress: options.compress,
      // The vectors made before zstd (spec 5.6) are frozen as DEFLATE.
      compression: options.compression ?? 'deflate',
      random: (options.rng ?? this.rng).random,
    })) {
      parts.push(part);
    }
    return { bytes: concatBytes(parts), entries: items.map(expectedEntry) };
  }

  /** A backup assembled from parts: any header, any payload plaintext. */
  async hand(plaintext: Uint8Array, options: HandOptions = {}): Promise<HandBuilt> {
    const chunkSizeLog2 = options.chunkSizeLog2 ?? CHUNK_LOG2;
    const { fileKey, parts } = await headerParts(options.slots ?? [passSlot()], chunkSizeLog2, this.rng.random);
    if (options.keySlots) parts.slots.unshift(...(await options.keySlots(fileKey)));
    options.header?.(parts);
    const header = await assembleHeader(fileKey, parts);
    const { payloadKey } = await deriveKeys(fileKey, parts.payloadNonce);
    const chunks = options.singleChunk
      ? [await sealChunkAt(payloadKey, 0, true, plaintext)]
      : await sealPayload(payloadKey, plaintext, 2 ** chunkSizeLog2);
    return { bytes: concatBytes([header, ...chunks]), header, chunks, payloadKey };
  }

  async handBytes(plaintext: Uint8Array, options: HandOptions = {}): Promise<Built> {
    return { bytes: (await this.hand(plaintext, options)).bytes };
  }

  /** The backup the chunk attacks start from: 4 chunks, the last one partial. */
  async chunkBase(rng?: Drbg): Promise<Uint8Array> {
    const data = new Drbg('chunk attack base/content').bytes(4000);
    const { bytes } = await this.write([{ path: 'data.bin', type: 'file', data }], { rng });
    return bytes;
  }
}

// ---------------------------------------------------------------------------------------------
// The vectors

export const success = (
  name: string,
  description: string,
  build: (ctx: Ctx) => Promise<Built>,
  credentials: VectorCredentials = PASS,
): VectorDef => ({ name, description, expect: 'success', credentials, build });

export const failure = (
  expect: FormatFailure,
  name: string,
  description: string,
  build: (ctx: Ctx) => Promise<Built>,
  credentials: VectorCredentials = PASS,
): VectorDef => ({ name, description, expect, credentials, build });

/** A hand-built archive whose only fault is in its index or data. */
export const archiveFailure = (
  expect: FormatFailure,
  name: string,
  description: string,
  items: ArchiveItem[],
  tweaks: ArchiveTweaks = {},
): VectorDef => failure(expect, name, description, (ctx) => ctx.handBytes(archivePlaintext(items, tweaks)));

export const unsafe = (name: string, description: string, items: ArchiveItem[]): VectorDef =>
  archiveFailure('unsafe_entry', name, description, items);

export const file = (path: string | Uint8Array, content = 'x'): ArchiveItem => ({
  path,
  type: 'file',
  stored: utf8(content),
  mtime: T0,
});
export const dir = (path: string): ArchiveItem => ({ path, type: 'dir', mtime: T0 });

/** Recovery-key edits for the key_typo vectors. */
export function changeDigit(key: string, index: number): string {
  return key.slice(0, index) + String((Number(key[index]) + 1) % 10) + key.slice(index + 1);
}

export function swapAdjacent(key: string): string {
  for (let i = 0; i + 1 < key.length; i++) {
    if (key[i] !== key[i + 1]) return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  }
  throw new Error('no adjacent pair to swap');
}

export const fileForPlaintext = (plaintextLength: number) => plaintextLength - (40 + 1) - 32;
