/**
 * Recognising a WhatsApp backup from its first bytes (never from its name alone).
 *
 * crypt14 and crypt15 start with a varint length and a protobuf `BackupPrefix`:
 *   1: key type (0 = legacy key file, 1 = end-to-end)
 *   2: legacy cipher  { 1: cipher version, 2: key version, 3: server salt (32), 4: account salt (16), 5: IV (16) }
 *   3: end-to-end IV  { 1: IV (16) }
 *   4: backup info    { 1: WhatsApp version, 3: last digits of the phone number, then feature flags }
 * Newer versions add fields (for example a top-level field 6); unknown fields are skipped.
 * The body is AES-256-GCM ciphertext, then the 16-byte tag, then (single-file backups) an MD5
 * of everything before it. Multi-file backups (a ZIP inside) have no MD5.
 *
 * crypt12 has a fixed 67-byte header: cipher version (0x00 0x01), key version, server salt (32),
 * account salt (16), IV (16); after the ciphertext come the tag, an MD5 of everything before it,
 * and 4 bytes ending in the last digits of the phone number.
 */
import { CofferError } from '../../core/errors.ts';
import type { RandomAccessSource } from '../../core/source.ts';
import {
  findBytes,
  findField,
  findMessage,
  findString,
  type ProtoField,
  parseMessage,
  readVarint,
} from './protobuf.ts';

export type WhatsAppFormat = 'crypt12' | 'crypt14' | 'crypt15';

export interface WhatsAppHeader {
  format: WhatsAppFormat;
  /** Size of the whole file. */
  size: number;
  /** Where the ciphertext starts. */
  bodyOffset: number;
  /** The file's bytes before the ciphertext (the MD5 covers them too). */
  headerBytes: Uint8Array;
  iv: Uint8Array;
  /** Bytes after the ciphertext in a single-file backup: tag + MD5 (+ 4 for crypt12). */
  trailerLength: number;
  /** Whether a multi-file layout (tag only, no MD5) is possible for this format. */
  multiFilePossible: boolean;
  appVersion?: string;
  phoneSuffix?: string;
  /** Legacy formats: the salts that must match the key file's. */
  serverSalt?: Uint8Array;
  googleIdSalt?: Uint8Array;
}

export const MAX_HEADER_LENGTH = 65536;
export const TAG_BYTES = 16;
export const MD5_BYTES = 16;
const CRYPT12_HEADER = 67;
const CRYPT12_TRAILER = TAG_BYTES + MD5_BYTES + 4;
const SUPPORTED = 'Coffer opens crypt12, crypt14 and crypt15 WhatsApp backups.';

/** GCM encrypts at most 2^32 - 2 blocks under one IV (SP 800-38D, 5.2.1.1): about 64 GiB. */
export const MAX_CIPHERTEXT = (2 ** 32 - 2) * 16;

function checkGcmLimit(bodyBytes: number): void {
  if (bodyBytes > MAX_CIPHERTEXT + 64) {
    throw new CofferError(
      'limit_exceeded',
      'This file is larger than AES-GCM can encrypt in one piece (64 GiB), so it cannot be a WhatsApp backup Coffer can check.',
    );
  }
}

/** "crypt8" from "msgstore.db.crypt8", or undefined. */
export function cryptSuffix(name: string | undefined): string | undefined {
  return /\.(crypt\d+)$/i.exec(name ?? '')?.[1].toLowerCase();
}

function isIv(bytes: Uint8Array | undefined): bytes is Uint8Array {
  return bytes !== undefined && (bytes.length === 16 || bytes.length === 12);
}

interface Prefix {
  fields: ProtoField[];
  bodyOffset: number;
}

/** The varint-prefixed protobuf, if the file starts with one that has an IV we know where to find. */
function protobufPrefix(head: Uint8Array, start: number, length: number): Prefix | undefined {
  if (length < 2 || start + length > head.length) return undefined;
  try {
    const fields = parseMessage(head.subarray(start, start + length));
    const e2e = findMessage(fields, 3);
    const legacy = findMessage(fields, 2);
    if (isIv(e2e && findBytes(e2e, 1)) || isIv(legacy && findBytes(legacy, 5)))
      return { fields, bodyOffset: start + length };
  } catch {
    // not a protobuf
  }
  return undefined;
}

function findPrefix(head: Uint8Array): Prefix | undefined {
  let length: number;
  let start: number;
  try {
    [length, start] = readVarint(head, 0, Math.min(head.length, 4));
  } catch {
    return undefined;
  }
  const found = protobufPrefix(head, start, length);
  if (found) return found;
  // Some encoders write a one-byte length and then a 0x01 "feature table" flag even when the
  // length is below 128; the varint reading above already covers the common case.
  if (head[0] < 0x80 && head[1] === 0x01) return protobufPrefix(head, 2, head[0]);
  return undefined;
}

