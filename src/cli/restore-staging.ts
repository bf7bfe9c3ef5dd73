/**
 * The staging folder beside the target and the sink that writes decrypted files into it: files
 * are created new, mode 0600 until complete, then given their time and mode.
 */
import { rmSync } from 'node:fs';
import { chmod, type FileHandle, mkdir, open, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileSink, IndexEntry, RestoreSink } from '../core/index.ts';
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

function entryDate(entry: IndexEntry | undefined): Date | undefined {
  if (!entry) return undefined;
  const date = new Date(entry.mtime);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export async function applyMeta(path: string, mode: number, entry: IndexEntry | undefined): Promise<void> {
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
          // Salvage goes on after a lost file: what was written of it must not be committed.
          await rm(path, { force: true }).catch(() => {});
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
