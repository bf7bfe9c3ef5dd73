/**
 * Restoring without ever losing or half-writing anything: every target path is checked before a
 * byte is written, files are written into a staging folder beside the target, and they are moved
 * into place only after the whole restore has been decrypted and verified. On any failure the
 * staging folder is removed and the target is left as it was.
 */
import { constants, rmSync, type Stats } from 'node:fs';
import {
  chmod,
  copyFile,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  rename,
  rm,
  rmdir,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileSink, IndexEntry, RestoreSink } from '../core/index.ts';
import { CliError, EXIT, refused, usageError } from './exit-codes.ts';
import { lstatOrUndefined, randomSuffix } from './files.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { writeOwner } from './restore-preflight.ts';

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

function ancestors(path: string): string[] {
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

/** A private folder beside the target that holds everything until it is verified. */
export class Staging {
  private constructor(
    readonly root: string,
    readonly data: string,
  ) {}

  /** In the target's parent; inside the target itself when the parent cannot be written to. */
  static async create(parent: string, fallbackInside: string | undefined): Promise<Staging> {
    const name = `.coffer-restore-${randomSuffix()}`;
    let root = join(parent, name);
    try {
      await mkdir(root, { mode: 0o700 });
    } catch (error) {
      const code = errnoCode(error);
      const denied = code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
      if (!denied || fallbackInside === undefined) throw fsError(error, 'create a staging folder in', parent);
      root = join(fallbackInside, name);
      await mkdir(root, { mode: 0o700 }).catch((inner) => {
        throw fsError(inner, 'create a staging folder in', fallbackInside);
      });
    }
    const staging = new Staging(root, join(root, 'data'));
    await writeOwner(root)
      .then(() => mkdir(staging.data))
      .catch(async (error) => {
        await rm(root, { recursive: true, force: true });
        throw fsError(error, 'create a staging folder in', parent);
      });
    return staging;
  }

  async remove(): Promise<void> {
    await makeRemovable(this.root);
    await rm(this.root, { recursive: true, force: true, maxRetries: 2 });
  }

  removeSync(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Folders are given their final modes only after success, but be safe if one was read-only. */
async function makeRemovable(root: string): Promise<void> {
  await chmod(root, 0o700).catch(() => {});
}

/** Does this folder's file system treat `a` and `A` as the same name? */
export async function isCaseInsensitive(dir: string): Promise<boolean> {
  const name = `.coffer-case-probe-${randomSuffix()}`;
  const probe = join(dir, name);
  await writeFile(probe, '', { flag: 'wx' });
  try {
    const upper = await lstatOrUndefined(join(dir, name.toUpperCase()));
    return upper !== undefined;
  } finally {
    await unlink(probe).catch(() => {});
  }
}

// Mode 0 means "unknown" (spec): restored plaintext is then private to its owner, never readable by others.
export function fileMode(entry: IndexEntry | undefined): number {
  const mode = (entry?.mode ?? 0) & 0o755;
  return mode === 0 ? 0o600 : mode;
}

export function dirMode(entry: IndexEntry | undefined): number {
  const mode = (entry?.mode ?? 0) & 0o755;
  return mode === 0 ? 0o700 : mode;
}

function entryDate(entry: IndexEntry | undefined): Date | undefined {
  if (!entry) return undefined;
  const date = new Date(entry.mtime);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

async function applyMeta(path: string, mode: number, entry: IndexEntry | undefined): Promise<void> {
  const date = entryDate(entry);
  if (date) await utimes(path, date, date);
  await chmod(path, mode);
}

export interface SinkProgress {
  onFileDone?(entry: IndexEntry): void;
}

export interface StagingSink extends RestoreSink {
  /** Waits for the files still being finished in the background; throws their first error. */
  flush(): Promise<void>;
  /** Closes whatever is still open after a failure. */
  discard(): Promise<void>;
}

const CLOSING_IN_FLIGHT = 32;

/**
 * Writes into the staging folder. Files are created new (never through an existing name), with
 * mode 0600 until they are complete; then their time and mode are set and they are closed in the
 * background, a few at a time, so that many small files do not wait on each other.
 */
export function stagingSink(staging: Staging, target: string, syncPaths: ReadonlySet<string>): StagingSink {
  const made = new Set<string>();
  const closing = new Set<Promise<void>>();
  let failure: unknown;
  const ensureDir = async (path: string) => {
    if (made.has(path)) return;
    await mkdir(path, { recursive: true });
    made.add(path);
  };
  const rethrow = () => {
    if (failure !== undefined) throw failure;
  };
  const finish = async (handle: FileHandle, entry: IndexEntry, final: string) => {
    try {
      // A file that replaces an existing one must be on the disk before the old one goes.
      if (syncPaths.has(entry.path)) await handle.datasync();
      const date = entryDate(entry);
      if (date) await handle.utimes(date, date);
      await handle.chmod(fileMode(entry));
    } catch (error) {
      failure ??= fsError(error, 'write', final);
    } finally {
      await handle.close().catch((error) => {
        failure ??= fsError(error, 'write', final);
      });
    }
  };
  return {
    async directory(entry) {
      rethrow();
      try {
        await ensureDir(join(staging.data, entry.path));
      } catch (error) {
        throw fsError(error, 'create the folder', join(target, entry.path));
      }
    },
    async file(entry): Promise<FileSink> {
      rethrow();
      const path = join(staging.data, entry.path);
      const final = join(target, entry.path);
      let handle: FileHandle;
      try {
        await ensureDir(dirname(path));
        handle = await open(path, 'wx', 0o600);
      } catch (error) {
        throw fsError(error, 'write', final);
      }
      return {
        async write(bytes) {
          try {
            let offset = 0;
            while (offset < bytes.length) {
              const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
              offset += bytesWritten;
            }
          } catch (error) {
            throw fsError(error, 'write', final);
          }
        },
        async close() {
          const done = finish(handle, entry, final);
          closing.add(done);
          void done.then(() => closing.delete(done));
          if (closing.size >= CLOSING_IN_FLIGHT) await Promise.race(closing);
          rethrow();
        },
        async abort() {
          await handle.close().catch(() => {});
        },
      };
    },
    async flush() {
      await Promise.all(closing);
      rethrow();
    },
    async discard() {
      await Promise.all(closing);
    },
  };
}

/** Sets folder modes and times deepest first, once nothing more will be added to them. */
async function applyDirMeta(dir: string, items: readonly RestoreItem[], ours: (item: RestoreItem) => boolean) {
  const problems: string[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item.type !== 'dir' || !ours(item)) continue;
    await applyMeta(join(dir, item.path), dirMode(item.entry), item.entry).catch((error) => {
      problems.push(`${join(dir, item.path)}: ${errnoCode(error) ?? error}`);
    });
  }
  return problems;
}

/** The target did not exist: the verified staging tree becomes it in one rename. */
export async function commitNew(staging: Staging, dir: string, items: readonly RestoreItem[]): Promise<string[]> {
  try {
    await rename(staging.data, dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'ENOTDIR') {
      throw refused(`${JSON.stringify(dir)} appeared while restoring; it was left alone and nothing was restored.`);
    }
    throw fsError(error, 'move the restored files into', dir);
  }
  return applyDirMeta(dir, items, () => true);
}

interface Journal {
  createdDirs: string[];
  movedTrees: string[];
  placedFiles: string[];
  asides: { aside: string; target: string }[];
}

async function moveFileNoClobber(from: string, to: string): Promise<void> {
  let linked = false;
  try {
    await link(from, to);
    linked = true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw refused(`${JSON.stringify(to)} appeared while restoring; nothing was restored.`);
    if (code === 'EXDEV') return copyAcross(from, to);
    // No hard links on this file system: check, then rename.
  }
  if (linked) {
    await unlink(from).catch(() => {});
    return;
  }
  if (await lstatOrUndefined(to))
    throw refused(`${JSON.stringify(to)} appeared while restoring; nothing was restored.`);
  try {
    await rename(from, to);
  } catch (error) {
    if (errnoCode(error) === 'EXDEV') return copyAcross(from, to);
    throw error;
  }
}

async function moveFileReplacing(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (errnoCode(error) === 'EXDEV') return copyAcross(from, to);
    throw error;
  }
}

/** The target is on another disk than the staging folder: copy beside it, then rename. */
async function copyAcross(from: string, to: string): Promise<void> {
  const temp = join(dirname(to), `.${basename(to)}.coffer-new-${randomSuffix()}`);
  try {
    await copyFile(from, temp, constants.COPYFILE_EXCL);
    const stat = await lstat(from);
    await utimes(temp, stat.atime, stat.mtime);
    await chmod(temp, stat.mode & 0o777);
    const handle = await open(temp, 'r');
    await handle.datasync().finally(() => handle.close());
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

async function rollback(journal: Journal): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    await action().catch((error) => problems.push(`${what}: ${errnoCode(error) ?? error}`));
  };
  for (const path of journal.placedFiles.reverse()) await attempt(path, () => unlink(path));
  for (const { aside, target } of journal.asides.reverse()) await attempt(target, () => rename(aside, target));
  for (const path of journal.movedTrees.reverse())
    await attempt(path, () => rm(path, { recursive: true, force: true }));
  for (const path of journal.createdDirs.reverse()) await attempt(path, () => rmdir(path));
  return problems;
}

/**
 * The target exists: merge into it. New subtrees are moved whole; files are moved one by one,
 * an existing file (with --overwrite) first set aside so that a failure can put it back.
 */
export async function commitMerge(
  staging: Staging,
  dir: string,
  items: readonly RestoreItem[],
  state: TargetState,
): Promise<string[]> {
  const journal: Journal = { createdDirs: [], movedTrees: [], placedFiles: [], asides: [] };
  const moved = new Set<string>();
  const ours = new Set<string>();
  const underMoved = (path: string) => moved.size > 0 && ancestors(path).some((parent) => moved.has(parent));
  try {
    for (const item of items) {
      if (underMoved(item.path)) {
        ours.add(item.path);
        continue;
      }
      const from = join(staging.data, item.path);
      const to = join(dir, item.path);
      if (item.type === 'dir') {
        if (state.existingDirs.has(item.path)) {
          const now = await lstatOrUndefined(to);
          if (now?.isDirectory()) continue;
          throw refused(`${JSON.stringify(to)} changed while restoring; nothing was restored.`);
        }
        ours.add(item.path);
        if (await lstatOrUndefined(to))
          throw refused(`${JSON.stringify(to)} appeared while restoring; nothing was restored.`);
        try {
          await rename(from, to);
          journal.movedTrees.push(to);
          moved.add(item.path);
        } catch (error) {
          if (errnoCode(error) !== 'EXDEV') throw error;
          await mkdir(to);
          journal.createdDirs.push(to);
        }
        continue;
      }
      if (state.replaced.has(item.path)) {
        const current: Stats | undefined = await lstatOrUndefined(to);
        if (current?.isDirectory())
          throw refused(`${JSON.stringify(to)} became a folder while restoring; nothing was restored.`);
        if (current) {
          const aside = join(dirname(to), `.${basename(to)}.coffer-old-${randomSuffix()}`);
          await rename(to, aside);
          journal.asides.push({ aside, target: to });
        }
        await moveFileReplacing(from, to);
      } else {
        await moveFileNoClobber(from, to);
      }
      journal.placedFiles.push(to);
    }
  } catch (error) {
    const problems = await rollback(journal);
    const failure =
      error instanceof CliError ? error : fsError(error, 'move the restored files into', dir, 'Nothing was restored.');
    if (problems.length > 0) {
      throw new CliError(
        EXIT.other,
        `${failure.message} Undoing the partial move also failed for: ${problems.join('; ')}`,
        'Check the folder by hand; files set aside are named ".NAME.coffer-old-*".',
      );
    }
    throw failure;
  }
  for (const { aside } of journal.asides) await unlink(aside).catch(() => {});
  return applyDirMeta(dir, items, (item) => ours.has(item.path));
}