/** Parses the start of a file (at least the first MAX_HEADER_LENGTH bytes, or all of it). */
export function parseWhatsAppHeader(head: Uint8Array, size: number, name?: string): WhatsAppHeader {
  const suffix = cryptSuffix(name);
  if (size === 0) throw new CofferError('not_whatsapp', 'This file is empty.');
  const prefix = findPrefix(head);
  if (prefix) {
    const { fields, bodyOffset } = prefix;
    const keyType = findField(fields, 1, 0)?.varint;
    const e2e = findMessage(fields, 3);
    const legacy = findMessage(fields, 2);
    const e2eIv = e2e && findBytes(e2e, 1);
    const legacyIv = legacy && findBytes(legacy, 5);
    const isE2e = isIv(e2eIv) && (keyType === 1 || !isIv(legacyIv));
    const info = findMessage(fields, 4);
    const header: WhatsAppHeader = {
      format: isE2e ? 'crypt15' : 'crypt14',
      size,
      bodyOffset,
      headerBytes: head.slice(0, bodyOffset),
      iv: (isE2e ? e2eIv : legacyIv) as Uint8Array,
      trailerLength: TAG_BYTES + MD5_BYTES,
      multiFilePossible: true,
      appVersion: info && findString(info, 1),
      phoneSuffix: info && findString(info, 3),
    };
    if (!isE2e && legacy) {
      header.serverSalt = findBytes(legacy, 3);
      header.googleIdSalt = findBytes(legacy, 4);
    }
    checkGcmLimit(size - bodyOffset);
    if (size - bodyOffset < TAG_BYTES) {
      throw new CofferError('truncated', `This ${header.format} backup is cut short: it ends inside its first bytes.`);
    }
    return header;
  }
  if (head.length >= 3 && head[0] === 0x00 && head[1] === 0x01 && (head[2] === 1 || head[2] === 2)) {
    if (size < CRYPT12_HEADER + CRYPT12_TRAILER) {
      throw new CofferError('truncated', 'This crypt12 backup is cut short: it is smaller than its header and footer.');
    }
    checkGcmLimit(size - CRYPT12_HEADER);
    return {
      format: 'crypt12',
      size,
      bodyOffset: CRYPT12_HEADER,
      headerBytes: head.slice(0, CRYPT12_HEADER),
      iv: head.slice(51, 67),
      trailerLength: CRYPT12_TRAILER,
      multiFilePossible: false,
      serverSalt: head.slice(3, 35),
      googleIdSalt: head.slice(35, 51),
    };
  }
  if (suffix && !['crypt12', 'crypt14', 'crypt15'].includes(suffix)) {
    throw new CofferError('unsupported_version', `${suffix} backups are not supported. ${SUPPORTED}`);
  }
  if (suffix) {
    throw new CofferError(
      'not_whatsapp',
      `This file is named like a ${suffix} backup, but it does not start like one: it may be damaged, or not a WhatsApp backup.`,
    );
  }
  throw new CofferError('not_whatsapp', `This is not a WhatsApp backup that Coffer recognises. ${SUPPORTED}`);
}

/** Reads and recognises the header; for crypt12 also the phone-number digits at the very end. */
export async function readWhatsAppHeader(source: RandomAccessSource, name?: string): Promise<WhatsAppHeader> {
  const head = await source.read(0, Math.min(source.size, MAX_HEADER_LENGTH + 8));
  const header = parseWhatsAppHeader(head, source.size, name);
  if (header.format === 'crypt12') {
    const tail = await source.read(source.size - 4, 4);
    const digits = new TextDecoder('latin1').decode(tail).replace(/^-+/, '');
    if (/^\d+$/.test(digits)) header.phoneSuffix = digits;
  }
  return header;
}

export const FORMAT_DESCRIPTIONS: Record<WhatsAppFormat, string> = {
  crypt15: 'crypt15, end-to-end encrypted',
  crypt14: 'crypt14',
  crypt12: 'crypt12',
};

/** "msgstore.db" from "msgstore.db.crypt15"; a ZIP inside gets ".zip". */
export function outputName(backupName: string, content: 'sqlite' | 'zip' | 'data'): string {
  const base = backupName.replace(/\.crypt\d+$/i, '') || 'whatsapp-backup';
  if (content === 'zip' && !/\.zip$/i.test(base)) return `${base}.zip`;
  if (base === backupName) return `${base}.decrypted`;
  return base;
}
