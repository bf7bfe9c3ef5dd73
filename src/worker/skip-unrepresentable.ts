/**
 * Source names the format cannot carry (spec 5.3: control characters, names over 255 bytes,
 * paths over 4,096 bytes or 256 levels, two names equal after NFC) are skipped with a reason
 * the person sees, as the command-line tool does, instead of failing the whole backup.
 */
import { describePath, pathProblem } from '../core/paths.ts';
import type { BackupItem, SkippedItem } from './protocol.ts';

export function representableItems(items: readonly BackupItem[]): { kept: BackupItem[]; skipped: SkippedItem[] } {
  const kept: BackupItem[] = [];
  const skipped: SkippedItem[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const path = item.path.normalize('NFC');
    const problem = pathProblem(path);
    if (problem) {
      skipped.push({ path: item.path, reason: `its name cannot be stored in a backup (it ${problem})` });
    } else if (seen.has(path)) {
      skipped.push({
        path: item.path,
        reason: `another name is the same as ${describePath(path)} after Unicode normalisation`,
      });
    } else {
      seen.add(path);
      kept.push(path === item.path ? item : { ...item, path });
    }
  }
  return { kept, skipped };
}
