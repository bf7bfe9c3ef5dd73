/**
 * The test vector definitions. Every vector is built deterministically from its name: the
 * randomness the format needs (file key, salts, payload nonce) comes from a DRBG seeded with the
 * name, and file contents from a second DRBG seeded with the name plus "/content".
 *
 * Vectors are FROZEN once landed: never edit a definition that produced a committed vector;
 * add a new vector instead (see spec/vectors/README.md).
 */
import { createHash } from 'node:crypto';
import { concatBytes, utf8 } from '../../src/core/bytes.ts';
import type { FormatFailure } from '../../src/core/errors.ts';
import { type Argon2Params, KDF_PRESETS } from '../../src/core/kdf.ts';
import { formatRecoveryKey, generateRecoveryKey } from '../../src/core/recovery-key.ts';
import { buildSlot, type SlotSpec } from '../../src/core/slots.ts';
import { backupBytes, type Compression, type EntrySource } from '../../src/core/writer.ts';
import { Drbg } from './drbg.ts';
import {
  type ArchiveItem,
  type ArchiveTweaks,
  archivePlaintext,
  assembleHeader,
  deriveKeys,
  encodeRawRecord,
  encodeRawTrailer,
  type HeaderParts,
  headerParts,
  rawDeflate,
  sealChunkAt,
  sealPayload,
  segment,
  setSlotBodyLength,
  setSlotU32,
  splitSealed,
  TRAILER_MAGIC,
  tinyZip,
  unknownSlot,
} from './parts.ts';
import { passkeySlotWithCommitment, type VectorCredentials, vectorPasskey } from './passkey-parts.ts';
import { recoveryVectors } from './recovery-vectors.ts';
import { zstdVectors } from './zstd-vectors.ts';

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
const OTHER_RECOVERY_KEY = generateRecoveryKey(new Drbg('other recovery key').random);
/** 2024-01-15T12:00:00Z */
const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const CHUNK_LOG2 = 10;
const C = 2 ** CHUNK_LOG2;

const PASS: VectorCredentials = { passphrase: PASSPHRASE };
const KEY: VectorCredentials = { recoveryKey: RECOVERY_KEY };

function passSlot(passphrase = PASSPHRASE, kdf: Argon2Params = CHEAP_KDF): SlotSpec {
  return { kind: 'passphrase', passphrase, kdf };
}

function keySlot(recoveryKey = RECOVERY_KEY): SlotSpec {
  return { kind: 'recovery-key', recoveryKey };
}

const HELLO: ArchiveItem[] = [
  { path: 'hello.txt', type: 'file', stored: utf8('Hello, Coffer!\n'), mtime: T0, mode: 0o644 },
];

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Highly compressible text: numbered paragraphs of one repeated sentence. */
function text(length: number): Uint8Array {
  const parts: string[] = [];
  let total = 0;
  for (let i = 0; total < length; i++) {
    const paragraph = `Paragraph ${i}. ${'The quick brown fox jumps over the lazy dog. '.repeat(40)}\n`;
    parts.push(paragraph);
    total += paragraph.length;
  }
  return utf8(parts.join('')).slice(0, length);
}

function flip(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  out[offset] ^= mask;
  return out;
}

function headerLengthOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12, true);
}

function split(bytes: Uint8Array): { header: Uint8Array; chunks: Uint8Array[] } {
  const headerLength = headerLengthOf(bytes);
  return {
    header: bytes.slice(0, headerLength),
    chunks: splitSealed(bytes.subarray(headerLength), 2 ** bytes[16]),
  };
}

