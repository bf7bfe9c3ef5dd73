/**
 * `coffer restore --salvage` on a backup with a damaged chunk: the intact files come back byte
 * for byte, the damaged one is not written at all, the list is on stderr and in --json, exit 4.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, exists, leftovers, newKeyFile, noise, removeDir, tempDir } from './helpers.ts';

const SEALED = 256 * 1024 + 16;
let work: string;
let key: string;
let backup: string;
let damaged: string;

beforeAll(async () => {
  work = await tempDir();
  const src = join(work, 'd');
  await mkdir(join(src, 'sub'), { recursive: true });
  // Stored (no compression), so plaintext offsets follow file sizes: a.bin holds chunks 0..2,
  // b.txt and sub/c.bin come after it, in chunk 2.
  await writeFile(join(src, 'a.bin'), noise(600 * 1024, 1));
  await writeFile(join(src, 'b.txt'), 'small\n');
  await writeFile(join(src, 'sub', 'c.bin'), noise(5000, 2));
  key = await newKeyFile(work);
  backup = join(work, 'ok.coffer');
  const created = await coffer(['create', '-q', '--no-compress', '--recovery-key-file', key, '-o', backup, src]);
  expect(created.code, created.stderr).toBe(0);
  const bytes = await readFile(backup);
  const headerLength = bytes.readUInt32LE(12);
  bytes[headerLength + SEALED + 1234] ^= 0x01; // chunk 1: the middle of a.bin
  damaged = join(work, 'damaged.coffer');
  await writeFile(damaged, bytes);
});

afterAll(async () => {
  await removeDir(work);
});

describe('restore --salvage', () => {
  it('without --salvage refuses everything, exit 4, and points at --salvage', async () => {
    const out = join(work, 'plain');
    const result = await coffer(['restore', damaged, '-o', out, '--recovery-key-file', key]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('--salvage');
    expect(await exists(out)).toBe(false);
  });

  it('restores every intact file byte for byte and lists the lost one, exit 4', async () => {
    const out = join(work, 'salvaged');
    const result = await coffer(['restore', damaged, '-o', out, '--recovery-key-file', key, '--salvage']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('lost: "d/a.bin"');
    expect(result.stderr).toContain('INCOMPLETE: restored 2 of 3 files');
    expect(await readFile(join(out, 'd', 'b.txt'), 'utf8')).toBe('small\n');
    expect(await readFile(join(out, 'd', 'sub', 'c.bin'))).toEqual(noise(5000, 2));
    // The partly lost file is not written under its name, nor under any other.
    expect(await exists(join(out, 'd', 'a.bin'))).toBe(false);
    expect(await leftovers(work)).toEqual([]);
  });

  it('reports the same in --json, keeping the list on stderr too', async () => {
    const out = join(work, 'json');
    const result = await coffer(['restore', damaged, '-o', out, '--recovery-key-file', key, '--salvage', '--json']);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      complete: false,
      restored: { files: 2, folders: 2, bytes: 5006 },
      damagedChunks: [1],
      chunkCount: 3,
    });
    expect(report.lost).toEqual([
      {
        path: 'd/a.bin',
        size: 600 * 1024,
        mtime: expect.any(String),
        type: 'file',
        lost: 'partial',
        damagedBytes: 256 * 1024,
      },
    ]);
    expect(result.stderr).toContain('partly lost: "d/a.bin"');
  });

  it('on an intact backup restores everything, exit 0, and says it is complete', async () => {
    const out = join(work, 'whole');
    const result = await coffer(['restore', backup, '-o', out, '--recovery-key-file', key, '--salvage', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ complete: true, lost: [], damagedChunks: [] });
    expect((await readFile(join(out, 'd', 'a.bin'))).equals(noise(600 * 1024, 1))).toBe(true);
  });

  it('refuses --salvage with --only as a usage error', async () => {
    const result = await coffer(['restore', damaged, '-o', join(work, 'x'), '--salvage', '--only', 'd/b.txt']);
    expect(result.code).toBe(2);
  });
});
