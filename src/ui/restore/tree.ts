/** Entries from the index, arranged for display: folders first, then files, each sorted. */
import { displayName } from '../../core/display-name.ts';
import type { EntryInfo } from '../../worker/protocol.ts';

export interface TreeRow {
  entry: EntryInfo;
  depth: number;
  name: string;
}

export const MAX_ROWS = 500;

export function treeRows(entries: readonly EntryInfo[], filter: string): TreeRow[] {
  const needle = filter.trim().toLowerCase();
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const rows: TreeRow[] = [];
  for (const entry of sorted) {
    if (needle && !entry.path.toLowerCase().includes(needle)) continue;
    const parts = entry.path.split('/');
    rows.push({
      entry,
      depth: needle ? 0 : parts.length - 1,
      name: displayName(needle ? entry.path : parts[parts.length - 1]),
    });
  }
  return rows;
}

const PREVIEWABLE_IMAGE = /\.(png|jpe?g|gif|webp|avif|bmp)$/i;
const PREVIEWABLE_TEXT = /\.(txt|md|csv|json|log|xml|html?|css|js|ts|ini|conf|ya?ml)$/i;
export const MAX_PREVIEW = 2 * 1024 * 1024;

export function previewKind(entry: EntryInfo): 'image' | 'text' | undefined {
  if (entry.type !== 'file' || entry.size > MAX_PREVIEW) return undefined;
  if (PREVIEWABLE_IMAGE.test(entry.path)) return 'image';
  if (PREVIEWABLE_TEXT.test(entry.path)) return 'text';
  return undefined;
}
