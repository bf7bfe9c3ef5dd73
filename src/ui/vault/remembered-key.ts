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

import { assertPrf, createPasskey } from '../rekey/passkey.ts';
import { type KeyProtection, openCatalogue, type RememberedKey } from './db.ts';
import {
  deriveDeviceKey,
  lockDevice,
  seal,
  setDevicePassphrase,
  setUnlocked,
  unlockedFor,
  unlockedKey,
  unseal,
} from './device-lock.ts';

export { isDeviceUnlocked } from './device-lock.ts';

import { PasskeyDidNotAnswer, WrongDevicePassphrase } from './refusals.ts';

export const REMEMBERED_KEY_SLOT = 'recovery-key';
const SLOT = REMEMBERED_KEY_SLOT;
/** Bound into every ciphertext so the record cannot be reused as anything else. */
export const REMEMBERED_KEY_AAD = new TextEncoder().encode('coffer remembered recovery key v1');
const AAD = REMEMBERED_KEY_AAD;

const PASSKEY_INFO = new TextEncoder().encode('coffer remembered recovery key passkey v1');

/** An AES-GCM key from a passkey's PRF output (HKDF; the output is wiped). */
async function passkeyWrappingKey(prfOutput: Uint8Array): Promise<CryptoKey> {
  try {
    const base = await crypto.subtle.importKey('raw', prfOutput as Uint8Array<ArrayBuffer>, 'HKDF', false, [
      'deriveKey',
    ]);
    return await crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: PASSKEY_INFO },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  } finally {
    prfOutput.fill(0);
  }
}

function isProtected(record: RememberedKey | Record<string, unknown>): record is RememberedKey {
  const method = (record as RememberedKey).protection?.method;
  return (method === 'device-passphrase' || method === 'passkey') && !('wrappingKey' in record);
}

/** Deletes a record from before device passphrases: it opens from the profile's files alone. */
export async function purgeUnprotected(): Promise<void> {
  const db = await openCatalogue();
  const stored = (await db.get('keys', SLOT)) as RememberedKey | Record<string, unknown> | undefined;
  if (stored && !isProtected(stored)) await db.delete('keys', SLOT);
}

/**
 * Stores the recovery key wrapped by the device passphrase. `passphrase` may be omitted when the
 * device passphrase was entered earlier in this tab.
 */
export async function rememberRecoveryKey(recoveryKey: string, passphrase?: string): Promise<void> {
  if (passphrase) await setDevicePassphrase(passphrase);
  if (!unlockedKey()) throw new Error('Enter a device passphrase to remember the recovery key.');
  await storeWrapped(recoveryKey);
}

/**
 * Stores the recovery key wrapped by a new passkey's PRF output (registered now, so the browser
 * asks the person to create it). Throws the plain no-PRF message where the passkey has no PRF.
 */
export async function rememberRecoveryKeyWithPasskey(recoveryKey: string): Promise<void> {
  const passkey = await createPasskey();
  const protection: KeyProtection = {
    method: 'passkey',
    credentialId: passkey.credentialId,
    prfSalt: passkey.prfSalt,
  };
  setUnlocked(await passkeyWrappingKey(passkey.prfOutput), protection);
  await storeWrapped(recoveryKey);
}

async function storeWrapped(recoveryKey: string): Promise<void> {
  if (!unlockedKey()) throw new Error('Nothing protects the remembered recovery key.');
  const sealed = await seal(new TextEncoder().encode(recoveryKey.replace(/\D/g, '')), AAD);
  await (await openCatalogue()).put('keys', { ...sealed, savedAt: Date.now() }, SLOT);
}

export async function hasRememberedKey(): Promise<boolean> {
  return (await rememberedKeyMethod()) !== undefined;
}

/** How the remembered key is protected, or undefined when none is remembered. */
export async function rememberedKeyMethod(): Promise<KeyProtection['method'] | undefined> {
  await purgeUnprotected();
  const stored = (await (await openCatalogue()).get('keys', SLOT)) as
    | RememberedKey
    | Record<string, unknown>
    | undefined;
  // Another tab or panel may be purging an old record at this moment: only a protected one counts.
  return stored && isProtected(stored) ? stored.protection.method : undefined;
}

/**
 * Opens the remembered key. Needs the device passphrase unless it was entered earlier in this
 * tab; a wrong one throws `WrongDevicePassphrase` and changes nothing.
 */
export async function recallRecoveryKey(passphrase?: string): Promise<string | undefined> {
  const stored = (await (await openCatalogue()).get('keys', SLOT)) as RememberedKey | undefined;
  if (!stored || !isProtected(stored)) return undefined;
  let key = unlockedFor(stored.protection);
  if (!key && stored.protection.method === 'passkey') {
    const { credentialId, prfSalt } = stored.protection;
    try {
      key = await passkeyWrappingKey((await assertPrf([{ credentialId, prfSalt }])).prfOutput);
    } catch (error) {
      throw new PasskeyDidNotAnswer(
        error instanceof DOMException && error.name === 'NotAllowedError'
          ? 'it was cancelled, or this device does not hold it.'
          : (error as Error).message,
      );
    }
  }
  if (!key && stored.protection.method === 'device-passphrase') {
    if (!passphrase) throw new WrongDevicePassphrase();
    key = await deriveDeviceKey(passphrase, stored.protection);
  }
  if (!key) return undefined;
  const plaintext = await unseal(stored, key, AAD);
  if (!plaintext) {
    if (stored.protection.method === 'passkey') throw new PasskeyDidNotAnswer('another passkey answered.');
    throw new WrongDevicePassphrase();
  }
  setUnlocked(key, stored.protection);
  const recoveryKey = new TextDecoder().decode(plaintext);
  plaintext.fill(0);
  return recoveryKey;
}

export async function forgetRecoveryKey(): Promise<void> {
  lockDevice();
  await (await openCatalogue()).delete('keys', SLOT);
}
