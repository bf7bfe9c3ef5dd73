/**
 * Helpers that build backups from parts, so that test vectors can hold things the writer refuses
 * to produce (unknown slot types, hostile paths, inconsistent indexes, reordered chunks, ...).
 * Everything here follows spec/FORMAT.md directly; the slot wrapping and chunk sealing reuse the
 * core's exported functions.
 */
import { deflateSync } from 'fflate';
import { concatBytes, utf8 } from '../../src/core/bytes.ts';
import { hkdfAesKey, hkdfHmacKey, hmac, importHkdfKey, type RandomSource, seal } from '../../src/core/crypto.ts';
import { type FileKeys, MAGIC } from '../../src/core/header.ts';
import { buildSlot, type SlotSpec } from '../../src/core/slots.ts';
import { chunkIv, cutChunks, sealChunks } from '../../src/core/stream.ts';

// ---------------------------------------------------------------------------------------------
// Header (spec section 2)

export interface HeaderParts {
  magic: Uint8Array;
  version: number;
  flags: number;
  /** The headerLength field; the true length when undefined. */
  headerLength?: number;
  chunkSizeLog2: number;
  /** The slotCount field; the number of slots when undefined. */
  slotCount?: number;
  /** The u16 at offset 18, which must be 0. */
  reserved: number;
  payloadNonce: Uint8Array;
  slots: Uint8Array[];
  /** Bytes between the last slot and the MAC; none in a well-formed header. */
  padding: Uint8Array;
}

/**
 * Draws randomness in exactly the order the core's buildHeader does (file key, then each slot,
 * then the payload nonce), so a header assembled from these parts unchanged is byte-identical to
 * the one the writer would have produced from the same random source.
 */
export async function headerParts(
  specs: readonly SlotSpec[],
  chunkSizeLog2: number,
  random: RandomSource,
): Promise<{ fileKey: Uint8Array; parts: HeaderParts }> {
  const fileKey = random(32);
  const slots: Uint8Array[] = [];
  for (const spec of specs) slots.push(await buildSlot(spec, fileKey, random));
  const payloadNonce = random(32);
  return {
    fileKey,
    parts: {
      magic: MAGIC,
      version: 1,
      flags: 0,
      chunkSizeLog2,
      reserved: 0,
      payloadNonce,
      slots,
      padding: new Uint8Array(0),
    },
  };
}

/** The header bytes before the MAC. */
export function headerBody(parts: HeaderParts): Uint8Array {
  const slotBytes = concatBytes(parts.slots);
  const fixed = new Uint8Array(52);
  const dv = new DataView(fixed.buffer);
  fixed.set(parts.magic.subarray(0, 8), 0);
  dv.setUint16(8, parts.version, true);
  dv.setUint16(10, parts.flags, true);
  dv.setUint32(12, parts.headerLength ?? 52 + slotBytes.length + parts.padding.length + 32, true);
  fixed[16] = parts.chunkSizeLog2;
  fixed[17] = parts.slotCount ?? parts.slots.length;
  dv.setUint16(18, parts.reserved, true);
  fixed.set(parts.payloadNonce, 20);
  return concatBytes([fixed, slotBytes, parts.padding]);
}

/** Spec 2.1 and 11.1: the keys derived from the file key. */
export async function deriveKeys(
  fileKey: Uint8Array,
  payloadNonce: Uint8Array,
): Promise<FileKeys & { payloadKey: CryptoKey }> {
  const base = await importHkdfKey(fileKey);
  return {
    payloadKey: await hkdfAesKey(base, payloadNonce, 'coffer/v1 payload'),
    headerMacKey: await hkdfHmacKey(base, new Uint8Array(0), 'coffer/v1 header mac'),
    recoveryKey: await hkdfAesKey(base, payloadNonce, 'coffer/v3 recovery'),
    footerMacKey: await hkdfHmacKey(base, payloadNonce, 'coffer/v3 recovery footer'),
  };
}

