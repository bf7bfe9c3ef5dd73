/**
 * Thin wrappers over WebCrypto (globalThis.crypto exists in browsers, workers and Node 20).
 * Keys are imported non-extractable, so once a secret has become a CryptoKey its raw bytes
 * can be wiped by the caller.
 */
import { utf8 } from './bytes.ts';

export const KEY_LENGTH = 32;
export const TAG_LENGTH = 16;
export const IV_LENGTH = 12;

/** WebCrypto wants ArrayBuffer-backed views; ours always are, but TypeScript cannot tell. */
function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

function subtle(): SubtleCrypto {
  const api = globalThis.crypto?.subtle;
  if (!api) throw new Error('WebCrypto is not available in this environment.');
  return api;
}

export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let offset = 0; offset < length; offset += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
  }
  return out;
}

export type RandomSource = (length: number) => Uint8Array;

export async function importHkdfKey(ikm: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', source(ikm), 'HKDF', false, ['deriveKey', 'deriveBits']);
}

function hkdfParams(salt: Uint8Array, info: string): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt: source(salt), info: source(utf8(info)) };
}

export async function hkdfBytes(ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Promise<Uint8Array> {
  return hkdfRawBytes(await importHkdfKey(ikm), salt, info, length);
}

export async function hkdfRawBytes(
  base: CryptoKey,
  salt: Uint8Array,
  info: string,
  length: number,
): Promise<Uint8Array> {
  return new Uint8Array(await subtle().deriveBits(hkdfParams(salt, info), base, length * 8));
}

export async function hkdfAesKey(base: CryptoKey, salt: Uint8Array, info: string): Promise<CryptoKey> {
  return subtle().deriveKey(hkdfParams(salt, info), base, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

export async function hkdfHmacKey(base: CryptoKey, salt: Uint8Array, info: string): Promise<CryptoKey> {
  return subtle().deriveKey(hkdfParams(salt, info), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
    'sign',
  ]);
}

export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', source(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

export async function hmac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', key, source(data)));
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', source(data)));
}

export async function seal(
  key: CryptoKey,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  const params: AesGcmParams = { name: 'AES-GCM', iv: source(iv) };
  if (aad && aad.length > 0) params.additionalData = source(aad);
  return new Uint8Array(await subtle().encrypt(params, key, source(plaintext)));
}

/**
 * AES-256-GCM bound to one key, for platforms with a faster implementation than WebCrypto: in
 * Node, WebCrypto hands each call to the thread pool with copies, at a fraction of what OpenSSL
 * does directly. Same inputs, same bytes: only the engine differs.
 *
 * Both methods must have finished reading their input when they return, as WebCrypto has (it
 * copies the data during the call): the stream layer refills its buffers straight after.
 */
export interface AesGcmCipher {
  /** The ciphertext then the tag, in one piece or several (sparing a copy into one buffer). */
  seal(iv: Uint8Array, plaintext: Uint8Array): SealedPieces | Promise<SealedPieces>;
  /** undefined when the tag does not verify. */
  open(iv: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

export type SealedPieces = Uint8Array | Uint8Array[];

/** Makes a cipher from a raw key. It must keep its own copy: the caller wipes `rawKey` afterwards. */
export type AesGcmProvider = (rawKey: Uint8Array) => AesGcmCipher;

/** A payload key: a non-extractable WebCrypto key, or a cipher from an AesGcmProvider. */
export type AesGcmKey = CryptoKey | AesGcmCipher;

function isCipher(key: AesGcmKey): key is AesGcmCipher {
  return typeof (key as AesGcmCipher).seal === 'function';
}

export async function sealWith(key: AesGcmKey, iv: Uint8Array, plaintext: Uint8Array): Promise<SealedPieces> {
  return isCipher(key) ? key.seal(iv, plaintext) : seal(key, iv, plaintext);
}

export async function openWith(
  key: AesGcmKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array | undefined> {
  return isCipher(key) ? key.open(iv, ciphertext) : open(key, iv, ciphertext);
}

/** Returns undefined when the tag does not verify; callers decide what that means. */
export async function open(
  key: CryptoKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array | undefined> {
  const params: AesGcmParams = { name: 'AES-GCM', iv: source(iv) };
  if (aad && aad.length > 0) params.additionalData = source(aad);
  try {
    return new Uint8Array(await subtle().decrypt(params, key, source(ciphertext)));
  } catch {
    return undefined;
  }
}
