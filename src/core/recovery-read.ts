/**
 * Reading a version 3 file (spec 11): its footer, a view of the source that ends where the
 * payload ends, the header copy and the index copy when the originals are damaged, and the
 * payload read, repaired and checked through its repair data.
 */

import { constantTimeEqual } from './bytes.ts';
import { type AesGcmKey, type AesGcmProvider, TAG_LENGTH } from './crypto.ts';
import { CofferError } from './errors.ts';
import { type FileKeys, type Header, parseHeader, unlockHeader } from './header.ts';
import { decodeIndex, decodeTrailer, type IndexEntry, TRAILER_LENGTH, type Trailer } from './index-codec.ts';
import { type ByteSource, iterateBytes } from './iter.ts';
import { memorySpill, type ParitySpillFactory } from './parity-spill.ts';
import {
  alteredRecovery,
  decodeFooter,
  type ErasureCoder,
  FOOTER_LENGTH,
  openIndexCopy,
  ParityEncoder,
  type RecoveryLayout,
  recoveryLayout,
} from './recovery.ts';
import {
  type CheckedChunk,
  checkedChunks,
  checkRecoveryData,
  type RepairStats,
  refuseAlteredParity,
  refuseUnconfirmedShape,
} from './repair.ts';
import type { TolerantChunk } from './salvage.ts';
import type { Credentials } from './slots.ts';
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

/** The file's recovery footer, checked against its header (spec 11.3). */
export async function readMatchingRecovery(source: RandomAccessSource, header: Header): Promise<RecoveryLayout> {
  const recovery = await readRecovery(source);
  if (recovery.headerLength !== header.headerLength || recovery.chunkSizeLog2 !== header.chunkSizeLog2) {
    throw new CofferError('header_damaged', "The backup's header does not match its recovery footer.");
  }
  return recovery;
}

/**
 * Unlocks the header; for a version 3 file whose slots or MAC are damaged, its copy (spec 11.3)
 * when that differs. `fromCopy` says which one opened.
 */
export async function unlockHeaderOrCopy(
  header: Header,
  credentials: Credentials,
  aes: AesGcmProvider | undefined,
  withCopy: { recovery: RecoveryLayout; full: RandomAccessSource } | undefined,
): Promise<{ header: Header; keys: FileKeys; fromCopy: boolean }> {
  try {
    return { header, keys: await unlockHeader(header, credentials, aes), fromCopy: false };
  } catch (error) {
    const retry = error instanceof CofferError && (error.code === 'header_damaged' || error.code === 'wrong_key');
    if (!withCopy || !retry) throw error;
    const copy = await withCopy.full.read(withCopy.recovery.headerCopyOffset, withCopy.recovery.headerLength);
    if (constantTimeEqual(copy, header.bytes)) throw error;
    const fromCopy = parseHeader(copy, withCopy.full.size);
    return { header: fromCopy, keys: await unlockHeader(fromCopy, credentials, aes), fromCopy: true };
  }
}

function unrepairable(index: number, noCoder: boolean): CofferError {
  return new CofferError(
    'payload_damaged',
    noCoder
      ? `Chunk ${index} failed its integrity check; this backup has parity, but this reader cannot use it.`
      : `Chunk ${index} failed its integrity check and could not be rebuilt from the parity, so it was not used.`,
  );
}

/**
 * A version 3 file's payload read through its repair data (spec 11.4, 11.5): chunks rebuilt from
 * parity where damaged, a clean copy written anew, and the repair data itself checked.
 */
export class RecoveredPayload {
  constructor(
    readonly layout: RecoveryLayout,
    private readonly full: RandomAccessSource,
    private readonly keys: FileKeys,
    private readonly header: Header,
    /** The index and trailer, as the file's own index or its copy gave them. */
    private readonly indexBytes: Uint8Array,
    private readonly coder: ErasureCoder | undefined,
    readonly repairs: RepairStats,
  ) {}

