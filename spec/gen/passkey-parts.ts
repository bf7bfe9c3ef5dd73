/**
 * Passkey slots (spec 3.4) for the test vectors. A vector cannot run a real authenticator, so
 * the credential id, PRF salt and PRF output are drawn from a DRBG seeded with the vector's
 * name; the vector's JSON carries the credential id and PRF output (hex) a reader must use.
 */
import { createHash } from 'node:crypto';
import { fromHex, toHex, utf8 } from '../../src/core/bytes.ts';
import { importAesKey, seal } from '../../src/core/crypto.ts';
import { passkeyBodyBeforeWrap, passkeyKeys, SLOT_TYPE_PASSKEY } from '../../src/core/passkey.ts';
import type { Credentials, SlotSpec } from '../../src/core/slots.ts';
import { Drbg } from './drbg.ts';

/** The RP ID the vectors' passkeys belong to. */
export const PASSKEY_RP_ID = 'localhost';

/** Credentials as the vectors' JSON holds them: a passkey as hex strings. */
export interface VectorCredentials {
  passphrase?: string;
  recoveryKey?: string;
  passkey?: { credentialId: string; prfOutput: string };
}

export function toCredentials(json: VectorCredentials): Credentials {
  const { passkey, ...rest } = json;
  if (!passkey) return { ...rest };
  return { ...rest, passkey: { credentialId: fromHex(passkey.credentialId), prfOutput: fromHex(passkey.prfOutput) } };
}

export type PasskeySpec = Extract<SlotSpec, { kind: 'passkey' }>;

export interface VectorPasskey {
  spec: PasskeySpec;
  credentials: VectorCredentials;
}

export function vectorPasskey(seed: string): VectorPasskey {
  const rng = new Drbg(`${seed}/passkey`);
  const spec: PasskeySpec = {
    kind: 'passkey',
    rpIdHash: new Uint8Array(createHash('sha256').update(utf8(PASSKEY_RP_ID)).digest()),
    credentialId: rng.bytes(16),
    prfSalt: rng.bytes(32),
    prfOutput: rng.bytes(32),
  };
  return {
    spec,
    credentials: { passkey: { credentialId: toHex(spec.credentialId), prfOutput: toHex(spec.prfOutput) } },
  };
}

/**
 * A passkey slot whose commitment field is `commitment` rather than the one HKDF gives, with the
 * wrapped key sealed properly under the real kek (AAD included): its only fault is the commitment.
 */
export async function passkeySlotWithCommitment(
  spec: PasskeySpec,
  fileKey: Uint8Array,
  commitment: Uint8Array,
): Promise<Uint8Array> {
  const { kek } = await passkeyKeys(spec.prfOutput, spec.prfSalt);
  const body = passkeyBodyBeforeWrap({ ...spec, commitment });
  const prefix = new Uint8Array(4 + body.length);
  prefix[0] = SLOT_TYPE_PASSKEY;
  new DataView(prefix.buffer).setUint16(2, body.length + 48, true);
  prefix.set(body, 4);
  const wrapped = await seal(await importAesKey(kek), new Uint8Array(12), fileKey, prefix);
  const slot = new Uint8Array(prefix.length + wrapped.length);
  slot.set(prefix);
  slot.set(wrapped, prefix.length);
  return slot;
}
