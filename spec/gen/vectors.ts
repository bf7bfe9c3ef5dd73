/**
 * The test vector definitions. Every vector is built deterministically from its name: the
 * randomness the format needs (file key, salts, payload nonce) comes from a DRBG seeded with the
 * name, and file contents from a second DRBG seeded with the name plus "/content".
 *
 * Vectors are FROZEN once landed: never edit a definition that produced a committed vector;
 * add a new vector instead (see spec/vectors/README.md).
 */
import { utf8 } from '../../src/core/bytes.ts';
import { buildSlot } from '../../src/core/slots.ts';
import { archivePlaintext, setSlotBodyLength } from './parts.ts';
import { passkeySlotWithCommitment, vectorPasskey } from './passkey-parts.ts';
import { recoveryVectors } from './recovery-vectors.ts';
import {
  archiveFailure,
  Ctx,
  failure,
  HELLO,
  passSlot,
  success,
  T0,
  text,
  type VectorDef,
  type VectorJson,
} from './vector-kit.ts';
import { HEADER_VECTORS } from './vectors/header.ts';
import { KEYS_VECTORS } from './vectors/keys.ts';
import { LIMITS_VECTORS } from './vectors/limits.ts';
import { PAYLOAD_VECTORS } from './vectors/payload.ts';
import { SUCCESS_VECTORS } from './vectors/success.ts';
import { zstdVectors } from './zstd-vectors.ts';

export type { Expect, VectorDef, VectorEntry, VectorJson } from './vector-kit.ts';
export { CHEAP_KDF, PASSPHRASE, RECOVERY_KEY } from './vector-kit.ts';

/** Every vector, in the order spec/vectors lists them (success first, then by failure class). */
export const VECTORS: VectorDef[] = [
  ...SUCCESS_VECTORS,
  ...HEADER_VECTORS,
  ...KEYS_VECTORS,
  ...PAYLOAD_VECTORS,
  ...LIMITS_VECTORS,
  // ----- passkey slots (spec 3.4) ---------------------------------------------------------------
  ...passkeyVectors(),
  // ----- method 2, zstd segments (spec 5.6) ------------------------------------------------------
  ...zstdVectors({ success, archiveFailure, text, T0 }),
  // ----- recovery section, format version 3 (spec 11) -------------------------------------------
  ...recoveryVectors(),
];

// ---------------------------------------------------------------------------------------------

export interface GeneratedVector {
  json: VectorJson;
  bytes: Uint8Array;
}

export async function buildVector(def: VectorDef): Promise<GeneratedVector> {
  const built = await def.build(new Ctx(def.name));
  const json: VectorJson = {
    name: def.name,
    description: def.description,
    expect: def.expect,
    credentials: def.credentials,
  };
  if (def.expect === 'success') {
    if (!built.entries) throw new Error(`${def.name}: a success vector needs its expected entries`);
    json.entries = built.entries;
  }
  return { json, bytes: built.bytes };
}

/** Spec 3.4. Each passkey is drawn from a DRBG seeded with the vector's name (see passkey-parts.ts). */
function passkeyVectors(): VectorDef[] {
  const pk = (name: string) => vectorPasskey(name);
  const withPassphrase = (name: string) => (ctx: Ctx) =>
    ctx.write([{ path: 'a.txt', type: 'file', data: utf8('opened by passkey or passphrase\n') }], {
      slots: [pk(name).spec, passSlot()],
    });
  return [
    success(
      'success-passkey-and-passphrase-by-passphrase',
      'A passkey slot (type 5) then a passphrase slot, opened with the passphrase: readers that do not know passkeys skip the slot and still open the file.',
      withPassphrase('success-passkey-and-passphrase-by-passphrase'),
    ),
    success(
      'success-passkey-and-passphrase-by-passkey',
      'A passkey slot then a passphrase slot, opened with the passkey: the credential id and the PRF output (for the PRF input stored in the slot) in the JSON.',
      withPassphrase('success-passkey-and-passphrase-by-passkey'),
      pk('success-passkey-and-passphrase-by-passkey').credentials,
    ),
    failure(
      'wrong_key',
      'wrong-key-passkey-commitment',
      'A passkey slot whose key commitment does not match HKDF of the PRF output, although its wrapped key is sealed under the right kek (valid MAC): readers must check the commitment first.',
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          keySlots: async (fileKey) => [
            await passkeySlotWithCommitment(pk('wrong-key-passkey-commitment').spec, fileKey, new Uint8Array(32)),
          ],
        }),
      pk('wrong-key-passkey-commitment').credentials,
    ),
    failure(
      'wrong_key',
      'wrong-key-passkey-other-credential',
      'A passkey and a passphrase slot, opened with another credential id that has the same PRF output: the slot is for one credential only.',
      withPassphrase('wrong-key-passkey-other-credential'),
      {
        passkey: {
          credentialId: `ff${pk('wrong-key-passkey-other-credential').credentials.passkey?.credentialId.slice(2)}`,
          prfOutput: pk('wrong-key-passkey-other-credential').credentials.passkey?.prfOutput ?? '',
        },
      },
    ),
    failure(
      'wrong_key',
      'wrong-key-passkey-only-by-passphrase',
      'Only a passkey slot (writers refuse to make this; a reader must still refuse it cleanly), opened with a passphrase: no slot of that type.',
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          slots: [pk('wrong-key-passkey-only-by-passphrase').spec],
        }),
    ),
    failure(
      'header_damaged',
      'header-damaged-passkey-slot-length',
      'A passkey slot whose bodyLength is one more than its credential id length implies (one extra byte before the MAC-covered end; valid MAC).',
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          keySlots: async (fileKey) => {
            const slot = await buildSlot(
              pk('header-damaged-passkey-slot-length').spec,
              fileKey,
              () => new Uint8Array(0),
            );
            const longer = new Uint8Array(slot.length + 1);
            longer.set(slot);
            setSlotBodyLength(longer, slot.length - 4 + 1);
            return [longer];
          },
        }),
      pk('header-damaged-passkey-slot-length').credentials,
    ),
  ];
}
