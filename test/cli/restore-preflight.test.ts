/** Issue 13 item 20: free space is checked before a restore, and stale staging folders are removed. */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFreeSpace, spaceNeeded } from '../../src/cli/restore-preflight.ts';
import { coffer, exists, makeTree, removeDir, tempDir, withPassphrase } from './helpers.ts';

describe('free space', () => {
  const fake = (free: number) => async () => ({ bavail: BigInt(free / 4096), bsize: 4096 });

  it('refuses with exit 5 when the target has less room than the plaintext plus a margin', async () => {
    const error = await checkFreeSpace('/somewhere', 1 << 30, 10, fake(512 * 1024 * 1024)).catch((e) => e);
    expect(error?.exitCode).toBe(5);
    expect(error?.message).toMatch(/not enough free space to restore: it needs about 1\.0\d* GiB/);
  });

  it('accepts when there is room', async () => {
    await expect(checkFreeSpace('/somewhere', 1000, 10, fake(spaceNeeded(1000, 10) + 4096))).resolves.toBeUndefined();
  });
});

describe('stale staging folders', () => {
  let work: string;
  let backup: string;
  beforeAll(async () => {
    work = await tempDir('coffer-stale-');
    await makeTree(join(work, 'src'));
    backup = join(work, 'b.coffer');
    const made = await coffer(['create', '-o', backup, '--kdf', 'default', join(work, 'src'), '-q'], withPassphrase);
    expect(made.code, made.stderr).toBe(0);
  });
  afterAll(async () => {
    await removeDir(work);
  });

  it('removes the staging folder of a killed restore, and keeps a live one and look-alikes', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const stale = join(work, '.coffer-restore-aaaaaaaaaaaa');
    await mkdir(join(stale, 'data'), { recursive: true });
    await writeFile(join(stale, 'data', 'plain.txt'), 'decrypted secret');
    await writeFile(join(stale, 'owner.json'), JSON.stringify({ pid: Number(dead), host: hostname() }));
    const live = join(work, '.coffer-restore-bbbbbbbbbbbb');
    await mkdir(live);
    await writeFile(join(live, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname() }));
    const lookalike = join(work, '.coffer-restore-notours');
    await mkdir(lookalike);

    const result = await coffer(['restore', backup, '-o', join(work, 'out')], withPassphrase);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/removed .*coffer-restore-aaaaaaaaaaaa.*earlier restore/);
    expect(await exists(stale)).toBe(false);
    expect(await exists(live)).toBe(true);
    expect(await exists(lookalike)).toBe(true);
  });
});
