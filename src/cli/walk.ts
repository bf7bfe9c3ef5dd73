/**
 * Collects what `create` backs up: each PATH by its own name, folders depth-first with their
 * children sorted, every folder before its contents. Symbolic links, special files and names the
 * format cannot carry are skipped with a warning.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { foldCase, pathProblem } from '../core/index.ts';
import { usageError } from './exit-codes.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import type { Ui } from './ui.ts';

const STAT_BATCH = 64;

export interface WalkEntry {
  /** The path inside the backup (NFC, `/` separators). */
  path: string;
  /** Where it is on disk. */
  abs: string;
  type: 'file' | 'dir';
  mtime: number;
  mode: number;
  size: number;
}

export interface WalkResult {
  entries: WalkEntry[];
  files: number;
  dirs: number;
  bytes: number;
  skipped: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

function kindOf(stat: Stats): string | undefined {
  if (stat.isSymbolicLink()) return 'symbolic link';
  if (stat.isSocket()) return 'socket';
  if (stat.isFIFO()) return 'named pipe';
  if (stat.isCharacterDevice()) return 'character device';
  if (stat.isBlockDevice()) return 'block device';
  return undefined;
}

export async function walkInputs(inputs: readonly string[], ui: Ui, exclude: ReadonlySet<string>): Promise<WalkResult> {
  const result: WalkResult = { entries: [], files: 0, dirs: 0, bytes: 0, skipped: 0 };
  const seen = new Set<string>();
  const seenFolded = new Map<string, string>();
  const skip = (message: string) => {
    result.skipped++;
    ui.warn(message);
  };

  // Names first, so a usage problem is reported before any work.
  const tops: { input: string; abs: string; name: string }[] = [];
  const byName = new Map<string, string>();
  for (const input of inputs) {
    if (input === '') throw usageError('create: an empty PATH was given.');
    const abs = resolve(input);
    const name = basename(abs).normalize('NFC');
    if (name === '') {
      throw usageError(`create: cannot back up ${JSON.stringify(input)} by name; give the folders inside it instead.`);
    }
    const other = byName.get(name);
    if (other !== undefined) {
      throw usageError(
        `create: ${JSON.stringify(other)} and ${JSON.stringify(input)} would both be stored as ${JSON.stringify(name)}.`,
        'Each PATH is stored under its own name, so they must differ. Back up their parent folder instead, or rename one.',
      );
    }
    byName.set(name, input);
    tops.push({ input, abs, name });
  }

  const add = (entry: WalkEntry) => {
    result.entries.push(entry);
    if (entry.type === 'dir') result.dirs++;
    else {
      result.files++;
      result.bytes += entry.size;
    }
  };

  const visit = async (abs: string, path: string, stat: Stats): Promise<void> => {
    if (exclude.has(abs)) return;
    const special = kindOf(stat);
    if (special) {
      skip(
        `skipped ${special} ${JSON.stringify(path)}${special === 'symbolic link' ? ' (links are not followed)' : ''}.`,
      );
      return;
    }
    const problem = pathProblem(path);
    if (problem) {
      skip(`skipped ${JSON.stringify(path)}: its name cannot be stored in a backup (it ${problem}).`);
      return;
    }
    if (seen.has(path)) {
      skip(`skipped ${JSON.stringify(path)}: another name in the same folder is the same after Unicode normalisation.`);
      return;
    }
    seen.add(path);
    const folded = foldCase(path);
    const clash = seenFolded.get(folded);
    if (clash !== undefined) {
      ui.warn(
        `${JSON.stringify(path)} and ${JSON.stringify(clash)} differ only in letter case; the backup cannot be restored onto a disk that ignores case.`,
      );
    } else {
      seenFolded.set(folded, path);
    }
    const common = { path, abs, mtime: Math.round(stat.mtimeMs), mode: stat.mode & 0o777 };
    if (stat.isFile()) {
      add({ ...common, type: 'file', size: stat.size });
      return;
    }
    add({ ...common, type: 'dir', size: 0 });
    let names: Buffer[];
    try {
      names = await readdir(abs, 'buffer');
    } catch (error) {
      throw fsError(error, 'read the folder', abs);
    }
    const children: { name: string; abs: string }[] = [];
    for (const raw of names) {
      let name: string;
      try {
        name = strictUtf8.decode(raw);
      } catch {
        skip(`skipped ${JSON.stringify(`${path}/${lossyUtf8.decode(raw)}`)}: its name is not valid UTF-8.`);
        continue;
      }
      children.push({ name: name.normalize('NFC'), abs: join(abs, name) });
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // lstat a folder's children concurrently (the disk round trips dominate), visit them in order.
    const stats: ({ stat: Stats } | { error: unknown })[] = [];
    for (let i = 0; i < children.length; i += STAT_BATCH) {
      const batch = children.slice(i, i + STAT_BATCH).map((child) =>
        lstat(child.abs).then(
          (stat) => ({ stat }),
          (error: unknown) => ({ error }),
        ),
      );
      for (const result of await Promise.all(batch)) stats.push(result);
    }
    for (const [i, child] of children.entries()) {
      const result = stats[i];
      if ('error' in result) {
        if (errnoCode(result.error) === 'ENOENT') {
          skip(`skipped ${JSON.stringify(`${path}/${child.name}`)}: it disappeared while being backed up.`);
          continue;
        }
        throw fsError(result.error, 'read', child.abs);
      }
      await visit(child.abs, `${path}/${child.name}`, result.stat);
    }
  };

  for (const top of tops) {
    let stat: Stats;
    try {
      stat = await lstat(top.abs);
    } catch (error) {
      throw fsError(error, 'back up', top.input);
    }
    await visit(top.abs, top.name, stat);
  }
  return result;
}
