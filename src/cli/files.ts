/** Small file helpers shared by the commands. */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, unlink } from 'node:fs/promises';
import { errnoCode, fsError } from './fs-errors.ts';

export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** lstat, or undefined when nothing is there. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    throw fsError(error, 'check', path);
  }
}

/** Flushes a file's data to the disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a secret to a new file with mode 0600; EEXIST if something is already there. */
export async function writeSecretFile(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
}
