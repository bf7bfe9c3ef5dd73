/**
 * Tells a backup that ends early from one altered in place, when its last chunk fails to open.
 *
 * The format records no total length, so the tag alone cannot say which happened. What can: the
 * payload always ends with the trailer, whose last 8 bytes are the magic `COFFIDX1` (FORMAT.md
 * 5.1). A file altered in place still has its end, so the magic still sits right before the
 * chunk's tag; a file cut short has lost it. The check decrypts without authenticating (GCM is
 * counter mode: sealing zeros under the chunk's IV gives the keystream). Those bytes decide only
 * the wording of the failure; they are never used as data and are wiped at once.
 */
import { type AesGcmKey, sealWith, TAG_LENGTH } from './crypto.ts';

const MAGIC = [0x43, 0x4f, 0x46, 0x46, 0x49, 0x44, 0x58, 0x31]; // "COFFIDX1"

/** True when a final chunk that failed its tag still ends with an intact trailer magic. */
export async function endIsIntact(key: AesGcmKey, finalIv: Uint8Array, sealed: Uint8Array): Promise<boolean> {
  const body = sealed.length - TAG_LENGTH;
  if (body < MAGIC.length) return false;
  const zeros = new Uint8Array(body);
  const pieces = await sealWith(key, finalIv, zeros);
  const keystream = Array.isArray(pieces) ? pieces[0] : pieces;
  let intact = true;
  for (let i = 0; i < MAGIC.length; i++) {
    const at = body - MAGIC.length + i;
    if (((sealed[at] ?? 0) ^ (keystream[at] ?? 0)) !== MAGIC[i]) intact = false;
  }
  keystream.fill(0);
  return intact;
}
