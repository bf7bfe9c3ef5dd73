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
