/**
 * Checks that every restored path can actually be made on this operating system, before a byte
 * is written: Windows refuses some names the format allows, and every OS has a longest path.
 * Pure functions with the platform as a parameter, so every platform's rules are tested anywhere.
 */
import { join } from 'node:path';
import { describePath } from '../core/paths.ts';
import { refused } from './exit-codes.ts';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$/i;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;

/** Why Windows cannot create this name, or undefined. */
export function windowsNameProblem(name: string): string | undefined {
  if (WINDOWS_RESERVED.test(name)) return 'is a reserved device name on Windows';
  if (name.endsWith('.') || name.endsWith(' ')) return 'ends with a dot or a space, which Windows drops';
  if (WINDOWS_FORBIDDEN.test(name)) return 'contains one of < > : " | ? *, which Windows does not allow in names';
  return undefined;
}

/** Why `path` (a checked backup path) cannot be restored on `platform`, or undefined. */
export function platformPathProblem(path: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return undefined;
  for (const name of path.split('/')) {
    const problem = windowsNameProblem(name);
    if (problem) return `has the name ${describePath(name)}, which ${problem}`;
  }
  return undefined;
}

/** The longest full path, in bytes (UTF-8; UTF-16 units on Windows), each OS creates. */
export function maxPathBytes(platform: NodeJS.Platform): number {
  if (platform === 'darwin') return 1023;
  if (platform === 'win32') return 32_766;
  return 4095; // Linux PATH_MAX counts the terminating NUL
}

function pathLength(path: string, platform: NodeJS.Platform): number {
  return platform === 'win32' ? path.length : Buffer.byteLength(path, 'utf8');
}

/** Matches the names Staging uses: `.coffer-restore-` and 12 hex digits, then `data`. */
const STAGING_OVERHEAD = join('.coffer-restore-000000000000', 'data');

/**
 * Refuses (exit 5) the first path that Windows cannot name, or that is too long for the OS once
 * joined to the target or to the staging folder beside (or inside) it.
 */
export function checkPlatformPaths(
  dir: string,
  paths: Iterable<string>,
  platform: NodeJS.Platform = process.platform,
): void {
  const bases = [dir, join(dir, '..', STAGING_OVERHEAD), join(dir, STAGING_OVERHEAD)];
  const longestBase = Math.max(bases[0].length, bases[1].length, bases[2].length);
  const base = bases.find((b) => b.length === longestBase) as string;
  const limit = maxPathBytes(platform);
  for (const path of paths) {
    const problem = platformPathProblem(path, platform);
    if (problem) throw refused(`${describePath(path)} cannot be restored here: it ${problem}; nothing was restored.`);
    if (pathLength(join(base, path), platform) > limit) {
      throw refused(
        `${describePath(path)} cannot be restored into ${JSON.stringify(dir)}: the full path would be longer than this system allows (${limit} bytes); nothing was restored.`,
        'Restore into a folder with a shorter path, or pick entries with --only.',
      );
    }
  }
}
