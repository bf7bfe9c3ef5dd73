/**
 * Reading a version 3 file stripe by stripe (spec 11.4): every chunk is opened; a chunk that
 * fails is rebuilt from the other shards of its stripe and the stripe's parity, and used only if
 * the rebuilt chunk then passes its own tag. Restore, verify, salvage and repair all read this way.
 */

import { constantTimeEqual } from './bytes.ts';
import type { AesGcmKey } from './crypto.ts';
import { openWith } from './crypto.ts';
import { CofferError, throwIfAborted } from './errors.ts';
import { alteredRecovery, type ErasureCoder, type RecoveryLayout, stripeParity } from './recovery.ts';
import type { RandomAccessSource } from './source.ts';
import { chunkIv } from './stream.ts';

export interface RepairStats {
  /** Chunks that failed their tag as read from the file. */
  damagedChunks: number[];
  /** Of those, the ones rebuilt from parity (and then verified by their tag). */
  repairedChunks: number[];
  /** Of those, the ones that could not be rebuilt. */
  unrepairableChunks: number[];
  /** Parity shards that failed their tag (they are rewritten by a repair). */
  damagedParityShards: number;
  /** The header failed and its copy was used. */
  headerFromCopy: boolean;
  /** The index could not be read from the payload and its copy was used. */
  indexFromCopy: boolean;
  /** The index copy failed its tag (found by verify; a repair rewrites it). */
  indexCopyDamaged: boolean;
  /** Parity could not be used because no erasure coder was available. */
  noCoder: boolean;
  /** Parity shards that opened but differ from the parity recomputed from the data (verify, repair). */
  alteredParityShards: number;
  /** Parity shards that opened and equal the recomputed parity: the footer's k and m are right. */
  matchedParityShards: number;
}

export function emptyStats(): RepairStats {
  return {
    damagedChunks: [],
    repairedChunks: [],
    unrepairableChunks: [],
    damagedParityShards: 0,
    headerFromCopy: false,
    indexFromCopy: false,
    indexCopyDamaged: false,
    noCoder: false,
    alteredParityShards: 0,
    matchedParityShards: 0,
  };
}

export interface CheckedChunk {
  index: number;
  /** The sealed chunk as it should be (repaired if needed); its plaintext when it opened. */
  sealed: Uint8Array;
  plaintext: Uint8Array | undefined;
}

export interface CheckedReadOptions {
  source: RandomAccessSource;
  payloadKey: AesGcmKey;
  recoveryKey: AesGcmKey;
  recovery: RecoveryLayout;
  coder: ErasureCoder | undefined;
  stats: RepairStats;
  signal?: AbortSignal;
  /**
   * Recompute every stripe's parity from its chunks and compare it with each stored shard that
   * opens (verify and repair, spec 11.5): a shard that opens but differs means the footer or the
   * parity was altered, counted in stats.alteredParityShards.
   */
  compareParity?: boolean;
}

/** Yields every chunk in order, rebuilt from parity where it was damaged and parity allows. */
export async function* checkedChunks(options: CheckedReadOptions): AsyncGenerator<CheckedChunk> {
  const { source, payloadKey, recovery, stats, coder } = options;
  const { headerLength, payloadLength, sealedChunkSize: S, chunkCount, parityShards: m } = recovery;
  const k = m > 0 ? recovery.dataShards : 64;
  const compare = options.compareParity === true && m > 0 && coder !== undefined;
  for (let first = 0; first < chunkCount; first += k) {
    throwIfAborted(options.signal);
    const stripe = first / k;
    const count = Math.min(k, chunkCount - first);
    const start = headerLength + first * S;
    const end = headerLength + Math.min((first + count) * S, payloadLength);
    const bytes = (await source.read(start, end - start)).slice();
    const sealed: Uint8Array[] = [];
    for (let j = 0; j < count; j++) sealed.push(bytes.subarray(j * S, Math.min((j + 1) * S, bytes.length)));
    const opened = await Promise.all(
      sealed.map((chunk, j) => openWith(payloadKey, chunkIv(first + j, first + j === chunkCount - 1), chunk)),
    );
    const failed = opened.flatMap((plaintext, j) => (plaintext ? [] : [j]));
    for (const j of failed) stats.damagedChunks.push(first + j);
    const needParity = m > 0 && coder !== undefined && (failed.length > 0 || compare);
    const parity = needParity ? await openParity(options, stripe) : undefined;
    if (failed.length > 0) await rebuild(options, first, sealed, opened, failed, parity);
    if (compare && parity && opened.every(Boolean)) compareStripe(options, sealed, parity);
    for (let j = 0; j < count; j++) yield { index: first + j, sealed: sealed[j], plaintext: opened[j] };
  }
}

