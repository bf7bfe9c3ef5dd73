/** What `restore --salvage` tells the person (stderr) and a program (`--json` on stdout). */
import type { LostEntry, SalvageReport } from '../core/index.ts';
import { humanSize, isoDate, plural, type Ui } from './ui.ts';

export interface RestoreSummary {
  files: number;
  folders: number;
  bytes: number;
}

/** One line per lost entry; always printed (even with --quiet): a salvage must never pass for complete. */
export function printLost(ui: Ui, report: SalvageReport): void {
  if (report.damagedChunks.length === 0) return;
  ui.warn(
    `this backup is damaged: ${plural(report.damagedChunks.length, 'chunk')} of ${report.chunkCount} failed the integrity check; nothing from them was used.`,
  );
  for (const lost of report.lost) ui.warn(lostLine(lost));
  if (report.lost.length === 0) ui.warn('no file had data in the damaged chunks; every file was restored.');
}

export function lostLine(lost: LostEntry): string {
  return lost.whole
    ? `lost: ${JSON.stringify(lost.path)} (${humanSize(lost.size)}), not restored`
    : `partly lost: ${JSON.stringify(lost.path)} (${humanSize(lost.damagedBytes)} of its stored data damaged), not restored`;
}

export function jsonReport(summary: RestoreSummary, report: SalvageReport | undefined): string {
  return `${JSON.stringify({
    complete: !report || report.lost.length === 0,
    restored: summary,
    chunkCount: report?.chunkCount ?? null,
    damagedChunks: report?.damagedChunks ?? [],
    lost: (report?.lost ?? []).map((lost) => ({
      path: lost.path,
      size: lost.size,
      mtime: isoDate(lost.mtime),
      type: lost.type,
      lost: lost.whole ? 'whole' : 'partial',
      damagedBytes: lost.damagedBytes,
    })),
  })}\n`;
}