/** The whole header, with a MAC that verifies under `fileKey`. */
export async function assembleHeader(fileKey: Uint8Array, parts: HeaderParts): Promise<Uint8Array> {
  const body = headerBody(parts);
  const keys = await deriveKeys(fileKey, parts.payloadNonce);
  return concatBytes([body, await hmac(keys.headerMacKey, body)]);
}

/** A slot of a type this version does not know (spec 3: readers skip it). */
export function unknownSlot(typeId: number, body: Uint8Array): Uint8Array {
  const slot = new Uint8Array(4 + body.length);
  slot[0] = typeId;
  new DataView(slot.buffer).setUint16(2, body.length, true);
  slot.set(body, 4);
  return slot;
}

/** Overwrites a u32 in a slot's body (e.g. an Argon2 parameter at body offset 0, 4 or 8). */
export function setSlotU32(slot: Uint8Array, bodyOffset: number, value: number): void {
  new DataView(slot.buffer, slot.byteOffset, slot.byteLength).setUint32(4 + bodyOffset, value, true);
}

export function setSlotBodyLength(slot: Uint8Array, value: number): void {
  new DataView(slot.buffer, slot.byteOffset, slot.byteLength).setUint16(2, value, true);
}

// ---------------------------------------------------------------------------------------------
// Archive (spec section 5)

type U64 = number | bigint;

export interface RawRecord {
  /** 1 = file, 2 = directory; anything else is a future type. */
  type: number;
  method: number;
  path: Uint8Array;
  mode: number;
  mtime: U64;
  size: U64;
  storedLength: U64;
  offset: U64;
}

export function encodeRawRecord(record: RawRecord): Uint8Array {
  const out = new Uint8Array(40 + record.path.length);
  const dv = new DataView(out.buffer);
  out[0] = record.type;
  out[1] = record.method;
  dv.setUint16(2, record.path.length, true);
  dv.setUint32(4, record.mode, true);
  dv.setBigInt64(8, BigInt(record.mtime), true);
  dv.setBigUint64(16, BigInt(record.size), true);
  dv.setBigUint64(24, BigInt(record.storedLength), true);
  dv.setBigUint64(32, BigInt(record.offset), true);
  out.set(record.path, 40);
  return out;
}

export interface RawTrailer {
  indexOffset: U64;
  indexLength: U64;
  entryCount: U64;
  magic: Uint8Array;
}

export function encodeRawTrailer(trailer: RawTrailer): Uint8Array {
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(trailer.indexOffset), true);
  dv.setBigUint64(8, BigInt(trailer.indexLength), true);
  dv.setBigUint64(16, BigInt(trailer.entryCount), true);
  out.set(trailer.magic.subarray(0, 8), 24);
  return out;
}

export interface ArchiveItem {
  /** A string is encoded as UTF-8 as is (no normalisation); bytes are used verbatim. */
  path: string | Uint8Array;
  type: 'file' | 'dir';
  /** The stored bytes (for method 1, the framed segments). */
  stored?: Uint8Array;
  method?: number;
  /** Uncompressed size; the stored length when undefined. */
  size?: number;
  mtime?: number;
  mode?: number;
}

export interface ArchiveTweaks {
  /** Edits the records after offsets were laid out, before encoding. */
  records?: (records: RawRecord[]) => void;
  /** Edits the encoded index. */
  index?: (index: Uint8Array) => Uint8Array;
  /** Bytes inserted between the last entry's data and the index. */
  gap?: Uint8Array;
  trailer?: (trailer: RawTrailer) => void;
}

export const TRAILER_MAGIC = utf8('COFFIDX1');

