/** Words for what a version 3 file needed repairing (spec 11), shared by verify and repair. */
import type { RepairStats } from '../core/repair.ts';
import { plural } from './ui.ts';

export function needsRepair(stats: RepairStats): boolean {
  return (
    stats.damagedChunks.length > 0 ||
    stats.damagedParityShards > 0 ||
    stats.headerFromCopy ||
    stats.indexFromCopy ||
    stats.indexCopyDamaged
  );
}

/** One line per kind of damage found and what was done about it. */
export function repairLines(stats: RepairStats, chunkCount: number): string[] {
  const lines: string[] = [];
  if (stats.headerFromCopy) lines.push('the header was damaged; its copy was used');
  if (stats.indexFromCopy) lines.push('the index was damaged; its copy was used');
  if (stats.repairedChunks.length > 0) {
    lines.push(
      `${plural(stats.repairedChunks.length, 'chunk')} of ${chunkCount} failed the integrity check and ${stats.repairedChunks.length === 1 ? 'was' : 'were'} rebuilt from parity (${chunkList(stats.repairedChunks)})`,
    );
  }
  if (stats.damagedParityShards > 0) lines.push(`${plural(stats.damagedParityShards, 'parity block')} damaged`);
  if (stats.indexCopyDamaged) lines.push('the copy of the index was damaged');
  return lines;
}

function chunkList(chunks: readonly number[]): string {
  const shown = chunks.slice(0, 10).join(', ');
  return `chunk${chunks.length === 1 ? '' : 's'} ${shown}${chunks.length > 10 ? `, and ${chunks.length - 10} more` : ''}`;
}
