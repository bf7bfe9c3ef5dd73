/**
 * Opening a version 3 file (spec 11.3): its footer, a view of the source that ends where the
 * payload ends, the header copy and the index copy when the originals are damaged.
 */

import { constantTimeEqual } from './bytes.ts';
import type { AesGcmKey } from './crypto.ts';
import { CofferError } from './errors.ts';
import { decodeIndex, decodeTrailer, type IndexEntry, TRAILER_LENGTH, type Trailer } from './index-codec.ts';
import { type ByteSource, iterateBytes } from './iter.ts';
import {
  alteredRecovery,
  decodeFooter,
  FOOTER_LENGTH,
  openIndexCopy,
  type RecoveryLayout,
  recoveryLayout,
} from './recovery.ts';
import type { RandomAccessSource } from './source.ts';

/** Reads and checks the footer of a version 3 file. */
export async function readRecovery(source: RandomAccessSource): Promise<RecoveryLayout> {
  const footer =
    source.size >= FOOTER_LENGTH
      ? await decodeFooter(await source.read(source.size - FOOTER_LENGTH, FOOTER_LENGTH))
      : undefined;
  if (!footer) {
    throw new CofferError(
      'payload_damaged',
      "This backup's recovery footer (its last 64 bytes) is damaged or missing, so its parity cannot be located.",
      { endsEarly: true },
    );
  }
  return recoveryLayout(footer, source.size);
}

/** The source cut at `size`: the payload reader must not see the recovery section. */
export function boundedSource(source: RandomAccessSource, size: number): RandomAccessSource {
  const inner = source.stream?.bind(source);
  return {
    size,
    read: (offset, length) => source.read(offset, Math.max(0, Math.min(length, size - offset))),
    stream: inner
      ? (offset) => {
          const remaining = { left: size - offset };
          return cut(inner(offset), remaining);
        }
      : undefined,
  };
}

async function* cut(input: ByteSource, remaining: { left: number }): AsyncGenerator<Uint8Array> {
  for await (const piece of iterateBytes(input)) {
    if (remaining.left <= 0) return;
    const take = Math.min(piece.length, remaining.left);
    remaining.left -= take;
    yield take === piece.length ? piece : piece.subarray(0, take);
    if (remaining.left <= 0) return;
  }
}

/** The index from its sealed copy; payload_damaged when the copy is damaged too. */
export async function readIndexCopy(
  source: RandomAccessSource,
  recovery: RecoveryLayout,
  key: AesGcmKey,
  plaintextLength: number,
): Promise<{ trailer: Trailer; entries: IndexEntry[]; bytes: Uint8Array }> {
  const sealed = await source.read(recovery.indexCopyOffset, recovery.indexCopyLength);
  const bytes = await openIndexCopy(key, sealed);
  if (!bytes || bytes.length < TRAILER_LENGTH) {
    throw new CofferError('payload_damaged', "This backup's index is damaged, and so is its copy.");
  }
  const trailer = decodeTrailer(bytes.subarray(bytes.length - TRAILER_LENGTH), plaintextLength);
  if (trailer.indexLength + TRAILER_LENGTH !== bytes.length) {
    throw new CofferError('payload_damaged', "This backup's index copy does not match its trailer.");
  }
  return { trailer, entries: decodeIndex(bytes.subarray(0, trailer.indexLength), trailer), bytes };
}

/**
 * The index copy is sealed under one fixed nonce: one that opens with other content than the
 * index was altered (and must never be sealed again). Returns whether it failed to open.
 */
export async function refuseAlteredIndexCopy(
  source: RandomAccessSource,
  recovery: RecoveryLayout,
  key: AesGcmKey,
  indexAndTrailer: Uint8Array,
): Promise<boolean> {
  const copy = await openIndexCopy(key, await source.read(recovery.indexCopyOffset, recovery.indexCopyLength));
  if (!copy) return true;
  if (!constantTimeEqual(copy, indexAndTrailer)) {
    throw alteredRecovery('its copy of the index opens but differs from the index');
  }
  return false;
}
