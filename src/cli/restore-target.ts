/**
 * Restoring without ever losing or half-writing anything: every target path is checked before a
 * byte is written, files are written into a staging folder beside the target, and they are moved
 * into place only after the whole restore has been decrypted and verified. On any failure the
 * staging folder is removed and the target is left as it was.
 */
import { constants, type Stats } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, open, rename, rm, rmdir, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError, EXIT, refused } from './exit-codes.ts';
import { lstatOrUndefined, randomSuffix } from './files.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { ancestors, type RestoreItem, type TargetState } from './restore-plan.ts';
import { applyMeta, dirMode, type Staging } from './restore-staging.ts';

export { checkTarget, planRestore, type RestoreItem, type RestorePlan, type TargetState } from './restore-plan.ts';
export { dirMode, fileMode, isCaseInsensitive, Staging } from './restore-staging.ts';
export { type SinkProgress, type StagingSink, stagingSink } from './staging-sink.ts';

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
