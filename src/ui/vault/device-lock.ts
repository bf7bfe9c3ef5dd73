/**
 * The device passphrase's key: AES-GCM, derived with Argon2id from a passphrase that is never
 * stored, held for this tab's life only (as a non-extractable key in memory). Secrets kept on
 * this device (a remembered recovery key, the credentials of a place) are sealed with it; each
 * sealed record carries the salt and parameters that derive it, nothing that opens it.
 */
import { KDF_PRESETS } from '../../core/kdf.ts';
import { coffer } from '../shared/client.ts';
import type { KeyProtection } from './db.ts';

export type DeviceProtection = Extract<KeyProtection, { method: 'device-passphrase' }>;

/** A secret as stored: never the plaintext, never the key. */
export interface Sealed {
  protection: KeyProtection;
  iv: Uint8Array;
  ciphertext: ArrayBuffer;
}

/** The unlocked wrapping key, kept for this tab's life only, with how it was derived. */
let unlocked: { key: CryptoKey; protection: KeyProtection } | undefined;

export function unlockedKey(): { key: CryptoKey; protection: KeyProtection } | undefined {
  return unlocked;
}

export function setUnlocked(key: CryptoKey, protection: KeyProtection): void {
  unlocked = { key, protection };
}

export function lockDevice(): void {
  unlocked = undefined;
}

/** Whether the device passphrase was already entered in this tab (so it need not be asked again). */
export function isDeviceUnlocked(): boolean {
  return unlocked?.protection.method === 'device-passphrase';
}

export async function deriveDeviceKey(passphrase: string, protection: DeviceProtection): Promise<CryptoKey> {
  const result = await coffer.run({
    type: 'device-key',
    passphrase,
    salt: protection.salt,
    params: protection.params,
  });
  try {
    return await crypto.subtle.importKey('raw', result.key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
  } finally {
    result.key.fill(0);
  }
}

/** A new device passphrase: a fresh salt, derived and held as the unlocked key. */
export async function setDevicePassphrase(passphrase: string): Promise<void> {
  const protection: DeviceProtection = {
    method: 'device-passphrase',
    salt: crypto.getRandomValues(new Uint8Array(16)),
    params: { ...KDF_PRESETS.default },
  };
  unlocked = { key: await deriveDeviceKey(passphrase, protection), protection };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export function sameProtection(a: KeyProtection, b: KeyProtection): boolean {
  if (a.method === 'device-passphrase' && b.method === 'device-passphrase') return sameBytes(a.salt, b.salt);
  if (a.method === 'passkey' && b.method === 'passkey') return sameBytes(a.credentialId, b.credentialId);
  return false;
}

/** The unlocked key if it is the one `protection` describes. */
export function unlockedFor(protection: KeyProtection): CryptoKey | undefined {
  return unlocked && sameProtection(unlocked.protection, protection) ? unlocked.key : undefined;
}

/** Seals `plaintext` (wiped after) with the unlocked key; `aad` binds the record to its use. */
export async function seal(plaintext: Uint8Array, aad: Uint8Array): Promise<Sealed> {
  if (!unlocked) throw new Error('Enter the device passphrase first.');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  try {
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad as Uint8Array<ArrayBuffer> },
      unlocked.key,
      plaintext as Uint8Array<ArrayBuffer>,
    );
    return { protection: unlocked.protection, iv, ciphertext };
  } finally {
    plaintext.fill(0);
  }
}

/** The plaintext of a sealed record, or undefined when `key` does not open it. */
export async function unseal(sealed: Sealed, key: CryptoKey, aad: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.iv as Uint8Array<ArrayBuffer>, additionalData: aad as Uint8Array<ArrayBuffer> },
        key,
        sealed.ciphertext,
      ),
    );
  } catch {
    return undefined;
  }
}
