/** What a restore puts where: the plan from the index, and the check of the target before writing. */

import { join } from 'node:path';
import type { IndexEntry } from '../core/index.ts';
import { refused, usageError } from './exit-codes.ts';
import { lstatOrUndefined } from './files.ts';

/** One thing the restore puts in the target: an index entry, or a parent folder the index left implicit. */
export interface RestoreItem {
  path: string;
  type: 'file' | 'dir';
  entry?: IndexEntry;
}

export interface RestorePlan {
  items: RestoreItem[];
  /** The entries to hand to the core; undefined for a full restore (one verified pass). */
  only: IndexEntry[] | undefined;
  files: number;
  bytes: number;
}

function normaliseSelector(raw: string): string {
  let path = raw.normalize('NFC');
  while (path.startsWith('./')) path = path.slice(2);
  while (path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

export function ancestors(path: string): string[] {
  const result: string[] = [];
  let slash = path.indexOf('/');
  while (slash !== -1) {
    result.push(path.slice(0, slash));
    slash = path.indexOf('/', slash + 1);
  }
  return result;
}

/**
 * What to restore. `--only PATH` selects an entry exactly or everything under a folder; the
 * folders above a selection come along so the tree keeps its shape.
 */
export function planRestore(entries: readonly IndexEntry[], selectors: readonly string[]): RestorePlan {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  let chosen: readonly IndexEntry[] = entries;
  let only: IndexEntry[] | undefined;
  if (selectors.length > 0) {
    const picked = new Set<string>();
    for (const raw of selectors) {
      const selector = normaliseSelector(raw);
      if (selector === '')
        throw usageError(`restore: --only ${JSON.stringify(raw)} does not name a path in the backup.`);
      let matched = false;
      for (const entry of entries) {
        if (entry.path === selector || entry.path.startsWith(`${selector}/`)) {
          picked.add(entry.path);
          matched = true;
        }
      }
      if (!matched) {
        throw usageError(
          `restore: no entry matches --only ${JSON.stringify(raw)}; nothing was restored.`,
          'Paths are as "coffer list" shows them, for example "photos/2026/a.jpg" or "photos".',
        );
      }
    }
    for (const path of [...picked]) {
      for (const parent of ancestors(path)) if (byPath.get(parent)?.type === 'dir') picked.add(parent);
    }
    only = entries.filter((entry) => picked.has(entry.path));
    chosen = only;
  }
  const items: RestoreItem[] = [];
  const listed = new Set<string>();
  let files = 0;
  let bytes = 0;
  for (const entry of chosen) {
    for (const parent of ancestors(entry.path)) {
      if (listed.has(parent)) continue;
      listed.add(parent);
      // A parent the index itself lists comes before its children, so this is one it left implicit.
      items.push({ path: parent, type: 'dir', entry: byPath.get(parent) });
    }
    if (listed.has(entry.path)) continue;
    listed.add(entry.path);
    items.push({ path: entry.path, type: entry.type, entry });
    if (entry.type === 'file') {
      files++;
      bytes += entry.size;
    }
  }
  return { items, only, files, bytes };
}

export interface TargetState {
  /** Folders that already exist in the target (merged into, their metadata left alone). */
  existingDirs: Set<string>;
  /** Files that --overwrite will replace. */
  replaced: Set<string>;
}

function shown(dir: string, path: string): string {
  return JSON.stringify(join(dir, path));
}

/** Checks every target path before anything is written; the first clash is exit 5. */
export async function checkTarget(
  dir: string,
  dirExists: boolean,
  items: readonly RestoreItem[],
  overwrite: boolean,
): Promise<TargetState> {
  const state: TargetState = { existingDirs: new Set(), replaced: new Set() };
  if (!dirExists) return state;
  const missing = new Set<string>();
  const clashes: string[] = [];
  let typeClash: string | undefined;
  for (const item of items) {
    const parent = item.path.includes('/') ? item.path.slice(0, item.path.lastIndexOf('/')) : undefined;
    if (parent !== undefined && missing.has(parent)) {
      missing.add(item.path);
      continue;
    }
    const stat = await lstatOrUndefined(join(dir, item.path));
    if (!stat) {
      missing.add(item.path);
      continue;
    }
    if (item.type === 'dir') {
      if (stat.isDirectory()) {
        state.existingDirs.add(item.path);
        continue;
      }
      typeClash ??= `${shown(dir, item.path)} exists and is not a folder, but the backup has a folder there.`;
      missing.add(item.path); // nothing below it can be checked meaningfully
      continue;
    }
    if (stat.isDirectory()) {
      typeClash ??= `${shown(dir, item.path)} is a folder, but the backup has a file there.`;
      continue;
    }
    if (overwrite) state.replaced.add(item.path);
    else clashes.push(item.path);
  }
  if (typeClash)
    throw refused(`${typeClash} Nothing was restored.`, 'Restore into another folder, or move it out of the way.');
  if (clashes.length > 0) {
    const more = clashes.length > 1 ? ` (and ${clashes.length - 1} more)` : '';
    throw refused(
      `${shown(dir, clashes[0])} already exists${more}; nothing was restored.`,
      'Add --overwrite to replace existing files, or restore into another folder.',
    );
  }
  return state;
}
