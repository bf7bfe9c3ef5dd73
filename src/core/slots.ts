/**
 * Key slots (spec section 3). Each slot wraps the 32-byte file key with AES-256-GCM under a key
 * derived from what the person holds; the AAD is the slot's own bytes before the wrapped key.
 */
import { concatBytes, view, wipe } from './bytes.ts';
import { hkdfBytes, IV_LENGTH, importAesKey, KEY_LENGTH, open, type RandomSource, seal, TAG_LENGTH } from './crypto.ts';
import { CofferError } from './errors.ts';
import { type Argon2Params, checkArgon2Params, deriveArgon2id, passphraseBytes } from './kdf.ts';
import {
  PASSKEY_FIXED_BODY,
  type PasskeyCredential,
  type PasskeySlotFields,
  parsePasskeyBody,
  passkeyBodyBeforeWrap,
  passkeyKek,
  passkeyKeys,
  SLOT_TYPE_PASSKEY,
} from './passkey.ts';
import { parseRecoveryKey } from './recovery-key.ts';

export const SLOT_TYPE_PASSPHRASE = 1;
export const SLOT_TYPE_RECOVERY_KEY = 2;
const SLOT_PREFIX = 4;
const SALT_LENGTH = 16;
const WRAPPED_LENGTH = KEY_LENGTH + TAG_LENGTH;
const PASSPHRASE_BODY = 12 + SALT_LENGTH + WRAPPED_LENGTH;
const RECOVERY_BODY = SALT_LENGTH + WRAPPED_LENGTH;
const RECOVERY_INFO = 'coffer/v1 recovery key';
const ZERO_IV = new Uint8Array(IV_LENGTH);

export type SlotKind = 'passphrase' | 'recovery-key' | 'passkey';

export type ParsedSlot =
  | { kind: 'passphrase'; kdf: Argon2Params; salt: Uint8Array; wrapped: Uint8Array; aad: Uint8Array }
  | { kind: 'recovery-key'; salt: Uint8Array; wrapped: Uint8Array; aad: Uint8Array }
  | ({ kind: 'passkey'; wrapped: Uint8Array; aad: Uint8Array } & PasskeySlotFields)
  | { kind: 'unknown'; typeId: number; length: number };

export type SlotSpec =
  | { kind: 'passphrase'; passphrase: string; kdf: Argon2Params }
  | { kind: 'recovery-key'; recoveryKey: string }
  /** The PRF was evaluated on `prfSalt` before the slot is built, so the salt comes from the caller. */
  | ({ kind: 'passkey'; prfOutput: Uint8Array } & Omit<PasskeySlotFields, 'commitment'>);

export interface Credentials {
  passphrase?: string;
  recoveryKey?: string;
  passkey?: PasskeyCredential;
}

/** Parses one slot at `offset`; returns it with the offset just past it. */
export function parseSlot(bytes: Uint8Array, offset: number): { slot: ParsedSlot; end: number } {
  if (offset + SLOT_PREFIX > bytes.length) throw damaged('a key slot runs past the end of the header');
  const typeId = bytes[offset];
  const dv = view(bytes);
  const length = dv.getUint16(offset + 2, true);
  const end = offset + SLOT_PREFIX + length;
  if (bytes[offset + 1] !== 0) throw damaged('a key slot has non-zero reserved bits');
  if (end > bytes.length) throw damaged('a key slot runs past the end of the header');
  const body = bytes.subarray(offset + SLOT_PREFIX, end);
  const aadEnd = end - WRAPPED_LENGTH;
  if (typeId === SLOT_TYPE_PASSPHRASE) {
    if (length !== PASSPHRASE_BODY) throw damaged('a passphrase slot has the wrong length');
    const bodyView = view(body);
    const kdf = {
      memoryKiB: bodyView.getUint32(0, true),
      iterations: bodyView.getUint32(4, true),
      parallelism: bodyView.getUint32(8, true),
    };
    checkArgon2Params(kdf);
    return {
      slot: {
        kind: 'passphrase',
        kdf,
        salt: body.slice(12, 12 + SALT_LENGTH),
        wrapped: body.slice(12 + SALT_LENGTH),
        aad: bytes.slice(offset, aadEnd),
      },
      end,
    };
  }
  if (typeId === SLOT_TYPE_RECOVERY_KEY) {
    if (length !== RECOVERY_BODY) throw damaged('a recovery-key slot has the wrong length');
    return {
      slot: {
        kind: 'recovery-key',
        salt: body.slice(0, SALT_LENGTH),
        wrapped: body.slice(SALT_LENGTH),
        aad: bytes.slice(offset, aadEnd),
      },
      end,
    };
  }
  if (typeId === SLOT_TYPE_PASSKEY) {
    if (length < PASSKEY_FIXED_BODY) throw damaged('a passkey slot has the wrong length');
    return { slot: { kind: 'passkey', ...parsePasskeyBody(body), aad: bytes.slice(offset, aadEnd) }, end };
  }
  return { slot: { kind: 'unknown', typeId, length }, end };
}

function damaged(what: string): CofferError {
  return new CofferError('header_damaged', `The backup's header is damaged: ${what}.`);
}

async function wrapWith(kekBytes: Uint8Array, prefix: Uint8Array, fileKey: Uint8Array): Promise<Uint8Array> {
  const kek = await importAesKey(kekBytes);
  wipe(kekBytes);
  const wrapped = await seal(kek, ZERO_IV, fileKey, prefix);
  return concatBytes([prefix, wrapped]);
}

