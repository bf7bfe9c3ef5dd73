/**
 * "Remember my recovery key on this device": the key is encrypted with a non-extractable
 * AES-GCM key that lives in IndexedDB as a CryptoKey, so the key never sits in storage in the
 * clear. This protects against copying the profile's files, not against someone who controls
 * this browser profile (they can ask the browser to decrypt it, as Coffer does).
 */
import { openCatalogue } from './db.ts';

const SLOT = 'recovery-key';

export async function rememberRecoveryKey(recoveryKey: string): Promise<void> {
  const wrappingKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(recoveryKey.replace(/\D/g, ''));
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, wrappingKey, plaintext);
  plaintext.fill(0);
  await (await openCatalogue()).put('keys', { wrappingKey, iv, ciphertext, savedAt: Date.now() }, SLOT);
}

export async function hasRememberedKey(): Promise<boolean> {
  return (await (await openCatalogue()).count('keys', SLOT)) > 0;
}

export async function recallRecoveryKey(): Promise<string | undefined> {
  const stored = await (await openCatalogue()).get('keys', SLOT);
  if (!stored) return undefined;
  const plaintext = new Uint8Array(
    await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: stored.iv as Uint8Array<ArrayBuffer> },
      stored.wrappingKey,
      stored.ciphertext,
    ),
  );
  const key = new TextDecoder().decode(plaintext);
  plaintext.fill(0);
  return key;
}

export async function forgetRecoveryKey(): Promise<void> {
  await (await openCatalogue()).delete('keys', SLOT);
}
