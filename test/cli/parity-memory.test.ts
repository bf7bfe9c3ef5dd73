/**
 * Repair data does not make the writer's memory grow with the backup (issue 28, item 4): the
 * parity waits in a hidden file beside the output and is removed on every path. Peak memory is
 * read with GNU time.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, coffer, newKeyFile, noise, removeDir, tempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const TIME = '/usr/bin/time';
let work: string;
let key: string;

/** Peak resident memory of one `coffer create`, in bytes. */
function peakOfCreate(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(TIME, ['-f', 'peak-kib=%M', process.execPath, BIN, 'create', '-q', ...args], (error, _stdout, stderr) => {
      if (error) reject(new Error(stderr));
      else resolve(Number(/peak-kib=(\d+)/.exec(stderr)?.[1]) * 1024);
    });
  });
}

beforeAll(async () => {
  work = await tempDir('coffer-parity-memory-');
  // 192 MiB of distinct data, and 768 MiB as four hard links to each of those files.
  await mkdir(join(work, 'large'));
  await mkdir(join(work, 'huge'));
  for (let i = 0; i < 12; i++) {
    const file = join(work, 'large', `f${i}.bin`);
    await writeFile(file, noise(16 * MiB, i + 1));
    for (let copy = 0; copy < 4; copy++) await link(file, join(work, 'huge', `f${i}-${copy}.bin`));
  }
  key = await newKeyFile(work);
});

afterAll(async () => {
  await removeDir(work);
});

describe.skipIf(!existsSync(TIME))('create --parity memory (needs GNU time at /usr/bin/time)', () => {
  it('--parity 10 peaks the same for 192 MiB and 768 MiB: neither the parity nor the coder grows', async () => {
    const create = (name: string) =>
      peakOfCreate([
        '--parity',
        '10',
        '--no-compress',
        '--recovery-key-file',
        key,
        '-o',
        join(work, `${name}.coffer`),
        join(work, name),
      ]);
    const large = await create('large');
    const huge = await create('huge');
    console.log(
      `peak memory with --parity 10: ${(large / MiB).toFixed(0)} MiB for 192 MiB, ${(huge / MiB).toFixed(0)} MiB for 768 MiB`,
    );
    // Before: the 58 MiB of extra parity was held to the end, and the Reed–Solomon instance's
    // memory grew about 6 MiB a stripe (35 more stripes). Now the peak stays put.
    expect(huge - large).toBeLessThan(64 * MiB);
    expect((await readdir(work)).filter((name) => name.startsWith('.coffer-'))).toEqual([]);
    const verified = await coffer(['verify', join(work, 'huge.coffer'), '--recovery-key-file', key]);
    expect(verified.code, verified.stderr).toBe(0);
  });
});
