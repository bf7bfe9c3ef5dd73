/**
 * Reading a version 3 file stripe by stripe (spec 11.4): every chunk is opened; a chunk that
 * fails is rebuilt from the other shards of its stripe and the stripe's parity, and used only if
 * the rebuilt chunk then passes its own tag. Restore, verify, salvage and repair all read this way.
 */
import type { AesGcmKey } from './crypto.ts';
import { openWith } from './crypto.ts';
import { throwIfAborted } from './errors.ts';
import type { RandomAccessSource } from './reader.ts';
import type { ErasureCoder, RecoveryLayout } from './recovery.ts';
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
}

/** Yields every chunk in order, rebuilt from parity where it was damaged and parity allows. */
export async function* checkedChunks(options: CheckedReadOptions): AsyncGenerator<CheckedChunk> {
  const { source, payloadKey, recovery, stats } = options;
  const { headerLength, payloadLength, sealedChunkSize: S, chunkCount } = recovery;
  const k = recovery.parityShards > 0 ? recovery.dataShards : 64;
  for (let first = 0; first < chunkCount; first += k) {
    throwIfAborted(options.signal);
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
    if (failed.length > 0) await rebuild(options, first / k, first, sealed, opened, failed);
    for (let j = 0; j < count; j++) yield { index: first + j, sealed: sealed[j], plaintext: opened[j] };
  }
}

/** Rebuilds the failed chunks of one stripe in place in `sealed` and `opened`. */
async function rebuild(
  options: CheckedReadOptions,
  stripe: number,
  first: number,
  sealed: Uint8Array[],
  opened: (Uint8Array | undefined)[],
  failed: number[],
): Promise<void> {
  const { recovery, stats, coder } = options;
  const { dataShards: k, parityShards: m, sealedChunkSize: S, sealedShardSize, chunkCount } = recovery;
  const giveUp = () => {
    for (const j of failed) stats.unrepairableChunks.push(first + j);
  };
  if (m === 0) return giveUp();
  if (!coder) {
    stats.noCoder = true;
    return giveUp();
  }
  const parityStart = recovery.parityOffset + stripe * m * sealedShardSize;
  const parityBytes = await options.source.read(parityStart, m * sealedShardSize);
  const buffer = new Uint8Array((k + m) * S);
  const available: boolean[] = new Array(k + m).fill(true);
  for (let j = 0; j < sealed.length; j++) buffer.set(sealed[j], j * S);
  for (const j of failed) available[j] = false;
  for (let j = 0; j < m; j++) {
    const shard = parityBytes.subarray(j * sealedShardSize, (j + 1) * sealedShardSize);
    const plain = await openWith(options.recoveryKey, chunkIv(stripe * m + j, false), shard);
    if (plain) buffer.set(plain, (k + j) * S);
    else {
      available[k + j] = false;
      stats.damagedParityShards++;
    }
  }
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
