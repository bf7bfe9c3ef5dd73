/**
 * AES-256-GCM through node:crypto for the core's payload chunks. Node's WebCrypto runs each call
 * as a thread-pool job with copies in and out, which left the CLI at a fraction of OpenSSL's
 * speed on this kind of machine; calling OpenSSL directly produces the same bytes much faster.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { AesGcmCipher, AesGcmProvider } from '../core/index.ts';

const TAG_LENGTH = 16;

export const nodeAesGcm = ((rawKey: Uint8Array): NodeAesGcm => {
  const copy = Buffer.from(rawKey);
  // The KeyObject holds the key outside the JavaScript heap; our copy is wiped at once.
  const key: KeyObject = createSecretKey(copy);
  copy.fill(0);
  return new NodeAesGcm(key);
}) satisfies AesGcmProvider;

export class NodeAesGcm implements AesGcmCipher {
  constructor(private readonly key: KeyObject) {}

  /** Two pieces, ciphertext then tag: joining them would cost a fresh buffer and a copy per chunk. */
  seal(iv: Uint8Array, plaintext: Uint8Array): Uint8Array[] {
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = cipher.update(plaintext);
    cipher.final();
    return [body, cipher.getAuthTag()];
  }

  open(iv: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    if (ciphertext.length < TAG_LENGTH) return undefined;
    const body = ciphertext.length - TAG_LENGTH;
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(ciphertext.subarray(body));
    const out = decipher.update(ciphertext.subarray(0, body));
    try {
      decipher.final();
    } catch {
      // The tag did not verify: nothing decrypted here may be used, so none of it is returned.
      out.fill(0);
      return undefined;
    }
    return out;
  }
}