function slotPrefix(typeId: number, bodyLength: number, bodyBeforeWrap: Uint8Array): Uint8Array {
  const prefix = new Uint8Array(SLOT_PREFIX + bodyBeforeWrap.length);
  prefix[0] = typeId;
  view(prefix).setUint16(2, bodyLength, true);
  prefix.set(bodyBeforeWrap, SLOT_PREFIX);
  return prefix;
}

async function recoveryKek(recoveryKey: string, salt: Uint8Array): Promise<Uint8Array> {
  const ikm = new TextEncoder().encode(recoveryKey);
  try {
    return await hkdfBytes(ikm, salt, RECOVERY_INFO, KEY_LENGTH);
  } finally {
    wipe(ikm);
  }
}

async function passphraseKek(passphrase: string, salt: Uint8Array, kdf: Argon2Params): Promise<Uint8Array> {
  const password = passphraseBytes(passphrase);
  try {
    return await deriveArgon2id(password, salt, kdf);
  } finally {
    wipe(password);
  }
}

/** Builds the bytes of one slot that wraps `fileKey`. */
export async function buildSlot(spec: SlotSpec, fileKey: Uint8Array, random: RandomSource): Promise<Uint8Array> {
  if (spec.kind === 'passkey') {
    const { kek, commitment } = await passkeyKeys(spec.prfOutput, spec.prfSalt);
    const body = passkeyBodyBeforeWrap({ ...spec, commitment });
    return wrapWith(kek, slotPrefix(SLOT_TYPE_PASSKEY, body.length + WRAPPED_LENGTH, body), fileKey);
  }
  const salt = random(SALT_LENGTH);
  if (spec.kind === 'passphrase') {
    checkArgon2Params(spec.kdf);
    // hash-wasm's Argon2id refuses an empty password with a plain Error.
    if (spec.passphrase.length === 0) throw new CofferError('invalid_input', 'The passphrase must not be empty.');
    const params = new Uint8Array(12);
    const dv = view(params);
    dv.setUint32(0, spec.kdf.memoryKiB, true);
    dv.setUint32(4, spec.kdf.iterations, true);
    dv.setUint32(8, spec.kdf.parallelism, true);
    const prefix = slotPrefix(SLOT_TYPE_PASSPHRASE, PASSPHRASE_BODY, concatBytes([params, salt]));
    return wrapWith(await passphraseKek(spec.passphrase, salt, spec.kdf), prefix, fileKey);
  }
  const digits = parseRecoveryKey(spec.recoveryKey);
  const prefix = slotPrefix(SLOT_TYPE_RECOVERY_KEY, RECOVERY_BODY, salt);
  return wrapWith(await recoveryKek(digits, salt), prefix, fileKey);
}

/**
 * Tries every slot that matches the credentials. Returns the file key bytes (the caller wipes
 * them) or throws wrong_key / key_typo. The recovery key is checked for typos before any work.
 */
export async function unwrapFileKey(slots: readonly ParsedSlot[], credentials: Credentials): Promise<Uint8Array> {
  const recoveryDigits = credentials.recoveryKey === undefined ? undefined : parseRecoveryKey(credentials.recoveryKey);
  const hasKind = (kind: SlotKind) => slots.some((slot) => slot.kind === kind);
  for (const slot of slots) {
    let kekBytes: Uint8Array | undefined;
    if (slot.kind === 'recovery-key' && recoveryDigits !== undefined) {
      kekBytes = await recoveryKek(recoveryDigits, slot.salt);
    } else if (slot.kind === 'passphrase' && credentials.passphrase !== undefined && credentials.passphrase !== '') {
      // An empty passphrase cannot have made a slot (see buildSlot), so it opens none.
      kekBytes = await passphraseKek(credentials.passphrase, slot.salt, slot.kdf);
    } else if (slot.kind === 'passkey' && credentials.passkey !== undefined) {
      // Another credential, or a commitment that does not match: this slot is not tried at all.
      kekBytes = await passkeyKek(slot, credentials.passkey);
      if (!kekBytes) continue;
    } else {
      continue;
    }
    const kek = await importAesKey(kekBytes);
    wipe(kekBytes);
    const fileKey = await open(kek, ZERO_IV, slot.wrapped, slot.aad);
    if (fileKey) return fileKey;
  }
  throw new CofferError('wrong_key', wrongKeyMessage(credentials, hasKind));
}

function wrongKeyMessage(credentials: Credentials, hasKind: (kind: SlotKind) => boolean): string {
  const triedPassphrase = credentials.passphrase !== undefined;
  const triedKey = credentials.recoveryKey !== undefined;
  if (credentials.passkey !== undefined && !triedPassphrase && !triedKey) {
    return hasKind('passkey')
      ? 'This passkey does not open this backup: it was locked with another passkey (or another website).'
      : 'This backup cannot be opened with a passkey; it has no passkey slot.';
  }
  if (!triedPassphrase && !triedKey) return 'A passphrase or recovery key is needed to open this backup.';
  if (!hasKind('passphrase') && !hasKind('recovery-key')) {
    if (hasKind('passkey')) return 'This backup opens only with its passkey, in the Coffer app in a browser.';
    return 'This backup can only be opened with a kind of key this version of Coffer does not know. Update Coffer to open it.';
  }
  if (triedKey && !triedPassphrase && !hasKind('recovery-key')) {
    return 'This backup cannot be opened with a recovery key; it was locked with a passphrase only.';
  }
  if (triedPassphrase && !triedKey && !hasKind('passphrase')) {
    return 'This backup cannot be opened with a passphrase; it was locked with a recovery key only.';
  }
  if (triedPassphrase && triedKey) return 'Neither the passphrase nor the recovery key opens this backup.';
  return triedKey
    ? 'This recovery key does not open this backup. Check that it is the key for this backup.'
    : 'Wrong passphrase: it does not open this backup. Check for typos and letter case and try again.';
}
