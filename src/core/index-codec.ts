/** The index and trailer at the end of the payload plaintext (spec 5.1 and 5.2). */
import { decodeUtf8, readI64, readU64, utf8, view, writeI64, writeU64 } from './bytes.ts';
import { CofferError } from './errors.ts';
import { MAX_PATH_BYTES } from './paths.ts';

export const TRAILER_LENGTH = 32;
export const TRAILER_MAGIC = utf8('COFFIDX1');
export const RECORD_FIXED_LENGTH = 40;
export const MAX_ENTRIES = 16_777_216;
export const MAX_INDEX_LENGTH = 2 ** 32;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE_SEGMENTS = 1;
/** Spec 5.6; readers from before revision 1.2 refuse it as unsupported_version (method 2 unknown). */
export const METHOD_ZSTD_SEGMENTS = 2;
const TYPE_FILE = 1;
const TYPE_DIR = 2;

export type EntryType = 'file' | 'dir';

export interface IndexEntry {
  path: string;
  type: EntryType;
  method: number;
  /** POSIX permission bits, or 0 when unknown. */
  mode: number;
  /** Milliseconds since the Unix epoch. */
  mtime: number;
  size: number;
  storedLength: number;
  /** Offset of the entry's stored bytes in the payload plaintext. */
  offset: number;
}

export interface Trailer {
  indexOffset: number;
  indexLength: number;
  entryCount: number;
}

function damaged(what: string): CofferError {
  return new CofferError('payload_damaged', `This backup's contents are damaged: ${what}.`);
}

export function encodeRecord(entry: IndexEntry): Uint8Array {
  const path = utf8(entry.path);
  const out = new Uint8Array(RECORD_FIXED_LENGTH + path.length);
  const dv = view(out);
  out[0] = entry.type === 'file' ? TYPE_FILE : TYPE_DIR;
  out[1] = entry.method;
  dv.setUint16(2, path.length, true);
  dv.setUint32(4, entry.mode & 0o777, true);
  writeI64(dv, 8, entry.mtime);
  writeU64(dv, 16, entry.size);
  writeU64(dv, 24, entry.storedLength);
  writeU64(dv, 32, entry.offset);
  out.set(path, RECORD_FIXED_LENGTH);
  return out;
}

export function encodeTrailer(trailer: Trailer): Uint8Array {
  const out = new Uint8Array(TRAILER_LENGTH);
  const dv = view(out);
  writeU64(dv, 0, trailer.indexOffset);
  writeU64(dv, 8, trailer.indexLength);
  writeU64(dv, 16, trailer.entryCount);
  out.set(TRAILER_MAGIC, 24);
  return out;
}

/** Parses the trailer and checks it against the plaintext length. */
export function decodeTrailer(bytes: Uint8Array, plaintextLength: number): Trailer {
  const dv = view(bytes);
  for (let i = 0; i < TRAILER_MAGIC.length; i++) {
    if (bytes[24 + i] !== TRAILER_MAGIC[i]) throw damaged('the index trailer is missing');
  }
  const indexOffset = readU64(dv, 0);
  // Counts above 2^53 (undefined here) are above their bound too: limit exceeded (spec 5.1).
  const indexLength = readU64(dv, 8);
  const entryCount = readU64(dv, 16);
  if (entryCount === undefined || entryCount > MAX_ENTRIES) {
    throw new CofferError(
      'limit_exceeded',
      `This backup lists ${dv.getBigUint64(16, true)} entries; at most ${MAX_ENTRIES} are supported.`,
    );
  }
  if (indexLength === undefined || indexLength > MAX_INDEX_LENGTH) {
    throw new CofferError(
      'limit_exceeded',
      `This backup's index is ${dv.getBigUint64(8, true)} bytes, over the supported limit.`,
    );
  }
  if (indexOffset === undefined) throw damaged('the index trailer holds impossible numbers');
  if (indexOffset + indexLength + TRAILER_LENGTH !== plaintextLength) {
    throw damaged('the index trailer does not match the size of the contents');
  }
  if (indexLength < entryCount * RECORD_FIXED_LENGTH) throw damaged('the index is too short for its entries');
  return { indexOffset, indexLength, entryCount };
}

/**
 * Parses every record, checking the structural rules of spec 5.2. Path safety is checked
 * separately (paths.ts) because its class is unsafe_entry, not payload_damaged.
 */
export function decodeIndex(bytes: Uint8Array, trailer: Trailer): IndexEntry[] {
  const dv = view(bytes);
  const entries: IndexEntry[] = [];
  let position = 0;
  let expectedOffset = 0;
  for (let i = 0; i < trailer.entryCount; i++) {
    if (position + RECORD_FIXED_LENGTH > bytes.length) throw damaged('the index ends in the middle of an entry');
    const typeId = bytes[position];
    const method = bytes[position + 1];
    const pathLength = dv.getUint16(position + 2, true);
    const mode = dv.getUint32(position + 4, true);
    const mtime = readI64(dv, position + 8);
    const size = readU64(dv, position + 16);
    const storedLength = readU64(dv, position + 24);
    const offset = readU64(dv, position + 32);
    if (typeId !== TYPE_FILE && typeId !== TYPE_DIR) {
      throw new CofferError(
        'unsupported_version',
        `This backup has an entry of a kind this version of Coffer does not know (${typeId}).`,
      );
    }
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE_SEGMENTS && method !== METHOD_ZSTD_SEGMENTS) {
      throw new CofferError(
        'unsupported_version',
        `This backup uses a compression method this version of Coffer does not know (${method}).`,
      );
    }
    if (pathLength < 1 || pathLength > MAX_PATH_BYTES) {
      // Spec 5.2: a path length out of 1..4096 is an unsafe entry, like any other bad path.
      throw new CofferError('unsafe_entry', `Refused: the backup holds a path of ${pathLength} bytes.`);
    }
    if (mode & ~0o777) throw damaged('an entry has unknown mode bits');
    if (mtime === undefined) throw damaged('an entry has an impossible date');
    if (size === undefined || storedLength === undefined || offset === undefined) {
      throw new CofferError(
        'limit_exceeded',
        'An entry in this backup is larger than this version of Coffer supports.',
      );
    }
    const pathStart = position + RECORD_FIXED_LENGTH;
    if (pathStart + pathLength > bytes.length) throw damaged('the index ends in the middle of a path');
    const path = decodeUtf8(bytes.subarray(pathStart, pathStart + pathLength));
    if (path === undefined) {
      throw new CofferError('unsafe_entry', 'Refused: the backup holds a path that is not valid UTF-8.');
    }
    const type: EntryType = typeId === TYPE_FILE ? 'file' : 'dir';
    if (type === 'dir' && (method !== METHOD_STORED || size !== 0 || storedLength !== 0)) {
      throw damaged('a folder entry carries data');
    }
    if (method === METHOD_STORED && storedLength !== size) throw damaged('a stored entry has the wrong length');
    if (method !== METHOD_STORED && size === 0) throw damaged('an empty file claims to be compressed');
    if (offset !== expectedOffset) throw damaged('the entries are not laid out back to back');
    expectedOffset = offset + storedLength;
    entries.push({ path, type, method, mode, mtime, size, storedLength, offset });
    position = pathStart + pathLength;
  }
  if (position !== bytes.length) throw damaged('the index has bytes after its last entry');
  if (expectedOffset !== trailer.indexOffset) throw damaged('the entries do not end where the index starts');
  return entries;
}