  /** Every chunk, rebuilt from parity where needed; `compareParity` also checks the stored parity. */
  checked(signal?: AbortSignal, compareParity = false): AsyncGenerator<CheckedChunk> {
    return checkedChunks({
      compareParity,
      source: this.full,
      payloadKey: this.keys.payloadKey,
      recoveryKey: this.keys.recoveryKey,
      recovery: this.layout,
      coder: this.coder,
      stats: this.repairs,
      signal,
    });
  }

  /** The plaintext in order; throws at the first chunk that cannot be rebuilt. */
  async *plaintext(signal?: AbortSignal, compareParity = false): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.checked(signal, compareParity)) {
      if (!chunk.plaintext) throw unrepairable(chunk.index, this.repairs.noCoder);
      yield chunk.plaintext;
    }
  }

  /** Every chunk for salvage: its plaintext, or how long the damaged one was (spec 10). */
  async *tolerant(signal?: AbortSignal): AsyncGenerator<TolerantChunk> {
    for await (const chunk of this.checked(signal)) {
      yield chunk.plaintext
        ? { index: chunk.index, plaintext: chunk.plaintext }
        : { index: chunk.index, damagedLength: chunk.sealed.length - TAG_LENGTH };
    }
  }

  /**
   * A clean copy (spec 11.5): the good header, every chunk (rebuilt where it was damaged), and a
   * recovery section written anew. Throws before the end if any chunk cannot be rebuilt, so a
   * caller that writes to a temporary name never keeps a bad copy.
   */
  async *repairedFile(signal?: AbortSignal, paritySpill?: ParitySpillFactory): AsyncGenerator<Uint8Array> {
    const coder = this.coder;
    if (!coder) throw new CofferError('invalid_input', 'Repair needs the Reed–Solomon coder.');
    await this.refuseAlteredIndexCopy();
    // A revision 1.2 footer stays one, so an intact file is repaired into the same bytes.
    const footerKey = this.layout.authenticated ? this.keys.footerMacKey : undefined;
    // Where the new parity waits until the payload is written (default: memory).
    const spill = await (paritySpill ?? (async () => memorySpill()))();
    try {
      const chunkLog2 = this.header.chunkSizeLog2;
      const encoder = new ParityEncoder(coder, this.keys.recoveryKey, footerKey, chunkLog2, this.layout, spill);
      yield this.header.bytes;
      for await (const chunk of this.checked(signal, true)) {
        if (!chunk.plaintext) throw unrepairable(chunk.index, false);
        refuseAlteredParity(this.repairs);
        await encoder.push(chunk.sealed);
        yield chunk.sealed;
      }
      refuseUnconfirmedShape(this.layout, this.repairs);
      yield* encoder.finish(this.header.bytes, this.indexBytes);
    } finally {
      await spill.dispose();
    }
  }

  /** Whether the coder is here to recompute parity (then a full pass compares it, spec 11.5). */
  get canCompareParity(): boolean {
    return this.coder !== undefined;
  }

  /**
   * After a full pass over the payload: each parity shard that opened must have equalled the
   * parity recomputed from the data, and an index copy that opens must equal the index;
   * otherwise the repair data was altered. Without the coder, every shard is at least opened.
   */
  async checkRepairData(compared: boolean, signal?: AbortSignal): Promise<void> {
    refuseAlteredParity(this.repairs);
    const indexCopyDamaged = await this.refuseAlteredIndexCopy();
    if (compared) {
      this.repairs.indexCopyDamaged = indexCopyDamaged;
      return;
    }
    const checked = await checkRecoveryData(
      { source: this.full, recoveryKey: this.keys.recoveryKey, recovery: this.layout, stats: this.repairs, signal },
      async () => !indexCopyDamaged,
    );
    // Shards already found damaged while rebuilding are counted again here: keep the larger count.
    this.repairs.damagedParityShards = Math.max(this.repairs.damagedParityShards, checked.damagedParityShards);
    this.repairs.indexCopyDamaged = checked.indexCopyDamaged;
  }

  private refuseAlteredIndexCopy(): Promise<boolean> {
    return refuseAlteredIndexCopy(this.full, this.layout, this.keys.recoveryKey, this.indexBytes);
  }
}
