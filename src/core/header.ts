/** The header (spec section 2): magic, version, parameters, slots and the header MAC. */

import { concatBytes, constantTimeEqual, view, wipe } from './bytes.ts';
import {
  type AesGcmKey,
  type AesGcmProvider,
  hkdfAesKey,
  hkdfHmacKey,
  hkdfRawBytes,
  hmac,
  importHkdfKey,
  type RandomSource,
} from './crypto.ts';
import { CofferError } from './errors.ts';
import { checkArgon2Budget } from './kdf.ts';
import { buildSlot, type Credentials, type ParsedSlot, parseSlot, type SlotSpec, unwrapFileKey } from './slots.ts';
import { describeForeignFile } from './sniff.ts';

export const MAGIC = new Uint8Array([0x89, 0x43, 0x4f, 0x46, 0x46, 0x45, 0x52, 0x0a]);
export const FORMAT_VERSION = 1;
/**
 * Version 3 is version 1 plus a recovery section after the payload (spec 11). Version 2 is never
 * used: the frozen test vector unsupported-version-2 requires readers to refuse it.
 */
export const RECOVERY_VERSION = 3;
export const FIXED_HEADER_LENGTH = 52;
export const HEADER_PREFIX_LENGTH = 16;
export const MAC_LENGTH = 32;
export const MAX_HEADER_LENGTH = 65536;
export const MAX_SLOTS = 16;
export const MIN_CHUNK_LOG2 = 10;
export const MAX_CHUNK_LOG2 = 24;
export const DEFAULT_CHUNK_LOG2 = 18;
const NONCE_LENGTH = 32;
const HEADER_MAC_INFO = 'coffer/v1 header mac';
const PAYLOAD_INFO = 'coffer/v1 payload';
const RECOVERY_INFO = 'coffer/v3 recovery';
const FOOTER_MAC_INFO = 'coffer/v3 recovery footer';

export interface Header {
  version: number;
  headerLength: number;
  chunkSizeLog2: number;
  chunkSize: number;
  payloadNonce: Uint8Array;
  slots: ParsedSlot[];
  /** The whole header as read, MAC included. */
  bytes: Uint8Array;
}

/** The keys a reader or writer needs once a slot has yielded the file key. */
export interface FileKeys {
  payloadKey: AesGcmKey;
  headerMacKey: CryptoKey;
  /** Seals the index copy and the parity shards of a version 3 file (spec 11). */
  recoveryKey: AesGcmKey;
  /** Authenticates the recovery footer of a version 3 file (spec 11.1, revision 1.3). */
  footerMacKey: CryptoKey;
}

