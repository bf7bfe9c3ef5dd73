/**
 * The passkey slot (spec 3.4): the file key wrapped under a key derived with HKDF from a WebAuthn
 * PRF output. The slot records which credential (and which website, by RP ID hash) it needs and
 * the PRF input; a key commitment is checked before the wrapped key is opened, so that a slot
 * cannot be crafted to open under two credentials (AES-GCM alone does not commit to its key).
 */
import { constantTimeEqual, view, wipe } from './bytes.ts';
import { hkdfBytes, KEY_LENGTH } from './crypto.ts';
import { CofferError } from './errors.ts';

export const SLOT_TYPE_PASSKEY = 5;
export const RP_ID_HASH_LENGTH = 32;
export const PRF_SALT_LENGTH = 32;
export const PRF_OUTPUT_LENGTH = 32;
export const COMMITMENT_LENGTH = 32;
export const MAX_CREDENTIAL_ID = 1023;
const PASSKEY_INFO = 'coffer/v1 passkey';
const WRAPPED_LENGTH = 48;
/** Body bytes besides the credential id: rpIdHash, prfSalt, its length, commitment, wrappedKey. */
export const PASSKEY_FIXED_BODY = RP_ID_HASH_LENGTH + PRF_SALT_LENGTH + 2 + COMMITMENT_LENGTH + WRAPPED_LENGTH;

/** What a passkey gives after a WebAuthn get(): which credential answered, and its PRF output. */
export interface PasskeyCredential {
  credentialId: Uint8Array;
  prfOutput: Uint8Array;
}

export interface PasskeySlotFields {
  rpIdHash: Uint8Array;
  prfSalt: Uint8Array;
  credentialId: Uint8Array;
  commitment: Uint8Array;
}

function damaged(what: string): CofferError {
  return new CofferError('header_damaged', `The backup's header is damaged: ${what}.`);
}

/** The fields of a passkey slot's body; `wrapped` is the last 48 bytes. */
export function parsePasskeyBody(body: Uint8Array): PasskeySlotFields & { wrapped: Uint8Array } {
  const idOffset = RP_ID_HASH_LENGTH + PRF_SALT_LENGTH + 2;
  if (body.length < idOffset) throw damaged('a passkey slot is too short');
  const idLength = view(body).getUint16(RP_ID_HASH_LENGTH + PRF_SALT_LENGTH, true);
  if (idLength < 1 || idLength > MAX_CREDENTIAL_ID)
    throw damaged('a passkey slot has a credential id of impossible length');
  if (body.length !== PASSKEY_FIXED_BODY + idLength) throw damaged('a passkey slot has the wrong length');
  const commitmentOffset = idOffset + idLength;
  return {
    rpIdHash: body.slice(0, RP_ID_HASH_LENGTH),
    prfSalt: body.slice(RP_ID_HASH_LENGTH, RP_ID_HASH_LENGTH + PRF_SALT_LENGTH),
    credentialId: body.slice(idOffset, commitmentOffset),
    commitment: body.slice(commitmentOffset, commitmentOffset + COMMITMENT_LENGTH),
    wrapped: body.slice(commitmentOffset + COMMITMENT_LENGTH),
  };
}

/** kek || commitment = HKDF(prfOutput, prfSalt, "coffer/v1 passkey", 64). The caller wipes both. */
export async function passkeyKeys(
  prfOutput: Uint8Array,
  prfSalt: Uint8Array,
): Promise<{ kek: Uint8Array; commitment: Uint8Array }> {
  if (prfOutput.length !== PRF_OUTPUT_LENGTH) {
    throw new CofferError('invalid_input', `A passkey's PRF output has ${PRF_OUTPUT_LENGTH} bytes.`);
  }
  const okm = await hkdfBytes(prfOutput, prfSalt, PASSKEY_INFO, 2 * KEY_LENGTH);
  const keys = { kek: okm.slice(0, KEY_LENGTH), commitment: okm.slice(KEY_LENGTH) };
  wipe(okm);
  return keys;
}

/** The body up to the wrapped key, for a new slot; the commitment comes from the PRF output. */
export function passkeyBodyBeforeWrap(fields: PasskeySlotFields): Uint8Array {
  const { rpIdHash, prfSalt, credentialId, commitment } = fields;
  if (rpIdHash.length !== RP_ID_HASH_LENGTH || prfSalt.length !== PRF_SALT_LENGTH) {
    throw new CofferError('invalid_input', 'A passkey slot needs a 32-byte RP ID hash and a 32-byte PRF salt.');
  }
  if (credentialId.length < 1 || credentialId.length > MAX_CREDENTIAL_ID) {
    throw new CofferError('invalid_input', `A passkey's credential id has 1 to ${MAX_CREDENTIAL_ID} bytes.`);
  }
  const out = new Uint8Array(PASSKEY_FIXED_BODY - WRAPPED_LENGTH + credentialId.length);
  out.set(rpIdHash, 0);
  out.set(prfSalt, RP_ID_HASH_LENGTH);
  view(out).setUint16(RP_ID_HASH_LENGTH + PRF_SALT_LENGTH, credentialId.length, true);
  out.set(credentialId, RP_ID_HASH_LENGTH + PRF_SALT_LENGTH + 2);
  out.set(commitment, RP_ID_HASH_LENGTH + PRF_SALT_LENGTH + 2 + credentialId.length);
  return out;
}

/**
 * The kek for this slot if `credential` is the one it was made for and its commitment matches;
 * undefined otherwise (the wrapped key is then never tried).
 */
export async function passkeyKek(
  slot: PasskeySlotFields,
  credential: PasskeyCredential,
): Promise<Uint8Array | undefined> {
  if (!constantTimeEqual(slot.credentialId, credential.credentialId)) return undefined;
  const { kek, commitment } = await passkeyKeys(credential.prfOutput, slot.prfSalt);
  if (constantTimeEqual(commitment, slot.commitment)) return kek;
  wipe(kek);
  return undefined;
}
