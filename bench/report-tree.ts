/** Issue 15's Chromium tree targets and rows: Coffer on many small files beside the platform's own I/O ceilings. */
import type { Figure } from './lib.ts';
import { ratioTarget, type Target } from './target.ts';

export const BROWSER_TREE_ROWS: [string, string][] = [
  ['browser.tree.createStored', 'tree of small files: create without compression (what DEFLATE costs)'],
  ['browser.tree.restoreZip', 'tree: unlock and restore all as one .zip (OPFS file)'],
  ['browser.tree.restoreSameSize', 'one file as large as the tree: unlock and restore it (OPFS file)'],
  ...(['arrayBuffer', 'stream'] as const).flatMap((how) =>
    [1, 8, 32].map((n): [string, string] => [
      `browser.tree.io.read.${how}.${n}`,
      `tree, read every file (${how}()), ${n} at once (I/O only)`,
    ]),
  ),
  ...(['writable', 'sync'] as const).flatMap((how) =>
    [1, 8, 32].map((n): [string, string] => [
      `browser.tree.io.write.${how}.${n}`,
      `tree, write every file into a new OPFS folder (${how === 'sync' ? 'sync access handle, no flush' : 'createWritable'}), ${n} at once (I/O only)`,
    ]),
  ),
  ['browser.path.download.coffer', 'Coffer create, random, no pickers: from the click to the finished download'],
  ['browser.path.download.io', 'the same file unencrypted, the same way (OPFS, then a download): I/O only'],
  ['browser.tree.io.readBest', 'tree: read ceiling (best of the reads above)'],
  ['browser.tree.io.writeBest', 'tree: write ceiling (best of the writes above)'],
];

/** Times, so "at most N times" is Coffer's seconds over the reference's. */
export function browserTreeTargets(f: Record<string, Figure>): Target[] {
  const m = (key: string) => f[key]?.median;
  const atMost = (name: string, x: number | undefined, y: number | undefined, limit: number) =>
    ratioTarget(name, x, y, limit, 'atMost');
  const atLeast = (name: string, x: number | undefined, y: number | undefined, limit: number) =>
    ratioTarget(name, x, y, limit, 'atLeast');
  return [
    // The bench's backups unlock with a recovery key only, so no Argon2id time is added here.
    atMost(
      'Chromium create of the tree / read ceiling (recovery key: no Argon2id)',
      m('browser.tree.create'),
      m('browser.tree.io.readBest'),
      1.5,
    ),
    atMost(
      'Chromium restore all of the tree into a folder / write ceiling',
      m('browser.tree.restoreAll'),
      m('browser.tree.io.writeBest'),
      1.5,
    ),
    atLeast(
      'Chromium create, random, download path / its I/O-only row',
      m('browser.path.download.coffer'),
      m('browser.path.download.io'),
      0.8,
    ),
    atMost(
      'Chromium restore of the tree as a .zip / restoring one file of the same size',
      m('browser.tree.restoreZip'),
      m('browser.tree.restoreSameSize'),
      2,
    ),
  ];
}