/** The stripe's m stored parity shards, opened; undefined where a tag fails (counted as damaged). */
async function openParity(options: CheckedReadOptions, stripe: number): Promise<(Uint8Array | undefined)[]> {
  const { recovery, stats } = options;
  const { parityShards: m, sealedShardSize } = recovery;
  const bytes = await options.source.read(recovery.parityOffset + stripe * m * sealedShardSize, m * sealedShardSize);
  // A shard's nonce is its position in the parity area (spec 11.2), whatever k and m say.
  const shards = await Promise.all(
    Array.from({ length: m }, (_, j) =>
      openWith(
        options.recoveryKey,
        chunkIv(stripe * m + j, false),
        bytes.subarray(j * sealedShardSize, (j + 1) * sealedShardSize),
      ),
    ),
  );
  stats.damagedParityShards += shards.filter((shard) => !shard).length;
  return shards;
}

/** Counts each opened parity shard as matching the recomputed parity, or as altered. */
function compareStripe(options: CheckedReadOptions, sealed: Uint8Array[], parity: (Uint8Array | undefined)[]): void {
  const { recovery, stats } = options;
  const expected = stripeParity(
    options.coder as ErasureCoder,
    sealed,
    recovery.dataShards,
    recovery.parityShards,
    recovery.sealedChunkSize,
  );
  parity.forEach((shard, j) => {
    if (!shard) return;
    if (constantTimeEqual(shard, expected[j])) stats.matchedParityShards++;
    else stats.alteredParityShards++;
  });
}

/** Rebuilds the failed chunks of one stripe in place in `sealed` and `opened`. */
async function rebuild(
  options: CheckedReadOptions,
  first: number,
  sealed: Uint8Array[],
  opened: (Uint8Array | undefined)[],
  failed: number[],
  parity: (Uint8Array | undefined)[] | undefined,
): Promise<void> {
  const { recovery, stats, coder } = options;
  const { dataShards: k, parityShards: m, sealedChunkSize: S, chunkCount } = recovery;
  const giveUp = () => {
    for (const j of failed) stats.unrepairableChunks.push(first + j);
  };
  if (m === 0) return giveUp();
  if (!coder || !parity) {
    stats.noCoder = true;
    return giveUp();
  }
  const buffer = new Uint8Array((k + m) * S);
  const available: boolean[] = new Array(k + m).fill(true);
  for (let j = 0; j < sealed.length; j++) buffer.set(sealed[j], j * S);
  for (const j of failed) available[j] = false;
  parity.forEach((plain, j) => {
    if (plain) buffer.set(plain, (k + j) * S);
    else available[k + j] = false;
  });
  if (available.filter(Boolean).length < k) return giveUp();
  try {
    coder.reconstruct(buffer, k, m, available);
  } catch {
    return giveUp();
  }
  for (const j of failed) {
    const index = first + j;
    const rebuilt = buffer.slice(j * S, j * S + sealed[j].length);
    const plaintext = await openWith(options.payloadKey, chunkIv(index, index === chunkCount - 1), rebuilt);
    if (plaintext) {
      sealed[j] = rebuilt;
      opened[j] = plaintext;
      stats.repairedChunks.push(index);
    } else stats.unrepairableChunks.push(index);
  }
}