/** Self-check for vectors that target an exact payload plaintext length. */
function assertPlaintextLength(bytes: Uint8Array, expected: number): void {
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

function expectedEntry(item: SourceItem): VectorEntry {
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
function expectedStored(items: readonly ArchiveItem[]): VectorEntry[] {
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

interface HandOptions {
  slots?: SlotSpec[];
  chunkSizeLog2?: number;
  /** Edits the header before its MAC is computed (so the MAC still verifies). */
  header?: (parts: HeaderParts) => void;
  /** Seal the whole plaintext as one final chunk, whatever the chunk size field says. */
  singleChunk?: boolean;
  /** Slots made from the file key, put before the others (no randomness drawn). */
  keySlots?: (fileKey: Uint8Array) => Promise<Uint8Array[]>;
}

interface HandBuilt {
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

const success = (
  name: string,
  description: string,
  build: (ctx: Ctx) => Promise<Built>,
  credentials: VectorCredentials = PASS,
): VectorDef => ({ name, description, expect: 'success', credentials, build });

const failure = (
  expect: FormatFailure,
  name: string,
  description: string,
  build: (ctx: Ctx) => Promise<Built>,
  credentials: VectorCredentials = PASS,
): VectorDef => ({ name, description, expect, credentials, build });

/** A hand-built archive whose only fault is in its index or data. */
const archiveFailure = (
  expect: FormatFailure,
  name: string,
  description: string,
  items: ArchiveItem[],
  tweaks: ArchiveTweaks = {},
): VectorDef => failure(expect, name, description, (ctx) => ctx.handBytes(archivePlaintext(items, tweaks)));

const unsafe = (name: string, description: string, items: ArchiveItem[]): VectorDef =>
  archiveFailure('unsafe_entry', name, description, items);

const file = (path: string | Uint8Array, content = 'x'): ArchiveItem => ({
  path,
  type: 'file',
  stored: utf8(content),
  mtime: T0,
});
const dir = (path: string): ArchiveItem => ({ path, type: 'dir', mtime: T0 });

/** Recovery-key edits for the key_typo vectors. */
function changeDigit(key: string, index: number): string {
  return key.slice(0, index) + String((Number(key[index]) + 1) % 10) + key.slice(index + 1);
}

function swapAdjacent(key: string): string {
  for (let i = 0; i + 1 < key.length; i++) {
    if (key[i] !== key[i + 1]) return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  }
  throw new Error('no adjacent pair to swap');
}

const fileForPlaintext = (plaintextLength: number) => plaintextLength - (40 + 1) - 32;

export const VECTORS: VectorDef[] = [
  // ----- success ------------------------------------------------------------------------------
  success(
    'success-empty-backup',
    'A backup with no entries: the payload plaintext is just the 32-byte trailer.',
    (ctx) => ctx.write([]),
  ),
  success('success-empty-file', 'One empty file (method 0, no stored bytes).', (ctx) =>
    ctx.write([{ path: 'empty.txt', type: 'file', data: new Uint8Array(0), mode: 0o644 }]),
  ),
  success('success-empty-folder', 'One empty folder.', (ctx) =>
    ctx.write([{ path: 'folder', type: 'dir', mode: 0o755 }]),
  ),
  ...[
    ['minus-1', C - 1],
    ['exact', C],
    ['plus-1', C + 1],
  ].map(([label, length]) =>
    success(
      `success-plaintext-chunk-${label}`,
      `The payload plaintext (data, index and trailer) is exactly ${length} bytes with 1 KiB chunks.`,
      async (ctx) => {
        const built = await ctx.write(
          [{ path: 'f', type: 'file', data: ctx.content.bytes(fileForPlaintext(length as number)) }],
          { compress: false },
        );
        assertPlaintextLength(built.bytes, length as number);
        return built;
      },
    ),
  ),
  ...[
    ['minus-1', C - 1],
    ['exact', C],
    ['plus-1', C + 1],
  ].map(([label, length]) =>
    success(`success-file-chunk-${label}`, `One random (stored) file of ${length} bytes, with 1 KiB chunks.`, (ctx) =>
      ctx.write([{ path: 'file.bin', type: 'file', data: ctx.content.bytes(length as number) }]),
    ),
  ),
  success(
    'success-trailer-straddles-chunks',
    'The payload plaintext is 1040 bytes, so the 32-byte trailer starts in chunk 0 and ends in chunk 1.',
    async (ctx) => {
      const built = await ctx.write([{ path: 'f', type: 'file', data: ctx.content.bytes(fileForPlaintext(C + 16)) }], {
        compress: false,
      });
      assertPlaintextLength(built.bytes, C + 16);
      return built;
    },
  ),
  success(
    'success-many-small-files',
    'A folder with 50 small files of 0 to 98 bytes; the index spans several chunks.',
    (ctx) =>
      ctx.write([
        { path: 'files', type: 'dir', mode: 0o755 },
        ...Array.from({ length: 50 }, (_, i) => ({
          path: `files/file-${String(i).padStart(2, '0')}.txt`,
          type: 'file' as const,
          data: utf8(`file ${i}: ${'ab'.repeat(i)}`).slice(0, 2 * i),
          mtime: T0 + i * 1000,
          mode: 0o644,
        })),
      ]),
  ),
  success('success-many-chunks', 'One random file of 20000 bytes spanning 20 chunks of 1 KiB.', (ctx) =>
    ctx.write([{ path: 'big.bin', type: 'file', data: ctx.content.bytes(20000) }]),
  ),
  success('success-deflate-small', 'A 10000-byte text file stored with method 1 (one DEFLATE segment).', (ctx) =>
    ctx.write([{ path: 'notes.txt', type: 'file', data: text(10000), mode: 0o644 }]),
  ),
  success(
    'success-deflate-multi-segment',
    'A 2.5 MiB text file stored with method 1: three DEFLATE segments (1 MiB, 1 MiB, 0.5 MiB).',
    (ctx) => ctx.write([{ path: 'large.txt', type: 'file', data: text(2.5 * 2 ** 20) }]),
  ),
  success('success-deflate-exact-segment', 'A text file of exactly 1 MiB: one full DEFLATE segment.', (ctx) =>
    ctx.write([{ path: 'mib.txt', type: 'file', data: text(2 ** 20) }]),
  ),
  success(
    'success-deflate-segment-plus-1',
    'A text file of 1 MiB + 1 byte: a full DEFLATE segment, then a 1-byte segment stored raw (bit 31 set).',
    (ctx) => ctx.write([{ path: 'mib-plus-1.txt', type: 'file', data: text(2 ** 20 + 1) }]),
  ),
  success(
    'success-deflate-mixed-raw-segment',
    'Method 1 with 1 MiB of text (a DEFLATE segment) followed by 3000 random bytes (a raw segment).',
    (ctx) =>
      ctx.write([{ path: 'mixed.bin', type: 'file', data: concatBytes([text(2 ** 20), ctx.content.bytes(3000)]) }]),
  ),
  success('success-stored-incompressible', 'A 5000-byte random file, which the writer stores (method 0).', (ctx) =>
    ctx.write([{ path: 'random.bin', type: 'file', data: ctx.content.bytes(5000) }]),
  ),
  success('success-passphrase-only', 'A backup with a single passphrase slot.', (ctx) =>
    ctx.write([
      { path: 'docs', type: 'dir' },
      { path: 'docs/a.txt', type: 'file', data: utf8('passphrase only\n') },
    ]),
  ),
  success(
    'success-recovery-key-only',
    'A backup with a single recovery-key slot.',
    (ctx) => ctx.write([{ path: 'a.txt', type: 'file', data: utf8('recovery key only\n') }], { slots: [keySlot()] }),
    KEY,
  ),
  success(
    'success-both-slots',
    'A passphrase slot and a recovery-key slot; each credential alone opens it.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('two ways in\n') }], { slots: [passSlot(), keySlot()] }),
    { passphrase: PASSPHRASE, recoveryKey: RECOVERY_KEY },
  ),
  success(
    'success-unicode-names',
    'Non-ASCII names, stored in NFC (two were given to the writer in NFD and normalised).',
    (ctx) =>
      ctx.write([
        { path: 'café', type: 'dir' },
        { path: 'cafe\u0301/nai\u0308ve re\u0301sume\u0301.txt', type: 'file', data: utf8('résumé\n') },
        { path: '日本語', type: 'dir' },
        { path: '日本語/ファイル.txt', type: 'file', data: utf8('こんにちは\n') },
        { path: 'emoji-🎉.txt', type: 'file', data: utf8('🎉\n') },
        { path: 'Ελληνικά.txt', type: 'file', data: utf8('Καλημέρα\n') },
        { path: 'A\u030Angstro\u0308m.txt', type: 'file', data: utf8('Å\n') },
      ]),
  ),
  success('success-nested-empty-folders', 'Nested empty folders and nothing else.', (ctx) =>
    ctx.write([
      { path: 'a', type: 'dir' },
      { path: 'a/b', type: 'dir' },
      { path: 'a/b/c', type: 'dir' },
      { path: 'a/b/c/d', type: 'dir' },
      { path: 'x', type: 'dir' },
      { path: 'x/y', type: 'dir' },
    ]),
  ),
  success(
    'success-default-argon2',
    'A passphrase slot at the default Argon2id preset (m = 65536 KiB, t = 3, p = 1), as real backups use.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('default Argon2id parameters\n') }], {
        slots: [passSlot(PASSPHRASE, KDF_PRESETS.default)],
      }),
  ),
  success(
    'success-unknown-slot-type',
    'A slot of unknown type 3 (100-byte body) before the passphrase slot; readers skip it. The header MAC covers it.',
    async (ctx) => {
      const body = ctx.content.bytes(100);
      const bytes = (
        await ctx.hand(archivePlaintext(HELLO), {
          header: (parts) => parts.slots.unshift(unknownSlot(3, body)),
        })
      ).bytes;
      return { bytes, entries: expectedStored(HELLO) };
    },
  ),
  success(
    'success-unknown-slot-empty-body',
    'A passphrase slot followed by a slot of unknown type 255 with an empty body.',
    async (ctx) => {
      const bytes = (
        await ctx.hand(archivePlaintext(HELLO), {
          header: (parts) => parts.slots.push(unknownSlot(255, new Uint8Array(0))),
        })
      ).bytes;
      return { bytes, entries: expectedStored(HELLO) };
    },
  ),
  success(
    'success-two-passphrase-slots',
    'Two passphrase slots (which writers should not produce); the passphrase opens the second, so readers must try every slot of the type.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('second slot\n') }], {
        slots: [passSlot('a different passphrase'), passSlot()],
      }),
  ),
  success(
    'success-passphrase-nfd-input',
    'The slot was made from the NFC passphrase; the credential is given in NFD and must be normalised to NFC before Argon2id.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('NFC\n') }], {
        slots: [passSlot('Grüße, Jürgen ❤ café')],
      }),
    { passphrase: 'Gru\u0308ße, Ju\u0308rgen ❤ cafe\u0301' },
  ),
  success(
    'success-recovery-key-formatted',
    'The recovery key is given in groups with spaces, hyphens, a tab and a line break, which readers strip.',
    (ctx) => ctx.write([{ path: 'a.txt', type: 'file', data: utf8('formatted key\n') }], { slots: [keySlot()] }),
    {
      recoveryKey: formatRecoveryKey(RECOVERY_KEY)
        .replace(' ', '-')
        .replace(' ', ' - ')
        .replace(' ', '\t')
        .replace(' ', '\n'),
    },
  ),
  success(
    'success-mixed-tree',
    'Folders, stored and compressed files, an empty file, permission bits, a pre-1970 and a post-2038 mtime.',
    (ctx) =>
      ctx.write([
        { path: 'docs', type: 'dir', mode: 0o755 },
        { path: 'docs/readme.md', type: 'file', data: text(3000), mode: 0o644, mtime: T0 + 123 },
        { path: 'docs/empty', type: 'file', data: new Uint8Array(0), mode: 0o600 },
        { path: 'docs/img', type: 'dir', mode: 0o700 },
        { path: 'docs/img/noise.bin', type: 'file', data: ctx.content.bytes(1500), mode: 0o100644 },
        { path: 'old.txt', type: 'file', data: utf8('1969\n'), mtime: -86_400_000 * 200 },
        { path: 'future.txt', type: 'file', data: utf8('2038+\n'), mtime: 2 ** 31 * 1000 + 1, mode: 0o777 },
      ]),
  ),
  success('success-chunk-size-4k', 'chunkSizeLog2 = 12 (4 KiB chunks) with a 10000-byte random file.', (ctx) =>
    ctx.write([{ path: 'a.bin', type: 'file', data: ctx.content.bytes(10000) }], { chunkSizeLog2: 12 }),
  ),
  success('success-chunk-size-256k', 'chunkSizeLog2 = 18, the size real backups use; one partial chunk.', (ctx) =>
    ctx.write([{ path: 'a.txt', type: 'file', data: utf8('256 KiB chunks\n') }], { chunkSizeLog2: 18 }),
  ),
  success(
    'success-path-limits',
    'A 255-byte name, and a 4096-byte path of 17 components (with its 16 parent folders).',
    (ctx) => {
      const components = Array.from({ length: 17 }, (_, i) => String.fromCharCode(97 + i).repeat(240));
      const long = 'n'.repeat(255);
      return ctx.write([
        { path: long, type: 'dir' },
        { path: `${long}/${'m'.repeat(255)}`, type: 'file', data: utf8('255\n') },
        ...components
          .slice(0, 16)
          .map((_, i) => ({ path: components.slice(0, i + 1).join('/'), type: 'dir' as const })),
        { path: components.join('/'), type: 'file', data: utf8('4096\n') },
      ]);
    },
  ),

  // ----- not_coffer ---------------------------------------------------------------------------
  failure('not_coffer', 'not-coffer-random-bytes', '256 random bytes.', async (ctx) => {
    const bytes = ctx.content.bytes(256);
    if (bytes[0] === 0x89) bytes[0] = 0;
    return { bytes };
  }),
  failure('not_coffer', 'not-coffer-zip', 'A small ZIP archive.', async () => ({
    bytes: tinyZip('hello.txt', utf8('Hello, world!\n')),
  })),
  failure('not_coffer', 'not-coffer-empty-file', 'An empty file.', async () => ({ bytes: new Uint8Array(0) })),
  failure('not_coffer', 'not-coffer-short-file', 'A 3-byte file that does not start like the magic.', async () => ({
    bytes: utf8('abc'),
  })),
  failure(
    'not_coffer',
    'not-coffer-magic-changed',
    'A valid backup whose magic has its "C" changed to "c".',
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 1, 0x20) }),
  ),

  // ----- unsupported_version ------------------------------------------------------------------
  failure('unsupported_version', 'unsupported-version-2', 'Header version 2 (otherwise a v1 backup).', (ctx) =>
    ctx.handBytes(archivePlaintext(HELLO), {
      header: (parts) => {
        parts.version = 2;
      },
    }),
  ),
  failure('unsupported_version', 'unsupported-version-0', 'Header version 0 (otherwise a v1 backup).', (ctx) =>
    ctx.handBytes(archivePlaintext(HELLO), {
      header: (parts) => {
        parts.version = 0;
      },
    }),
  ),
  archiveFailure(
    'unsupported_version',
    'unsupported-entry-method-7',
    'An index entry with unknown method 7 (a newer writer feature); the payload is properly sealed.',
    [{ ...HELLO[0], method: 7 }],
  ),
  archiveFailure(
    'unsupported_version',
    'unsupported-entry-type-3',
    'An index entry of unknown type 3; the payload is properly sealed.',
    HELLO,
    {
      records: (records) => {
        records[0].type = 3;
      },
    },
  ),

  // ----- header_damaged -----------------------------------------------------------------------
  failure(
    'header_damaged',
    'header-damaged-payload-nonce-flipped',
    'One bit of the payload nonce flipped: the slot opens, the header MAC does not verify.',
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 25) }),
  ),
  failure('header_damaged', 'header-damaged-mac-flipped', 'One bit of the header MAC flipped.', async (ctx) => {
    const built = await ctx.hand(archivePlaintext(HELLO));
    return { bytes: flip(built.bytes, built.header.length - 1, 0x80) };
  }),
  failure(
    'header_damaged',
    'header-damaged-chunk-size-changed',
    'chunkSizeLog2 changed from 10 to 11 after the MAC was computed: the slot opens, the MAC does not verify.',
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 16, 0x0a ^ 0x0b) }),
  ),
  failure(
    'header_damaged',
    'header-damaged-unknown-slot-changed',
    'A byte inside an unknown slot changed: readers skip the slot, but the header MAC covers it.',
    async (ctx) => {
      const built = await ctx.hand(archivePlaintext(HELLO), {
        header: (parts) => parts.slots.push(unknownSlot(3, new Uint8Array(20))),
      });
      return { bytes: flip(built.bytes, built.header.length - 32 - 10) };
    },
  ),
  failure('header_damaged', 'header-damaged-flags-nonzero', 'The flags field is 1 (MAC recomputed).', (ctx) =>
    ctx.handBytes(archivePlaintext(HELLO), {
      header: (parts) => {
        parts.flags = 1;
      },
    }),
  ),
  failure(
    'header_damaged',
    'header-damaged-reserved-nonzero',
    'The reserved u16 at offset 18 is 1 (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.reserved = 1;
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-slot-reserved-nonzero',
    "The passphrase slot's reserved byte is 1 (MAC recomputed).",
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots[0][1] = 1;
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-passphrase-slot-length',
    'A passphrase slot with L = 77 (one extra body byte, header length adjusted, MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots[0] = concatBytes([parts.slots[0], new Uint8Array(1)]);
          setSlotBodyLength(parts.slots[0], 77);
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-recovery-slot-length',
    'A recovery-key slot with L = 63 (its last byte removed, header length adjusted, MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        slots: [keySlot()],
        header: (parts) => {
          parts.slots[0] = parts.slots[0].slice(0, -1);
          setSlotBodyLength(parts.slots[0], 63);
        },
      }),
    KEY,
  ),
  failure(
    'header_damaged',
    'header-damaged-slots-short-of-mac',
    'Four zero bytes between the last slot and the MAC, so the slots do not fill the header (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.padding = new Uint8Array(4);
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-slot-past-end',
    'A second (unknown-type) slot whose length runs past the start of the MAC (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          const slot = unknownSlot(3, new Uint8Array(8));
          setSlotBodyLength(slot, 200);
          parts.slots.push(slot);
        },
      }),
  ),

  // ----- wrong_key ----------------------------------------------------------------------------
  failure(
    'wrong_key',
    'wrong-key-passphrase',
    'The wrong passphrase.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    { passphrase: 'correct horse battery stapler' },
  ),
  failure(
    'wrong_key',
    'wrong-key-passphrase-case',
    'The passphrase with its first letter capitalised.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    { passphrase: 'Correct horse battery staple' },
  ),
  failure(
    'wrong_key',
    'wrong-key-passphrase-trailing-space',
    'The passphrase with a trailing space (readers must not trim).',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    { passphrase: `${PASSPHRASE} ` },
  ),
  failure(
    'wrong_key',
    'wrong-key-recovery-key',
    'A well-formed recovery key (its check digits are right) that belongs to another backup.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO), { slots: [keySlot()] }),
    { recoveryKey: OTHER_RECOVERY_KEY },
  ),
  failure(
    'wrong_key',
    'wrong-key-recovery-key-for-passphrase-only',
    'A recovery key offered to a backup that has only a passphrase slot.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    KEY,
  ),
  failure(
    'wrong_key',
    'wrong-key-passphrase-for-recovery-key-only',
    'A passphrase offered to a backup that has only a recovery-key slot.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO), { slots: [keySlot()] }),
  ),
  failure(
    'wrong_key',
    'wrong-key-only-unknown-slots',
    'A header whose only slot is of an unknown type (MAC valid); the passphrase has no slot to open.',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots = [unknownSlot(3, new Uint8Array(40))];
        },
      }),
  ),
  failure(
    'wrong_key',
    'wrong-key-kdf-iterations-downgraded',
    'Argon2id iterations lowered from 2 to 1 in the header (an attempted downgrade): the slot no longer opens.',
    async (ctx) => {
      const { bytes } = await ctx.hand(archivePlaintext(HELLO), {
        slots: [passSlot(PASSPHRASE, { memoryKiB: 64, iterations: 2, parallelism: 1 })],
      });
      setSlotU32(bytes.subarray(52), 4, 1);
      return { bytes };
    },
  ),
  failure(
    'wrong_key',
    'wrong-key-kdf-memory-downgraded',
    'Argon2id memory lowered from 128 KiB to 64 KiB in the header (an attempted downgrade): the slot no longer opens.',
    async (ctx) => {
      const { bytes } = await ctx.hand(archivePlaintext(HELLO), {
        slots: [passSlot(PASSPHRASE, { memoryKiB: 128, iterations: 1, parallelism: 1 })],
      });
      setSlotU32(bytes.subarray(52), 0, 64);
      return { bytes };
    },
  ),
  failure(
    'wrong_key',
    'wrong-key-slot-salt-flipped',
    "One bit of the passphrase slot's salt flipped.",
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 52 + 4 + 12 + 3) }),
  ),
  failure(
    'wrong_key',
    'wrong-key-wrapped-key-flipped',
    "One bit of the passphrase slot's wrapped key flipped.",
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 52 + 4 + 28 + 5) }),
  ),

  // ----- key_typo -----------------------------------------------------------------------------
  ...(
    [
      ['key-typo-one-digit', 'The recovery key with its 11th digit changed.', changeDigit(RECOVERY_KEY, 10)],
      ['key-typo-last-digit', 'The recovery key with its last (check) digit changed.', changeDigit(RECOVERY_KEY, 63)],
      [
        'key-typo-adjacent-swap',
        'The recovery key with two adjacent, different digits swapped.',
        swapAdjacent(RECOVERY_KEY),
      ],
      ['key-typo-63-digits', 'The recovery key with its last digit missing.', RECOVERY_KEY.slice(0, 63)],
      ['key-typo-65-digits', 'The recovery key with an extra digit.', `${RECOVERY_KEY}0`],
      ['key-typo-letter', 'The recovery key with a letter O typed for a digit.', `O${RECOVERY_KEY.slice(1)}`],
    ] as const
  ).map(([name, description, recoveryKey]) =>
    failure(
      'key_typo',
      name,
      `${description} Reported before any decryption.`,
      (ctx) => ctx.handBytes(archivePlaintext(HELLO), { slots: [keySlot()] }),
      { recoveryKey },
    ),
  ),

  // ----- payload_damaged: STREAM attacks ------------------------------------------------------
  failure(
    'payload_damaged',
    'payload-damaged-middle-chunk-flipped',
    'One bit flipped in chunk 1 of 4 (file data): listing works, restoring fails.',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: flip(bytes, headerLengthOf(bytes) + (C + 16) + 100) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-final-chunk-flipped',
    'One bit flipped in the final chunk (which holds the index and trailer).',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: flip(bytes, bytes.length - 20) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-final-chunk-tag-flipped',
    "One bit flipped in the final chunk's GCM tag.",
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: flip(bytes, bytes.length - 1, 0x80) };
    },
  ),
  failure('payload_damaged', 'payload-damaged-chunks-reordered', 'Chunks 1 and 2 swapped.', async (ctx) => {
    const { header, chunks } = split(await ctx.chunkBase());
    return { bytes: concatBytes([header, chunks[0], chunks[2], chunks[1], chunks[3]]) };
  }),
  failure('payload_damaged', 'payload-damaged-chunk-dropped', 'Chunk 1 of 4 removed.', async (ctx) => {
    const { header, chunks } = split(await ctx.chunkBase());
    return { bytes: concatBytes([header, chunks[0], chunks[2], chunks[3]]) };
  }),
  failure('payload_damaged', 'payload-damaged-chunk-duplicated', 'Chunk 1 repeated.', async (ctx) => {
    const { header, chunks } = split(await ctx.chunkBase());
    return { bytes: concatBytes([header, chunks[0], chunks[1], chunks[1], chunks[2], chunks[3]]) };
  }),
  failure(
    'payload_damaged',
    'payload-damaged-chunk-spliced',
    'Chunk 1 replaced by chunk 1 of another backup of the same data with the same passphrase (its own payload nonce).',
    async (ctx) => {
      const { header, chunks } = split(await ctx.chunkBase());
      const other = split(await ctx.chunkBase(new Drbg(`${ctx.name}/other backup`)));
      return { bytes: concatBytes([header, chunks[0], other.chunks[1], chunks[2], chunks[3]]) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-second-final-chunk',
    'A valid 2-chunk backup (2048-byte plaintext, chunk 1 final) followed by a chunk sealed at index 2 with the final flag, holding an index and trailer that list the first 2048 bytes as one file. Listing from the last chunk works; restoring finds chunk 1 flagged final at a non-final position.',
    async (ctx) => {
      const items: ArchiveItem[] = [
        { path: 'data.bin', type: 'file', stored: ctx.content.bytes(2048 - 32 - 48), mtime: T0 },
      ];
      const built = await ctx.hand(archivePlaintext(items));
      const record = encodeRawRecord({
        type: 1,
        method: 0,
        path: utf8('all.bin'),
        mode: 0,
        mtime: T0,
        size: 2048,
        storedLength: 2048,
        offset: 0,
      });
      const trailer = encodeRawTrailer({
        indexOffset: 2048,
        indexLength: record.length,
        entryCount: 1,
        magic: TRAILER_MAGIC,
      });
      const chunk = await sealChunkAt(built.payloadKey, built.chunks.length, true, concatBytes([record, trailer]));
      return { bytes: concatBytes([built.bytes, chunk]) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-trailing-bytes',
    'Seven bytes appended after the (partial) final chunk.',
    async (ctx) => ({ bytes: concatBytes([await ctx.chunkBase(), utf8('garbage')]) }),
  ),
  failure(
    'payload_damaged',
    'payload-damaged-trailing-bytes-long',
    '2000 zero bytes appended after the (partial) final chunk.',
    async (ctx) => ({ bytes: concatBytes([await ctx.chunkBase(), new Uint8Array(2000)]) }),
  ),
  failure(
    'payload_damaged',
    'payload-damaged-cut-inside-chunk',
    'The file cut 500 bytes into chunk 2 of 4: indistinguishable from a damaged final chunk.',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: bytes.slice(0, headerLengthOf(bytes) + 2 * (C + 16) + 500) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-cut-inside-final-chunk',
    'The last 100 bytes of the final chunk cut off.',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: bytes.slice(0, bytes.length - 100) };
    },
  ),

  // ----- payload_damaged: archive inconsistencies (properly sealed) ---------------------------
  archiveFailure(
    'payload_damaged',
    'payload-damaged-offsets-gap',
    "The second entry's offset is one past the end of the first.",
    [file('a', '0123456789'), file('b', 'abcdefghij')],
    {
      records: (records) => {
        records[1].offset = 11;
      },
    },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-offsets-overlap',
    'The second entry has offset 0, sharing bytes with the first.',
    [file('a', '0123456789'), file('b', 'abcdefghij')],
    {
      records: (records) => {
        records[1].offset = 0;
      },
    },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-unowned-bytes',
    'Five bytes between the last entry and the index belong to no entry.',
    [file('a', '0123456789')],
    { gap: utf8('stray') },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-bomb',
    'A method-1 file of size 1000 whose single DEFLATE segment (113 bytes) inflates to 100000 zero bytes.',
    [
      {
        path: 'bomb.bin',
        type: 'file',
        method: 1,
        size: 1000,
        stored: segment(rawDeflate(new Uint8Array(100000)), false),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-short',
    'A method-1 file of size 1000 whose DEFLATE segment inflates to only 500 bytes.',
    [
      {
        path: 'short.bin',
        type: 'file',
        method: 1,
        size: 1000,
        stored: segment(rawDeflate(new Uint8Array(500)), false),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-trailing-bytes',
    'A method-1 file of size 1000 whose DEFLATE segment is followed, inside the segment, by 3 stray bytes.',
    [
      {
        path: 'trailing.bin',
        type: 'file',
        method: 1,
        size: 1000,
        stored: segment(concatBytes([rawDeflate(new Uint8Array(1000).fill(0x61)), utf8('xyz')]), false),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-invalid',
    'A method-1 segment whose bytes are not valid DEFLATE (block type 3).',
    [{ path: 'bad.bin', type: 'file', method: 1, size: 1000, stored: segment(new Uint8Array(50).fill(0xff), false) }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-raw-segment-length',
    'A method-1 file of size 1000 with a raw segment of 999 bytes.',
    [{ path: 'raw.bin', type: 'file', method: 1, size: 1000, stored: segment(new Uint8Array(999).fill(0x41), true) }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-segment-cut-by-entry-end',
    "A method-1 entry whose storedLength ends 3 bytes before its only segment's bytes do.",
    [
      {
        path: 'cut.txt',
        type: 'file',
        method: 1,
        size: 3000,
        stored: segment(rawDeflate(text(3000)), false).slice(0, -3),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-segment-extra-bytes',
    'A method-1 entry with five bytes after its last segment (the segments do not fill storedLength exactly).',
    [
      {
        path: 'extra.txt',
        type: 'file',
        method: 1,
        size: 3000,
        stored: concatBytes([segment(rawDeflate(text(3000)), false), utf8('extra')]),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-stored-length-mismatch',
    'A stored (method 0) file whose size is 11 but storedLength is 10.',
    [{ ...file('a', '0123456789'), size: 11 }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-folder-with-data',
    'A folder entry with size and storedLength 5.',
    [{ path: 'd', type: 'dir', stored: utf8('12345'), mtime: T0 }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-mode-high-bits',
    'An entry whose mode has bits outside 0o777 (0o100644).',
    [{ ...file('a'), mode: 0o100644 }],
  ),
  archiveFailure('payload_damaged', 'payload-damaged-empty-file-compressed', 'An empty file that claims method 1.', [
    { path: 'empty', type: 'file', method: 1, size: 0, mtime: T0 },
  ]),
  archiveFailure('payload_damaged', 'payload-damaged-trailer-magic', 'The trailer magic is "COFFIDX2".', HELLO, {
    trailer: (trailer) => {
      trailer.magic = utf8('COFFIDX2');
    },
  }),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-trailer-offset',
    'The trailer indexOffset is one too large, so indexOffset + indexLength + 32 is not the plaintext length.',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.indexOffset = Number(trailer.indexOffset) + 1;
      },
    },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-index-trailing-bytes',
    'Five bytes after the last index record (indexLength includes them).',
    HELLO,
    { index: (index) => concatBytes([index, new Uint8Array(5)]) },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-entry-count-too-high',
    'The trailer says 2 entries but the index holds one record.',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.entryCount = 2;
      },
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-no-trailer',
    'A properly sealed payload plaintext of 10 bytes: too short to hold a trailer.',
    (ctx) => ctx.handBytes(utf8('0123456789')),
  ),

  // ----- truncated ----------------------------------------------------------------------------
  failure(
    'truncated',
    'truncated-at-chunk-boundary',
    'The final chunk removed: the file ends cleanly after chunk 2, which opens only with the non-final flag.',
    async (ctx) => {
      const { header, chunks } = split(await ctx.chunkBase());
      return { bytes: concatBytes([header, ...chunks.slice(0, 3)]) };
    },
  ),
  failure(
    'truncated',
    'truncated-final-chunk-under-17-bytes',
    'The file cut 10 bytes into the final chunk: a last chunk shorter than 17 bytes.',
    async (ctx) => {
      const { header, chunks } = split(await ctx.chunkBase());
      return { bytes: concatBytes([header, ...chunks.slice(0, 3), chunks[3].slice(0, 10)]) };
    },
  ),
  failure('truncated', 'truncated-no-payload', 'Only the (complete, valid) header.', async (ctx) => ({
    bytes: (await ctx.hand(archivePlaintext(HELLO))).header,
  })),
  failure(
    'truncated',
    'truncated-payload-under-17-bytes',
    'The header and the first 10 bytes of the payload.',
    async (ctx) => {
      const built = await ctx.hand(archivePlaintext(HELLO));
      return { bytes: built.bytes.slice(0, built.header.length + 10) };
    },
  ),
  failure(
    'truncated',
    'truncated-inside-header',
    'A valid backup cut after 100 of its 164 header bytes.',
    async (ctx) => ({
      bytes: (await ctx.hand(archivePlaintext(HELLO))).bytes.slice(0, 100),
    }),
  ),
  failure('truncated', 'truncated-prefix-only', 'Only the first 16 bytes of a valid backup.', async (ctx) => ({
    bytes: (await ctx.hand(archivePlaintext(HELLO))).bytes.slice(0, 16),
  })),
  failure('truncated', 'truncated-magic-only', 'Only the 8-byte magic.', async (ctx) => ({
    bytes: (await ctx.hand(archivePlaintext(HELLO))).bytes.slice(0, 8),
  })),
  failure('truncated', 'truncated-first-byte-only', 'Only the first byte of the magic (0x89).', async () => ({
    bytes: new Uint8Array([0x89]),
  })),

  // ----- unsafe_entry -------------------------------------------------------------------------
  unsafe('unsafe-dotdot', 'A file named "../evil".', [file('../evil')]),
  unsafe('unsafe-dotdot-inside', 'A file named "a/../../evil".', [dir('a'), file('a/../../evil')]),
  unsafe('unsafe-dot-component', 'A file named "a/./b".', [dir('a'), file('a/./b')]),
  unsafe('unsafe-absolute', 'A file named "/abs".', [file('/abs')]),
  unsafe('unsafe-drive-letter', 'A file named "C:/x".', [file('C:/x')]),
  unsafe('unsafe-backslash', 'A file named "a\\b" (a backslash).', [file('a\\b')]),
  unsafe('unsafe-nul', 'A file whose name contains NUL ("a\\u0000b").', [file('a\u0000b')]),
  unsafe('unsafe-control-character', 'A file whose name contains U+001F.', [file('a\u001fb')]),
  unsafe('unsafe-delete-character', 'A file whose name contains U+007F.', [file('a\u007fb')]),
  unsafe('unsafe-empty-component', 'A file named "a//b".', [dir('a'), file('a//b')]),
  unsafe('unsafe-trailing-slash', 'A folder named "a/".', [dir('a/')]),
  unsafe('unsafe-duplicate-path', 'Two files named "a".', [file('a', 'one'), file('a', 'two')]),
  unsafe('unsafe-duplicate-file-and-folder', 'A folder "a" and a file "a".', [dir('a'), file('a')]),
  unsafe('unsafe-file-under-file', 'A file "a", then a file "a/b" below it.', [file('a'), file('a/b')]),
  unsafe('unsafe-file-under-file-reversed', 'A file "a/b", then a file "a" above it.', [file('a/b'), file('a')]),
  unsafe('unsafe-non-nfc', 'A file named "café.txt" in NFD (e + U+0301).', [file('cafe\u0301.txt')]),
  unsafe('unsafe-invalid-utf8', 'A file name that is not valid UTF-8 (0xFF).', [
    file(new Uint8Array([0x61, 0xff, 0x62])),
  ]),
  unsafe('unsafe-component-256-bytes', 'A file name of 256 bytes.', [file('x'.repeat(256))]),
  unsafe('unsafe-257-components', 'A path of 257 components ("a/a/…/a", 513 bytes).', [
    file(Array.from({ length: 257 }, () => 'a').join('/')),
  ]),

  // ----- limit_exceeded -----------------------------------------------------------------------
  ...(
    [
      ['limit-argon2-memory-2gib', 'Argon2id memory 2097152 KiB (2 GiB), over the 1 GiB bound.', 0, 2097152],
      ['limit-argon2-memory-7kib', 'Argon2id memory 7 KiB, under the 8 KiB bound.', 0, 7],
      ['limit-argon2-iterations-0', 'Argon2id iterations 0.', 4, 0],
      ['limit-argon2-iterations-11', 'Argon2id iterations 11.', 4, 11],
      ['limit-argon2-parallelism-0', 'Argon2id parallelism 0.', 8, 0],
      ['limit-argon2-parallelism-5', 'Argon2id parallelism 5.', 8, 5],
    ] as const
  ).map(([name, description, offset, value]) =>
    failure(
      'limit_exceeded',
      name,
      `${description} Checked while parsing the header, before any key derivation (MAC recomputed).`,
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          header: (parts) => setSlotU32(parts.slots[0], offset, value),
        }),
    ),
  ),
  failure(
    'limit_exceeded',
    'limit-argon2-memory-per-lane',
    'Argon2id m = 16 KiB with p = 4: less than 8 KiB per lane (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          setSlotU32(parts.slots[0], 0, 16);
          setSlotU32(parts.slots[0], 8, 4);
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-argon2-total-work',
    'Three passphrase slots: the cheap one, then two with m = 1048576 KiB and t = 6, each within its own bounds but together over the 10485760 total (checked before any key derivation; MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        slots: [passSlot(), passSlot('decoy one'), passSlot('decoy two')],
        header: (parts) => {
          for (const slot of parts.slots.slice(1)) {
            setSlotU32(slot, 0, 1048576);
            setSlotU32(slot, 4, 6);
          }
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-header-length-over-64k',
    'A complete, well-formed 70000-byte header (two large unknown slots and a passphrase slot, valid MAC): over the 65536-byte bound.',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          const body = (70000 - 52 - 32 - 80) / 2 - 4;
          parts.slots.unshift(unknownSlot(3, new Uint8Array(body)), unknownSlot(3, new Uint8Array(body)));
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-no-slots',
    'slotCount 0 and no slots, so headerLength is 84: both below their bounds (valid MAC, valid payload).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots = [];
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-slot-count-17',
    'Seventeen slots (16 empty unknown slots and the passphrase slot), filling the header exactly (valid MAC).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) =>
          void parts.slots.unshift(...Array.from({ length: 16 }, () => unknownSlot(4, new Uint8Array(0)))),
      }),
  ),
  ...(
    [
      [9, 'under the minimum of 10'],
      [25, 'over the maximum of 24'],
      [30, 'over the maximum of 24'],
    ] as const
  ).map(([log2, why]) =>
    failure(
      'limit_exceeded',
      `limit-chunk-size-log2-${log2}`,
      `chunkSizeLog2 = ${log2}, ${why}; the payload is a single final chunk, consistent with that size (valid MAC).`,
      (ctx) => ctx.handBytes(archivePlaintext(HELLO), { chunkSizeLog2: log2, singleChunk: true }),
    ),
  ),
  archiveFailure(
    'limit_exceeded',
    'limit-entry-count',
    'The trailer claims 16777217 entries, one over the bound (checked on the trailer, before the index is read).',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.entryCount = 16777217;
      },
    },
  ),
  archiveFailure(
    'limit_exceeded',
    'limit-index-length',
    'The trailer claims an index of 2^32 + 1 bytes (checked on the trailer, before its consistency).',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.indexLength = 2 ** 32 + 1;
      },
    },
  ),
  archiveFailure(
    'limit_exceeded',
    'limit-entry-size',
    'A method-1 file whose size is 2^53, one over the bound (its record is otherwise consistent).',
    [
      {
        path: 'huge',
        type: 'file',
        method: 1,
        size: 2 ** 53,
        stored: segment(rawDeflate(text(100)), false),
        mtime: T0,
      },
    ],
  ),
  // ----- passkey slots (spec 3.4) ---------------------------------------------------------------
  ...passkeyVectors(),
  // ----- method 2, zstd segments (spec 5.6) ------------------------------------------------------
  ...zstdVectors({ success, archiveFailure, text, T0 }),
  // ----- recovery section, format version 3 (spec 11) -------------------------------------------
  ...recoveryVectors(),
];

// ---------------------------------------------------------------------------------------------

export interface GeneratedVector {
  json: VectorJson;
  bytes: Uint8Array;
}

export async function buildVector(def: VectorDef): Promise<GeneratedVector> {
  const built = await def.build(new Ctx(def.name));
  const json: VectorJson = {
    name: def.name,
    description: def.description,
    expect: def.expect,
    credentials: def.credentials,
  };
  if (def.expect === 'success') {
    if (!built.entries) throw new Error(`${def.name}: a success vector needs its expected entries`);
    json.entries = built.entries;
  }
  return { json, bytes: built.bytes };
}

/** Spec 3.4. Each passkey is drawn from a DRBG seeded with the vector's name (see passkey-parts.ts). */
function passkeyVectors(): VectorDef[] {
  const pk = (name: string) => vectorPasskey(name);
  const withPassphrase = (name: string) => (ctx: Ctx) =>
    ctx.write([{ path: 'a.txt', type: 'file', data: utf8('opened by passkey or passphrase\n') }], {
      slots: [pk(name).spec, passSlot()],
    });
  return [
    success(
      'success-passkey-and-passphrase-by-passphrase',
      'A passkey slot (type 5) then a passphrase slot, opened with the passphrase: readers that do not know passkeys skip the slot and still open the file.',
      withPassphrase('success-passkey-and-passphrase-by-passphrase'),
    ),
    success(
      'success-passkey-and-passphrase-by-passkey',
      'A passkey slot then a passphrase slot, opened with the passkey: the credential id and the PRF output (for the PRF input stored in the slot) in the JSON.',
      withPassphrase('success-passkey-and-passphrase-by-passkey'),
      pk('success-passkey-and-passphrase-by-passkey').credentials,
    ),
    failure(
      'wrong_key',
      'wrong-key-passkey-commitment',
      'A passkey slot whose key commitment does not match HKDF of the PRF output, although its wrapped key is sealed under the right kek (valid MAC): readers must check the commitment first.',
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          keySlots: async (fileKey) => [
            await passkeySlotWithCommitment(pk('wrong-key-passkey-commitment').spec, fileKey, new Uint8Array(32)),
          ],
        }),
      pk('wrong-key-passkey-commitment').credentials,
    ),
    failure(
      'wrong_key',
      'wrong-key-passkey-other-credential',
      'A passkey and a passphrase slot, opened with another credential id that has the same PRF output: the slot is for one credential only.',
      withPassphrase('wrong-key-passkey-other-credential'),
      {
        passkey: {
          credentialId: `ff${pk('wrong-key-passkey-other-credential').credentials.passkey?.credentialId.slice(2)}`,
          prfOutput: pk('wrong-key-passkey-other-credential').credentials.passkey?.prfOutput ?? '',
        },
      },
    ),
    failure(
      'wrong_key',
      'wrong-key-passkey-only-by-passphrase',
      'Only a passkey slot (writers refuse to make this; a reader must still refuse it cleanly), opened with a passphrase: no slot of that type.',
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          slots: [pk('wrong-key-passkey-only-by-passphrase').spec],
        }),
    ),
    failure(
      'header_damaged',
      'header-damaged-passkey-slot-length',
      'A passkey slot whose bodyLength is one more than its credential id length implies (one extra byte before the MAC-covered end; valid MAC).',
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          keySlots: async (fileKey) => {
            const slot = await buildSlot(
              pk('header-damaged-passkey-slot-length').spec,
              fileKey,
              () => new Uint8Array(0),
            );
            const longer = new Uint8Array(slot.length + 1);
            longer.set(slot);
            setSlotBodyLength(longer, slot.length - 4 + 1);
            return [longer];
          },
        }),
      pk('header-damaged-passkey-slot-length').credentials,
    ),
  ];
}
