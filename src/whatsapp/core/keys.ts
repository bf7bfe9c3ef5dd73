/**
 * The two kinds of WhatsApp backup key:
 * - end-to-end ("e2e", crypt15): a 32-byte root key, shown to the person as 64 hex digits or
 *   stored by the phone as `encrypted_backup.key` (a Java-serialised byte[32]);
 * - legacy (crypt12 and crypt14): the phone's 158-byte `key` file, a Java-serialised byte[131]
 *   holding the cipher and key versions, two salts, a hashed account id and the AES key.
 */
import { CofferError } from '../../core/errors.ts';

export type WhatsAppKey =
  | { kind: 'e2e'; rootKey: Uint8Array }
  | {
      kind: 'legacy';
      aesKey: Uint8Array;
      cipherVersion: Uint8Array;
      keyVersion: number;
      serverSalt: Uint8Array;
      googleIdSalt: Uint8Array;
    };

export const E2E_KEY_BYTES = 32;
export const LEGACY_KEY_BYTES = 131;
const JAVA_MAGIC = [0xac, 0xed, 0x00, 0x05];
const TC_ARRAY = 0x75;
const TC_CLASSDESC = 0x72;
const TC_ENDBLOCKDATA = 0x78;
const TC_NULL = 0x70;

/** The hex digits of a typed key: spaces, dashes, colons and line breaks are ignored. */
export function keyDigits(text: string): string {
  return text.replace(/[\s\-:]/g, '');
}

/** What is wrong with a typed key, for showing while the person types; undefined when it is fine. */
export function whatsappKeyProblem(text: string): string | undefined {
  const digits = keyDigits(text);
  const bad = /[^0-9a-fA-F]/.exec(digits);
  if (bad) return `A WhatsApp key has only the digits 0–9 and the letters a–f; "${bad[0]}" is not one of them.`;
  if (digits.length !== 64) return `A WhatsApp key has 64 digits; this has ${digits.length}.`;
  return undefined;
}

/** The 64-hex-digit end-to-end backup key, as WhatsApp shows it. */
export function parseWhatsAppKey(text: string): WhatsAppKey {
  const problem = whatsappKeyProblem(text);
  if (problem) throw new CofferError('invalid_input', problem);
  const digits = keyDigits(text);
  const rootKey = new Uint8Array(E2E_KEY_BYTES);
  for (let i = 0; i < E2E_KEY_BYTES; i++) rootKey[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return { kind: 'e2e', rootKey };
}

function notAKeyFile(detail: string): CofferError {
  return new CofferError(
    'invalid_input',
    `This is not a WhatsApp key file (${detail}). Use encrypted_backup.key or the 64-digit key for crypt15 backups, or the 158-byte "key" file for crypt12 and crypt14.`,
  );
}

/** The byte[] inside a Java serialisation stream, or undefined if `bytes` is not one. */
export function javaByteArray(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 4 || JAVA_MAGIC.some((byte, i) => bytes[i] !== byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 4;
  const need = (n: number) => {
    if (p + n > bytes.length) throw notAKeyFile('it ends inside its Java header');
  };
  need(1);
  if (bytes[p++] !== TC_ARRAY) throw notAKeyFile('it holds a Java object that is not a byte array');
  need(3);
  if (bytes[p++] !== TC_CLASSDESC) throw notAKeyFile('its Java class description is not one this reader knows');
  const nameLength = view.getUint16(p);
  p += 2;
  need(nameLength);
  let name = '';
  for (const byte of bytes.subarray(p, p + nameLength)) name += String.fromCharCode(byte);
  p += nameLength;
  if (name !== '[B') throw notAKeyFile(`it holds a Java ${JSON.stringify(name)}, not a byte array`);
  need(8 + 1 + 2 + 2);
  p += 8 + 1; // serialVersionUID, flags
  const fieldCount = view.getUint16(p);
  p += 2;
  if (fieldCount !== 0 || bytes[p] !== TC_ENDBLOCKDATA || bytes[p + 1] !== TC_NULL)
    throw notAKeyFile('its Java class description is not one this reader knows');
  p += 2;
  need(4);
  const length = view.getInt32(p);
  p += 4;
  if (length < 0 || length !== bytes.length - p)
    throw notAKeyFile(`its byte array says ${length} bytes but ${bytes.length - p} follow`);
  return bytes.subarray(p);
}

function legacyKey(raw: Uint8Array): WhatsAppKey {
  return {
    kind: 'legacy',
    cipherVersion: raw.slice(0, 2),
    keyVersion: raw[2],
    serverSalt: raw.slice(3, 35),
    googleIdSalt: raw.slice(35, 51),
    aesKey: raw.slice(99, 131),
  };
}

/** Any key file a person may have: encrypted_backup.key, the legacy `key`, or a text file of 64 hex digits. */
export function parseWhatsAppKeyFile(bytes: Uint8Array): WhatsAppKey {
  const array = javaByteArray(bytes);
  if (array) {
    if (array.length === E2E_KEY_BYTES) return { kind: 'e2e', rootKey: array.slice() };
    if (array.length === LEGACY_KEY_BYTES) return legacyKey(array);
    throw notAKeyFile(`it holds ${array.length} bytes, where a key file holds 32 or 131`);
  }
  if (bytes.length === LEGACY_KEY_BYTES && bytes[0] === 0 && bytes[1] === 1) return legacyKey(bytes);
  if (bytes.length <= 200) {
    const text = new TextDecoder('latin1').decode(bytes);
    if (/^[\s0-9a-fA-F\-:]+$/.test(text) && keyDigits(text).length === 64) return parseWhatsAppKey(text);
  }
  if (bytes.length === E2E_KEY_BYTES) return { kind: 'e2e', rootKey: bytes.slice() };
  throw notAKeyFile(`${bytes.length} bytes that are neither a Java byte array nor 64 hex digits`);
}

export function describeKey(key: WhatsAppKey): string {
  return key.kind === 'e2e' ? 'an end-to-end backup key (crypt15)' : 'a crypt12/crypt14 key file';
}
