/** What a salvage restored and, above all, what it could not: never shown as a complete restore. */
import type { SalvageInfo } from '../../worker/protocol.ts';
import { formatBytes } from '../shared/format.ts';

export function SalvageResult({ info, restored, where }: { info: SalvageInfo; restored: number; where: string }) {
  if (info.lost.length === 0) {
    return (
      <p class="notice success" role="status">
        Every file was intact after all: restored all {restored} files {where}.
      </p>
    );
  }
  return (
    <div class="notice warning" role="status">
      <p class="notice-headline">
        Incomplete: restored {restored} of {info.files} files {where}. {info.lost.length}{' '}
        {info.lost.length === 1 ? 'file was' : 'files were'} lost to the damage and not restored:
      </p>
      <ul aria-label="Lost files">
        {info.lost.map((lost) => (
          <li key={lost.path}>
            {lost.path} ({formatBytes(lost.size)}
            {lost.whole ? ', all of it damaged' : ', partly damaged'})
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Verify found damage that parity or the copies undid (spec 11): say what, and offer a clean copy. */
export function RepairableNotice({
  repairs,
  onRepair,
  busy,
}: {
  repairs: string[];
  onRepair: () => void;
  busy: boolean;
}) {
  return (
    <div class="notice warning" role="status">
      <p class="notice-headline">Damaged but repairable: every file checked out after repair in memory.</p>
      <ul aria-label="What was repaired">
        {repairs.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <button type="button" class="primary" onClick={onRepair} disabled={busy}>
        Repair
      </button>
    </div>
  );
}
