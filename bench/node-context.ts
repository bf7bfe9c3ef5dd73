/** What the Node benchmark groups share: where they write, how they record, how they run coffer. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { BenchData } from './data.ts';
import { type Figure, timedCommand } from './lib.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const COFFER = [join(ROOT, 'bin/coffer.mjs')];

export function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

export function size(path: string): number {
  return statSync(path).size;
}

/**
 * Writes back every dirty page before an attempt, untimed. A tree restore leaves tens of MB of
 * files waiting in the page cache; on this machine's disk, flushing them took up to several
 * seconds inside whichever attempt ran next, coffer's or tar's, so the tree rows measured the
 * previous attempt's writeback instead of their own work.
 */
export function settleDisk(): void {
  execFileSync('sync');
}

let setAsideCount = 0;

/**
 * Moves an attempt's output (a restored tree) out of the way instead of deleting it: a rename,
 * not 10,000 unlinks. This machine's root file system is mounted with `discard`, and the
 * discards that removing a tree of many files sends kept the virtual disk slow for minutes after
 * `sync` returned: tar's restore of the bench tree took 0.4 s on a quiet disk and 3-8 s after the
 * previous attempt's copy was removed, and coffer's the same, so the rows measured the cleanup.
 * What is set aside goes with the run's folder when the whole run has ended.
 */
export function setAside(path: string, out: string): void {
  if (!existsSync(path)) return;
  const aside = join(out, 'set-aside');
  mkdirSync(aside, { recursive: true });
  renameSync(path, join(aside, `${setAsideCount++}-${basename(path)}`));
}

/** Total bytes of the regular files under a folder (to check that restores are complete). */
export function treeSize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** An age key pair for the native tree rows, or undefined when tar, gzip or age is missing. */
export function nativeTreePeer(out: string): { identity: string; recipient: string } | undefined {
  if (!['tar', 'gzip', 'age', 'age-keygen'].every(have)) return undefined;
  const identity = join(out, 'tree-age.key');
  rmSync(identity, { force: true });
  execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
  return { identity, recipient: execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim() };
}

export type TarPeer = NonNullable<ReturnType<typeof nativeTreePeer>>;

/** The reference for a tree: `tar | gzip -1 | age`, timed; `tree` is archived by its name from its parent. */
export function tarCreate(peer: TarPeer, tree: string, output: string) {
  return timedCommand('sh', [
    '-c',
    'cd "$1" && tar -cf - "$2" | gzip -1 | age -e -r "$3" -o "$4"',
    'sh',
    join(tree, '..'),
    basename(tree),
    peer.recipient,
    output,
  ]);
}

/** Its reverse: `age -d | gzip -d | tar -x` into `into`, timed. */
export function tarRestore(peer: TarPeer, input: string, into: string) {
  return timedCommand('sh', ['-c', 'age -d -i "$1" "$2" | gzip -d | tar -x -C "$3"', 'sh', peer.identity, input, into]);
}

export interface NodeBench {
  data: BenchData;
  /** This run's folder for the Node groups. */
  out: string;
  repeats: number;
  log: (line: string) => void;
  record: (name: string, value: Figure) => void;
  /** Runs the coffer command, timed, with its peak memory. */
  coffer: (args: string[]) => ReturnType<typeof timedCommand>;
  /** The arguments that unlock the bench's backups (a recovery-key file). */
  unlock: string[];
  /** Rows that could not run here, with the reason. */
  skipped: string[];
}
