/**
 * The staging folder beside the target and the sink that writes decrypted files into it: files
 * are created new, mode 0600 until complete, then given their time and mode.
 */
import { rmSync } from 'node:fs';
import { chmod, mkdir, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexEntry } from '../core/index.ts';
import { lstatOrUndefined, randomSuffix } from './files.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { writeOwner } from './restore-preflight.ts';

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

export function entryDate(entry: IndexEntry | undefined): Date | undefined {
  if (!entry) return undefined;
  const date = new Date(entry.mtime);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export async function applyMeta(path: string, mode: number, entry: IndexEntry | undefined): Promise<void> {
  const date = entryDate(entry);
  if (date) await utimes(path, date, date);
  await chmod(path, mode);
}
