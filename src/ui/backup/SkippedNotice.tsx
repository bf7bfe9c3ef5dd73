/** Lists what a backup left out because the format cannot carry its name (issue 13 item 21). */
import type { SkippedItem } from '../../worker/protocol.ts';

const SHOWN = 20;

export function SkippedNotice({ skipped }: { skipped: readonly SkippedItem[] }) {
  if (skipped.length === 0) return null;
  return (
    <div class="notice warning" role="alert">
      <p class="notice-headline">
        {skipped.length === 1 ? '1 item was' : `${skipped.length} items were`} left out of this backup:
      </p>
      <ul aria-label="Left out of the backup">
        {skipped.slice(0, SHOWN).map((item) => (
          <li key={item.path}>
            {JSON.stringify(item.path)}: {item.reason}.
          </li>
        ))}
      </ul>
      {skipped.length > SHOWN && <p>…and {skipped.length - SHOWN} more.</p>}
    </div>
  );
}