/**
 * Opens every parity shard and the index copy (verify's last step for a version 3 file), so a
 * damaged one is reported and a repair rewrites it before it is needed.
 */
export async function checkRecoveryData(
  options: Omit<CheckedReadOptions, 'coder' | 'payloadKey'>,
  openIndex: () => Promise<boolean>,
): Promise<{ damagedParityShards: number; indexCopyDamaged: boolean }> {
  const { recovery, source } = options;
  const total = recovery.stripeCount * recovery.parityShards;
  let damagedParityShards = 0;
  const perRead = 64;
  for (let first = 0; first < total; first += perRead) {
    throwIfAborted(options.signal);
    const count = Math.min(perRead, total - first);
    const bytes = await source.read(
      recovery.parityOffset + first * recovery.sealedShardSize,
      count * recovery.sealedShardSize,
    );
    const opened = await Promise.all(
      Array.from({ length: count }, (_, j) =>
        openWith(
          options.recoveryKey,
          chunkIv(first + j, false),
          bytes.subarray(j * recovery.sealedShardSize, (j + 1) * recovery.sealedShardSize),
        ),
      ),
    );
    damagedParityShards += opened.filter((shard) => !shard).length;
  }
  return { damagedParityShards, indexCopyDamaged: !(await openIndex()) };
}

/** One line per kind of damage found and what was done about it (the CLI and the app say the same). */
export function describeRepairs(stats: RepairStats, chunkCount: number): string[] {
  const lines: string[] = [];
  if (stats.headerFromCopy) lines.push('the header was damaged; its copy was used');
  if (stats.indexFromCopy) lines.push('the index was damaged; its copy was used');
  // A backup read twice (restore, then verify) meets the same damage twice: count it once.
  const chunks = [...new Set(stats.repairedChunks)].sort((a, b) => a - b);
  const repaired = chunks.length;
  if (repaired > 0) {
    const shown = chunks.slice(0, 10).join(', ');
    const more = repaired > 10 ? `, and ${repaired - 10} more` : '';
    lines.push(
      `${repaired} ${repaired === 1 ? 'chunk' : 'chunks'} of ${chunkCount} failed the integrity check and ${repaired === 1 ? 'was' : 'were'} rebuilt from parity (${repaired === 1 ? 'chunk' : 'chunks'} ${shown}${more})`,
    );
  }
  const parity = stats.damagedParityShards;
  if (parity > 0) lines.push(`${parity} ${parity === 1 ? 'parity block' : 'parity blocks'} damaged`);
  if (stats.indexCopyDamaged) lines.push('the copy of the index was damaged');
  return lines;
}

export function needsRepair(stats: RepairStats): boolean {
  return (
    stats.damagedChunks.length > 0 ||
    stats.damagedParityShards > 0 ||
    stats.headerFromCopy ||
    stats.indexFromCopy ||
    stats.indexCopyDamaged
  );
}

/** Verify and repair stop at the first stripe whose stored parity differs from the data's (11.5). */
export function refuseAlteredParity(stats: RepairStats): void {
  const altered = stats.alteredParityShards;
  if (altered > 0) {
    throw alteredRecovery(
      `${altered} ${altered === 1 ? 'parity block opens' : 'parity blocks open'} but ${altered === 1 ? 'does' : 'do'} not match the data it protects`,
    );
  }
}

/**
 * Parity is sealed under nonces fixed by its position: it may only be written again with the very
 * content it had. A revision 1.3 footer's MAC vouches for k and m; a revision 1.2 footer only a
 * stored shard that matched the recomputed parity (spec 11.5).
 */
export function refuseUnconfirmedShape(recovery: RecoveryLayout, stats: RepairStats): void {
  if (recovery.authenticated || recovery.parityShards === 0 || stats.matchedParityShards > 0) return;
  throw new CofferError(
    'payload_damaged',
    "This backup's repair data cannot be checked: none of its parity blocks is intact, and its footer is of a kind the key does not protect (format revision 1.2), so new parity could not be trusted and none was written. Every file is still intact: restore it and make a new backup.",
  );
}