/** P = data_0 || ... || index || trailer, with contiguous offsets unless tweaked. */
export function archivePlaintext(items: readonly ArchiveItem[], tweaks: ArchiveTweaks = {}): Uint8Array {
  const data: Uint8Array[] = [];
  const records: RawRecord[] = [];
  let offset = 0;
  for (const item of items) {
    const stored = item.stored ?? new Uint8Array(0);
    records.push({
      type: item.type === 'file' ? 1 : 2,
      method: item.method ?? 0,
      path: typeof item.path === 'string' ? utf8(item.path) : item.path,
      mode: item.mode ?? 0,
      mtime: item.mtime ?? 0,
      size: item.size ?? stored.length,
      storedLength: stored.length,
      offset,
    });
    data.push(stored);
    offset += stored.length;
  }
  tweaks.records?.(records);
  const gap = tweaks.gap ?? new Uint8Array(0);
  let index = concatBytes(records.map(encodeRawRecord));
  if (tweaks.index) index = tweaks.index(index);
  const trailer: RawTrailer = {
    indexOffset: offset + gap.length,
    indexLength: index.length,
    entryCount: records.length,
    magic: TRAILER_MAGIC,
  };
  tweaks.trailer?.(trailer);
  return concatBytes([...data, gap, index, encodeRawTrailer(trailer)]);
}

/** One method-1 segment (spec 5.4): a u32 header (bit 31 = raw) and the segment's bytes. */
export function segment(body: Uint8Array, raw: boolean): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, (raw ? 0x8000_0000 : 0) + body.length, true);
  out.set(body, 4);
  return out;
}

/** Raw DEFLATE (no zlib wrapper), as method 1 requires. */
export function rawDeflate(data: Uint8Array): Uint8Array {
  return deflateSync(data, { level: 1 });
}

// ---------------------------------------------------------------------------------------------
// Payload (spec section 4)

/** Seals a payload plaintext into its chunks with the core's STREAM implementation. */
export async function sealPayload(
  payloadKey: CryptoKey,
  plaintext: Uint8Array,
  chunkSize: number,
): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of sealChunks(payloadKey, cutChunks([plaintext], chunkSize))) chunks.push(chunk);
  return chunks;
}

/** Seals one chunk at an explicit position, e.g. a second "final" chunk. */
export async function sealChunkAt(
  payloadKey: CryptoKey,
  index: number,
  final: boolean,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  return seal(payloadKey, chunkIv(index, final), plaintext);
}

/** Cuts a payload's ciphertext at the fixed chunk positions of spec 4.1. */
export function splitSealed(payload: Uint8Array, chunkSize: number): Uint8Array[] {
  const sealed = chunkSize + 16;
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < payload.length; offset += sealed) out.push(payload.slice(offset, offset + sealed));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Not a Coffer file: a minimal ZIP archive (one stored file)

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function tinyZip(name: string, content: Uint8Array): Uint8Array {
  const nameBytes = utf8(name);
  const crc = crc32(content);
  const local = new Uint8Array(30 + nameBytes.length);
  let dv = new DataView(local.buffer);
  dv.setUint32(0, 0x04034b50, true);
  dv.setUint16(4, 10, true); // version needed
  dv.setUint16(8, 0, true); // method: stored
  dv.setUint16(10, 0, true); // time
  dv.setUint16(12, 0x21, true); // date 1980-01-01
  dv.setUint32(14, crc, true);
  dv.setUint32(18, content.length, true);
  dv.setUint32(22, content.length, true);
  dv.setUint16(26, nameBytes.length, true);
  local.set(nameBytes, 30);
  const central = new Uint8Array(46 + nameBytes.length);
  dv = new DataView(central.buffer);
  dv.setUint32(0, 0x02014b50, true);
  dv.setUint16(4, 20, true); // version made by
  dv.setUint16(6, 10, true);
  dv.setUint16(14, 0x21, true);
  dv.setUint32(16, crc, true);
  dv.setUint32(20, content.length, true);
  dv.setUint32(24, content.length, true);
  dv.setUint16(28, nameBytes.length, true);
  dv.setUint32(42, 0, true); // local header offset
  central.set(nameBytes, 46);
  const end = new Uint8Array(22);
  dv = new DataView(end.buffer);
  dv.setUint32(0, 0x06054b50, true);
  dv.setUint16(8, 1, true);
  dv.setUint16(10, 1, true);
  dv.setUint32(12, central.length, true);
  dv.setUint32(16, local.length + content.length, true);
  return concatBytes([local, content, central, end]);
}
