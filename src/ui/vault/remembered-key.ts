/**
 * "Remember my recovery key on this device". The key is stored only AES-GCM-encrypted under a
 * key derived with Argon2id from a device passphrase that is never stored: the profile holds
 * the salt, the Argon2id parameters, the nonce and the ciphertext, nothing that opens them.
 *
 * What this protects against: someone who copies the browser profile's files (a backup of the
 * disk, a stolen laptop without disk encryption) must still guess the device passphrase, at
 * Argon2id's cost per guess. What it does not protect against: malware running as you, or anyone
 * using this browser while the tab is open and the device passphrase has been entered (it is
 * held, as a non-extractable key, in this tab's memory until the tab closes).
 *
 * An earlier version stored a non-extractable CryptoKey next to the ciphertext. Browsers write
 * such a key's raw bytes into the profile, so that record opened from the files alone; it is
 * deleted on sight (`purgeUnprotected`) and the person is asked to remember the key again.
 */

import type { Argon2Params } from '../../core/index.ts';
import { KDF_PRESETS } from '../../core/index.ts';
import { coffer } from '../shared/client.ts';
import { openCatalogue, type RememberedKey } from './db.ts';

const SLOT = 'recovery-key';
/** Bound into every ciphertext so the record cannot be reused as anything else. */
const AAD = new TextEncoder().encode('coffer remembered recovery key v1');

/**
 * How the wrapping key is obtained. Only 'device-passphrase' exists; a passkey with the PRF
 * extension would be another method returning a key for the same wrap (issue 17).
 */
export type KeyProtection = { method: 'device-passphrase'; salt: Uint8Array; params: Argon2Params };

export class WrongDevicePassphrase extends Error {
  constructor() {
    super('That device passphrase does not open the remembered recovery key.');
  }
}

/** The derived wrapping key, kept for this tab's life only, with how it was derived. */
let unlocked: { key: CryptoKey; protection: KeyProtection } | undefined;

async function deriveWrappingKey(passphrase: string, protection: KeyProtection): Promise<CryptoKey> {
  const result = await coffer.run({
    type: 'device-key',
    passphrase,
    salt: protection.salt,
    params: protection.params,
  });
  if (result.type !== 'device-key') throw new Error('The worker answered with something else.');
  try {
    return await crypto.subtle.importKey('raw', result.key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
  } finally {
    result.key.fill(0);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function isProtected(record: RememberedKey | Record<string, unknown>): record is RememberedKey {
  return (record as RememberedKey).protection?.method === 'device-passphrase' && !('wrappingKey' in record);
}

/** Deletes a record from before device passphrases: it opens from the profile's files alone. */
export async function purgeUnprotected(): Promise<void> {
  const db = await openCatalogue();
  const stored = (await db.get('keys', SLOT)) as RememberedKey | Record<string, unknown> | undefined;
  if (stored && !isProtected(stored)) await db.delete('keys', SLOT);
}

/** Whether the device passphrase was already entered in this tab (so it need not be asked again). */
export function isDeviceUnlocked(): boolean {
  return unlocked !== undefined;
}

/**
 * Stores the recovery key wrapped by the device passphrase. `passphrase` may be omitted when the
 * device passphrase was entered earlier in this tab.
 */
export async function rememberRecoveryKey(recoveryKey: string, passphrase?: string): Promise<void> {
  if (passphrase) {
    const protection: KeyProtection = {
      method: 'device-passphrase',
      salt: crypto.getRandomValues(new Uint8Array(16)),
      params: { ...KDF_PRESETS.default },
    };
    unlocked = { key: await deriveWrappingKey(passphrase, protection), protection };
  }
  if (!unlocked) throw new Error('Enter a device passphrase to remember the recovery key.');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(recoveryKey.replace(/\D/g, ''));
  try {
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: AAD },
      unlocked.key,
      plaintext,
    );
    const record = { protection: unlocked.protection, iv, ciphertext, savedAt: Date.now() };
    await (await openCatalogue()).put('keys', record, SLOT);
  } finally {
    plaintext.fill(0);
  }
}

export async function hasRememberedKey(): Promise<boolean> {
  await purgeUnprotected();
  return (await (await openCatalogue()).count('keys', SLOT)) > 0;
}

/**
 * Opens the remembered key. Needs the device passphrase unless it was entered earlier in this
 * tab; a wrong one throws `WrongDevicePassphrase` and changes nothing.
 */
export async function recallRecoveryKey(passphrase?: string): Promise<string | undefined> {
  const stored = (await (await openCatalogue()).get('keys', SLOT)) as RememberedKey | undefined;
  if (!stored || !isProtected(stored)) return undefined;
  let key = unlocked && sameBytes(unlocked.protection.salt, stored.protection.salt) ? unlocked.key : undefined;
  if (!key) {
    if (!passphrase) throw new WrongDevicePassphrase();
    key = await deriveWrappingKey(passphrase, stored.protection);
  }
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: stored.iv as Uint8Array<ArrayBuffer>, additionalData: AAD },
        key,
        stored.ciphertext,
      ),
    );
  } catch {
    throw new WrongDevicePassphrase();
  }
  unlocked = { key, protection: stored.protection };
  const recoveryKey = new TextDecoder().decode(plaintext);
  plaintext.fill(0);
  return recoveryKey;
}

export async function forgetRecoveryKey(): Promise<void> {
  unlocked = undefined;
  await (await openCatalogue()).delete('keys', SLOT);
}
