/**
 * Before a restore writes anything: is there room for it, and are there staging folders left by
 * an earlier restore that was killed (they hold decrypted plaintext) to clean up?
 */

import { lstat, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { refused } from './exit-codes.ts';
import { humanSize } from './ui.ts';

/** Room kept free beyond the plaintext: file-system metadata per item and a fixed reserve. */
export const PER_ITEM_MARGIN = 4096;
export const FIXED_MARGIN = 16 * 1024 * 1024;

export function spaceNeeded(bytes: number, items: number): number {
  return bytes + items * PER_ITEM_MARGIN + FIXED_MARGIN;
}

export type StatFs = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

/** Exit 5 when the file system holding `where` has less free space than the restore needs. */
export async function checkFreeSpace(
  where: string,
  bytes: number,
  items: number,
  stat: StatFs = (path) => statfs(path),
): Promise<void> {
  let info: Awaited<ReturnType<StatFs>>;
  try {
    info = await stat(where);
  } catch {
    return; // no statfs here (or it failed): the write itself will report ENOSPC cleanly
  }
  const available = Number(info.bavail) * Number(info.bsize);
  const needed = spaceNeeded(bytes, items);
  if (available < needed) {
    throw refused(
      `not enough free space to restore: it needs about ${humanSize(needed)}, and ${JSON.stringify(where)} has ${humanSize(available)} free; nothing was restored.`,
      'Free some space, restore into another disk, or pick entries with --only.',
    );
  }
}

export const STAGING_NAME = /^\.coffer-restore-[0-9a-f]{12}$/;
export const OWNER_FILE = 'owner.json';
const STALE_WITHOUT_OWNER_MS = 24 * 60 * 60 * 1000;

/** Recorded in each staging folder so that a later run can tell whether its restore is still alive. */
export async function writeOwner(root: string): Promise<void> {
  await writeFile(join(root, OWNER_FILE), JSON.stringify({ pid: process.pid, host: hostname() }), { mode: 0o600 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Ours (our name pattern, our user) and stale (its process is gone, or it is a day old without owner). */
export async function isStaleStaging(path: string, now = Date.now()): Promise<boolean> {
  const stat = await lstat(path).catch(() => undefined);
  if (!stat?.isDirectory()) return false;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return false;
  const owner = await readFile(join(path, OWNER_FILE), 'utf8').then(
    (text) => JSON.parse(text) as { pid?: unknown; host?: unknown },
    () => undefined,
  );
  if (owner && typeof owner.pid === 'number') return owner.host === hostname() && !alive(owner.pid);
  return now - stat.mtimeMs > STALE_WITHOUT_OWNER_MS;
}

/** Removes stale staging folders in `dir`; returns the ones removed. Never fails the restore. */
export async function removeStaleStaging(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!STAGING_NAME.test(name)) continue;
    const path = join(dir, name);
    if (!(await isStaleStaging(path))) continue;
    await rm(path, { recursive: true, force: true }).then(
      () => removed.push(path),
      () => {},
    );
  }
  return removed;
}