function startsWithMagic(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/**
 * Reads the 16-byte prefix and returns the header length, checking magic, version and bounds.
 * `fileSize` lets it tell a truncated file from one that is not a backup at all.
 */
export function parseHeaderPrefix(prefix: Uint8Array, fileSize: number): number {
  // A short prefix that matches the magic so far is a cut-off backup, not some other file.
  if (prefix.length === 0 || !startsWithMagic(prefix)) {
    const looks = describeForeignFile(prefix);
    throw new CofferError(
      'not_coffer',
      looks
        ? `This is not a Coffer backup: it looks like ${looks}.`
        : 'This is not a Coffer backup (it does not start with the Coffer signature).',
    );
  }
  if (prefix.length < HEADER_PREFIX_LENGTH) {
    throw new CofferError('truncated', 'This Coffer backup is cut short: it ends inside its header.');
  }
  const dv = view(prefix);
  const version = dv.getUint16(8, true);
  if (version !== FORMAT_VERSION && version !== RECOVERY_VERSION) {
    throw new CofferError(
      'unsupported_version',
      `This backup uses Coffer format version ${version}; this version of Coffer reads versions ${FORMAT_VERSION} and ${RECOVERY_VERSION}. Update Coffer to open it.`,
    );
  }
  if (dv.getUint16(10, true) !== 0) {
    throw new CofferError('header_damaged', "The backup's header is damaged: unknown flags are set.");
  }
  const headerLength = dv.getUint32(12, true);
  if (headerLength > MAX_HEADER_LENGTH) {
    throw new CofferError(
      'limit_exceeded',
      `The backup's header claims ${headerLength} bytes, over the ${MAX_HEADER_LENGTH}-byte limit.`,
    );
  }
  // Spec 2: a headerLength out of range (below one minimal slot, too) is limit exceeded.
  if (headerLength < FIXED_HEADER_LENGTH + MAC_LENGTH + 4) {
    throw new CofferError(
      'limit_exceeded',
      `The backup's header claims ${headerLength} bytes, too few to hold a key slot.`,
    );
  }
  if (fileSize < headerLength) {
    throw new CofferError('truncated', 'This Coffer backup is cut short: it ends inside its header.');
  }
  return headerLength;
}

/** Parses and bounds-checks the whole header. No key derivation happens here. */
export function parseHeader(bytes: Uint8Array, fileSize: number): Header {
  const headerLength = parseHeaderPrefix(bytes.subarray(0, HEADER_PREFIX_LENGTH), fileSize);
  if (bytes.length < headerLength) {
    throw new CofferError('truncated', 'This Coffer backup is cut short: it ends inside its header.');
  }
  const header = bytes.subarray(0, headerLength);
  const chunkSizeLog2 = header[16];
  const slotCount = header[17];
  if (chunkSizeLog2 < MIN_CHUNK_LOG2 || chunkSizeLog2 > MAX_CHUNK_LOG2) {
    throw new CofferError(
      'limit_exceeded',
      `The backup's chunk size 2^${chunkSizeLog2} is outside the supported range.`,
    );
  }
  if (slotCount < 1 || slotCount > MAX_SLOTS) {
    throw new CofferError(
      'limit_exceeded',
      `The backup's header lists ${slotCount} key slots; 1 to ${MAX_SLOTS} are allowed.`,
    );
  }
  if (header[18] !== 0 || header[19] !== 0) {
    throw new CofferError('header_damaged', "The backup's header is damaged: reserved bytes are not zero.");
  }
  const slotsEnd = headerLength - MAC_LENGTH;
  const slotArea = header.subarray(0, slotsEnd);
  const slots: ParsedSlot[] = [];
  let offset = FIXED_HEADER_LENGTH;
  for (let i = 0; i < slotCount; i++) {
    const parsed = parseSlot(slotArea, offset);
    slots.push(parsed.slot);
    offset = parsed.end;
  }
  checkArgon2Budget(slots.flatMap((slot) => (slot.kind === 'passphrase' ? [slot.kdf] : [])));
  if (offset !== slotsEnd) {
    throw new CofferError('header_damaged', "The backup's header is damaged: its key slots do not fill it exactly.");
  }
  return {
    version: view(header).getUint16(8, true),
    headerLength,
    chunkSizeLog2,
    chunkSize: 2 ** chunkSizeLog2,
    payloadNonce: header.slice(20, 20 + NONCE_LENGTH),
    slots,
    bytes: header.slice(),
  };
}

export async function deriveFileKeys(
  fileKey: Uint8Array,
  payloadNonce: Uint8Array,
  aes?: AesGcmProvider,
): Promise<FileKeys> {
  const base = await importHkdfKey(fileKey);
  return {
    payloadKey: aes
      ? await derivePayloadCipher(base, payloadNonce, aes, PAYLOAD_INFO)
      : await hkdfAesKey(base, payloadNonce, PAYLOAD_INFO),
    headerMacKey: await hkdfHmacKey(base, new Uint8Array(0), HEADER_MAC_INFO),
    recoveryKey: aes
      ? await derivePayloadCipher(base, payloadNonce, aes, RECOVERY_INFO)
      : await hkdfAesKey(base, payloadNonce, RECOVERY_INFO),
    footerMacKey: await hkdfHmacKey(base, payloadNonce, FOOTER_MAC_INFO),
  };
}

/** The same HKDF output as hkdfAesKey, as raw bytes handed to the provider and then wiped. */
async function derivePayloadCipher(
  base: CryptoKey,
  payloadNonce: Uint8Array,
  aes: AesGcmProvider,
  info: string,
): Promise<AesGcmKey> {
  const raw = await hkdfRawBytes(base, payloadNonce, info, 32);
  try {
    return aes(raw);
  } finally {
    wipe(raw);
  }
}

/** Opens a slot with the credentials, then verifies the header MAC before anything else. */
export async function unlockHeader(header: Header, credentials: Credentials, aes?: AesGcmProvider): Promise<FileKeys> {
  const fileKey = await unwrapFileKey(header.slots, credentials);
  let keys: FileKeys;
  try {
    keys = await deriveFileKeys(fileKey, header.payloadNonce, aes);
  } finally {
    wipe(fileKey);
  }
  const macOffset = header.headerLength - MAC_LENGTH;
  const expected = await hmac(keys.headerMacKey, header.bytes.subarray(0, macOffset));
  if (!constantTimeEqual(expected, header.bytes.subarray(macOffset))) {
    throw new CofferError(
      'header_damaged',
      "The backup's header has been changed or damaged: its integrity check failed, so nothing was decrypted.",
    );
  }
  return keys;
}

export interface BuiltHeader {
  bytes: Uint8Array;
  keys: FileKeys;
}

/** Writes a header with a fresh file key wrapped by every slot in `specs`. */
export async function buildHeader(
  specs: readonly SlotSpec[],
  chunkSizeLog2: number,
  random: RandomSource,
  aes?: AesGcmProvider,
  version: number = FORMAT_VERSION,
): Promise<BuiltHeader> {
  if (specs.length < 1 || specs.length > MAX_SLOTS) {
    throw new CofferError(
      'invalid_input',
      'A backup needs at least one way to unlock it (a passphrase or a recovery key).',
    );
  }
  if (chunkSizeLog2 < MIN_CHUNK_LOG2 || chunkSizeLog2 > MAX_CHUNK_LOG2) {
    throw new CofferError('invalid_input', `Chunk size 2^${chunkSizeLog2} is outside the format's range.`);
  }
  // Spec 3.4: a passkey belongs to one website and one device or account; it is never the only way in.
  if (specs.every((spec) => spec.kind === 'passkey')) {
    throw new CofferError(
      'invalid_input',
      'A passkey cannot be the only way to unlock a backup: add a passphrase or a recovery key.',
    );
  }
  const fileKey = random(32);
  try {
    const slots: Uint8Array[] = [];
    for (const spec of specs) slots.push(await buildSlot(spec, fileKey, random));
    const fixed = new Uint8Array(FIXED_HEADER_LENGTH);
    fixed.set(MAGIC, 0);
    const dv = view(fixed);
    dv.setUint16(8, version, true);
    const headerLength = FIXED_HEADER_LENGTH + slots.reduce((sum, s) => sum + s.length, 0) + MAC_LENGTH;
    dv.setUint32(12, headerLength, true);
    fixed[16] = chunkSizeLog2;
    fixed[17] = slots.length;
    const payloadNonce = random(NONCE_LENGTH);
    fixed.set(payloadNonce, 20);
    const keys = await deriveFileKeys(fileKey, payloadNonce, aes);
    const unauthenticated = concatBytes([fixed, ...slots]);
    const mac = await hmac(keys.headerMacKey, unauthenticated);
    return { bytes: concatBytes([unauthenticated, mac]), keys };
  } finally {
    wipe(fileKey);
  }
}
