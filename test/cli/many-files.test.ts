/**
 * Issue 15: trees of many small files go through the read-ahead (create) and the buffered,
 * concurrent writer (restore). 1,200 files of every size class those paths treat differently:
 * empty, tiny, compressible text, incompressible data over the sample-trial size, just over the
 * one-step 64 KiB, over the 256 KiB read-ahead, and over the 1 MiB that restore gathers whole.
 * Every byte, mode and time must come back, into a new folder and over an existing one.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coffer,
  contentOf,
  FIXED_MTIME,
  leftovers,
  newKeyFile,
  noise,
  removeDir,
  type Snapshot,
  setTimes,
  tempDir,
} from './helpers.ts';

const FOLDERS = 12;
const PER_FOLDER = 100;

let work: string;
let src: string;
let byKey: string[];
let backup: string;

function contentFor(i: number): Buffer {
  switch (i % 10) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return Buffer.from(`file ${i}\n`);
    case 2:
      return noise(20_000 + i, i + 1); // incompressible, over the 16 KiB sample trial
    case 3:
      return Buffer.from(`line ${i} of a compressible text file\n`.repeat(1 + (i % 300)));
    default:
      return Buffer.from(`small message ${i}: ${'x'.repeat(i % 500)}\n`);
  }
}

beforeAll(async () => {
  work = await tempDir('coffer-many-');
  byKey = ['--recovery-key-file', await newKeyFile(work)];
  src = join(work, 'tree');
  for (let d = 0; d < FOLDERS; d++) {
    const folder = join(src, `folder-${d}`, d % 3 === 0 ? 'nested' : '');
    await mkdir(folder, { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++) {
      const i = d * PER_FOLDER + f;
      const path = join(folder, `f-${i}.dat`);
      await writeFile(path, contentFor(i));
      if (i % 7 === 0) await chmod(path, 0o755);
    }
  }
  // One file of each size class beyond the small paths.
  await writeFile(join(src, 'over-sample.bin'), noise(64 * 1024 + 1, 3));
  await writeFile(join(src, 'over-read-ahead.txt'), Buffer.from('beyond the read-ahead\n'.repeat(13_000)));
  await writeFile(join(src, 'over-whole.bin'), noise(1024 * 1024 + 17, 5));
  await setTimes(src, FIXED_MTIME);
  backup = join(work, 'many.coffer');
  const created = await coffer(['create', '-o', backup, '-q', ...byKey, src]);
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
}, 180_000);

afterAll(async () => {
  await removeDir(work);
});

const FILES = FOLDERS * PER_FOLDER + 3;

function filesOf(snapshot: Snapshot): Snapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([, item]) => item.type === 'file'));
}

describe('a tree of many small files', () => {
  it('lists every file and verifies', async () => {
    const listed = await coffer(['list', backup, ...byKey]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${FILES} files`);
    expect(listed.stdout).toContain('tree/folder-3/nested/f-300.dat');
    const verified = await coffer(['verify', backup, ...byKey]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`${FILES} files`);
  }, 120_000);

  it('restores every byte, mode and time into a new folder, leaving no staging behind', async () => {
    const out = join(work, 'out');
    const restored = await coffer(['restore', backup, '-o', out, '-q', ...byKey]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await contentOf(join(out, 'tree'))).toEqual(await contentOf(src));
    expect(await leftovers(work)).toEqual([]);
  }, 120_000);

  it('replaces every file of an existing copy with --overwrite, with the same result', async () => {
    const out = join(work, 'again');
    expect((await coffer(['restore', backup, '-o', out, '-q', ...byKey])).code).toBe(0);
    // Change some files so that the replacement has something to undo.
    await writeFile(join(out, 'tree', 'folder-1', 'f-101.dat'), 'changed');
    await writeFile(join(out, 'tree', 'over-whole.bin'), 'changed');
    const refused = await coffer(['restore', backup, '-o', out, '-q', ...byKey]);
    expect(refused.code).toBe(5);
    const replaced = await coffer(['restore', backup, '-o', out, '--overwrite', '-q', ...byKey]);
    expect(replaced.code).toBe(0);
    // Existing folders keep their own metadata (the merge only adds to them): compare the files.
    expect(filesOf(await contentOf(join(out, 'tree')))).toEqual(filesOf(await contentOf(src)));
    expect(await leftovers(out)).toEqual([]);
  }, 180_000);
});
