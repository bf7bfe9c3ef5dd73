/**
 * Rekeying (spec section 9): a new header for the same file key. One credential unwraps the
 * file key, the header MAC is checked with it, and the result keeps the magic, version, chunk
 * size, payload nonce and every slot not removed, adds the new slots and gets a new MAC. The
 * payload key depends only on the file key and the payload nonce, so the payload bytes after the
 * header stay exactly as they are.
 */
import { concatBytes, constantTimeEqual, view, wipe } from './bytes.ts';
import { hmac, type RandomSource, randomBytes } from './crypto.ts';
import { CofferError } from './errors.ts';
import {
  deriveFileKeys,
  FIXED_HEADER_LENGTH,
  type Header,
  MAC_LENGTH,
  MAX_HEADER_LENGTH,
  MAX_SLOTS,
} from './header.ts';
import { buildSlot, type Credentials, type ParsedSlot, type SlotSpec, unwrapFileKey } from './slots.ts';

/** The kinds of slot a reader can open without anything bound to one website or device. */
export type PortableKind = 'passphrase' | 'recovery-key';

export interface RekeyChanges {
  /** Every slot of these kinds goes. */
  remove?: readonly PortableKind[];
  /** The passkey slots for these credential ids go. */
  removePasskeys?: readonly Uint8Array[];
  /** New slots; each replaces any slot of its own kind (one slot per kind, spec 3). */
  add?: readonly SlotSpec[];
}

interface KeptSlot {
  slot: ParsedSlot;
  bytes: Uint8Array;
}

/** Each slot as parsed, with its bytes (parseHeader has already checked that they fill the header). */
export function slotBytes(header: Header): KeptSlot[] {
  const out: KeptSlot[] = [];
  let offset = FIXED_HEADER_LENGTH;
  for (const slot of header.slots) {
    const length = view(header.bytes).getUint16(offset + 2, true);
    out.push({ slot, bytes: header.bytes.slice(offset, offset + 4 + length) });
    offset += 4 + length;
  }
  return out;
}

/** The slot kinds the header would carry after `changes`, in order (unknown slots as 'unknown'). */
export function kindsAfter(header: Header, changes: RekeyChanges): string[] {
  return planSlots(header, changes).map((item) => ('spec' in item ? item.spec.kind : item.slot.kind));
}

type Planned = KeptSlot | { spec: SlotSpec };

function planSlots(header: Header, changes: RekeyChanges): Planned[] {
  const added = new Set<string>((changes.add ?? []).map((spec) => spec.kind));
  const removed = new Set<string>(changes.remove ?? []);
  for (const kind of removed) {
    if (added.has(kind)) {
      throw new CofferError('invalid_input', `Cannot both remove and add a ${kind} slot; adding one replaces the old.`);
    }
    if (!header.slots.some((slot) => slot.kind === kind)) {
      throw new CofferError('invalid_input', `This backup has no ${describeKind(kind)} to remove.`);
    }
  }
  const gone = changes.removePasskeys ?? [];
  for (const id of gone) {
    if (!header.slots.some((slot) => slot.kind === 'passkey' && sameBytes(slot.credentialId, id))) {
      throw new CofferError('invalid_input', 'This backup has no slot for that passkey.');
    }
  }
  // Passkeys are per credential, so a new one is added beside the others rather than replacing them.
  const replaces = (slot: ParsedSlot) =>
    slot.kind === 'passkey'
      ? gone.some((id) => sameBytes(slot.credentialId, id)) ||
        (changes.add ?? []).some((spec) => spec.kind === 'passkey' && sameBytes(spec.credentialId, slot.credentialId))
      : removed.has(slot.kind) || added.has(slot.kind);
  const kept: Planned[] = slotBytes(header).filter(({ slot }) => !replaces(slot));
  return [...kept, ...(changes.add ?? []).map((spec) => ({ spec }))];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function describeKind(kind: string): string {
  return kind === 'recovery-key' ? 'recovery key' : kind;
}

/**
 * Refuses a plan that leaves no passphrase or recovery-key slot: slots bound to one website or
 * device must never be the only way in, and a header with no slot at all opens nothing.
 */
export function checkPlan(header: Header, changes: RekeyChanges): void {
  if (header.version !== 1) {
    // Its recovery section holds a copy of the header (spec 11), which a rekey would leave stale.
    throw new CofferError(
      'invalid_input',
      'Changing how a backup with parity unlocks is not supported yet; nothing was changed.',
    );
  }
  const kinds = kindsAfter(header, changes);
  if (!kinds.some((kind) => kind === 'passphrase' || kind === 'recovery-key')) {
    throw new CofferError(
      'invalid_input',
      'This change would leave no passphrase and no recovery key, so the backup could no longer be opened everywhere; nothing was changed.',
    );
  }
  if (kinds.length > MAX_SLOTS) {
    throw new CofferError('limit_exceeded', `A backup holds at most ${MAX_SLOTS} key slots.`);
  }
}

/** Unwraps the file key with `credentials` and checks the header MAC with it. The caller wipes the key. */
export async function openFileKey(header: Header, credentials: Credentials): Promise<Uint8Array> {
  const fileKey = await unwrapFileKey(header.slots, credentials);
  try {
    const { headerMacKey } = await deriveFileKeys(fileKey, header.payloadNonce);
    const macOffset = header.headerLength - MAC_LENGTH;
    const expected = await hmac(headerMacKey, header.bytes.subarray(0, macOffset));
    if (!constantTimeEqual(expected, header.bytes.subarray(macOffset))) {
      throw new CofferError(
        'header_damaged',
        "The backup's header has been changed or damaged: its integrity check failed, so it was not rekeyed.",
      );
    }
    return fileKey;
  } catch (error) {
    wipe(fileKey);
    throw error;
  }
}

/**
 * Returns the new header bytes. Everything before the slots is copied except headerLength and
 * slotCount; the payload nonce in particular is unchanged, so the payload still opens.
 */
export async function rekeyHeader(
  header: Header,
  credentials: Credentials,
  changes: RekeyChanges,
  random: RandomSource = randomBytes,
): Promise<Uint8Array> {
  checkPlan(header, changes);
  const plan = planSlots(header, changes);
  const fileKey = await openFileKey(header, credentials);
  try {
    const slots: Uint8Array[] = [];
    for (const item of plan) slots.push('spec' in item ? await buildSlot(item.spec, fileKey, random) : item.bytes);
    const headerLength = FIXED_HEADER_LENGTH + slots.reduce((sum, slot) => sum + slot.length, 0) + MAC_LENGTH;
    if (headerLength > MAX_HEADER_LENGTH) {
      throw new CofferError('limit_exceeded', `The new header would be over the ${MAX_HEADER_LENGTH}-byte limit.`);
    }
    const fixed = header.bytes.slice(0, FIXED_HEADER_LENGTH);
    view(fixed).setUint32(12, headerLength, true);
    fixed[17] = slots.length;
    const unauthenticated = concatBytes([fixed, ...slots]);
    const { headerMacKey } = await deriveFileKeys(fileKey, header.payloadNonce);
    return concatBytes([unauthenticated, await hmac(headerMacKey, unauthenticated)]);
  } finally {
    wipe(fileKey);
  }
}
