/**
 * `create --parity`, `verify` ("damaged but repairable"), `restore` through the damage, and
 * `repair IN -o OUT` (never over an existing file; nothing written when the damage is too much).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, exists, newKeyFile, noise, removeDir, tempDir } from './helpers.ts';

const SEALED = 256 * 1024 + 16;

/** Buffer.equals: vitest's deep equality walks a MiB byte by byte, for seconds. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}
let work: string;
let key: string;
let good: string;
let damaged: string;
let unkind: string;

async function damage(from: string, to: string, chunks: number[]): Promise<void> {
  const bytes = await readFile(from);
  const headerLength = bytes.readUInt32LE(12);
  for (const chunk of chunks) bytes[headerLength + chunk * SEALED + 99] ^= 0x10;
  await writeFile(to, bytes);
}

beforeAll(async () => {
  work = await tempDir();
  const src = join(work, 'd');
  await mkdir(src);
  // 3 MiB of incompressible data: 13 chunks, one stripe of 13 with 2 parity shards at 10%.
  for (let i = 0; i < 3; i++) await writeFile(join(src, `f${i}.bin`), noise(1024 * 1024, i + 1));
  key = await newKeyFile(work);
  good = join(work, 'good.coffer');
  const created = await coffer(['create', '-q', '--parity', '10', '--recovery-key-file', key, '-o', good, src]);
  expect(created.code, created.stderr).toBe(0);
  damaged = join(work, 'damaged.coffer');
  await damage(good, damaged, [2, 7]);
  unkind = join(work, 'too-damaged.coffer');
  await damage(good, unkind, [1, 2, 3]);
});

afterAll(async () => {
  await removeDir(work);
});

describe('parity in the CLI', () => {
  it('inspect and verify an intact backup with parity', async () => {
    const verified = await coffer(['verify', good, '--recovery-key-file', key]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('OK: 3 files');
    // No key needed to see the recovery section's shape (the footer is not encrypted).
    const inspected = await coffer(['inspect', good]);
    expect(inspected.stdout).toContain('format version 3');
    expect(inspected.stdout).toContain('chunks          13 of 256 KiB');
    expect(inspected.stdout).toContain('recovery        2 parity chunks per 13 (1 stripe)');
    const json = JSON.parse((await coffer(['inspect', good, '--json'])).stdout);
    expect(json).toMatchObject({
      version: 3,
      chunkCount: 13,
      recovery: { dataShards: 13, parityShards: 2, stripes: 1 },
    });
  });

  it('verify says "damaged but repairable" with what was repaired, exit 4', async () => {
    const verified = await coffer(['verify', damaged, '--recovery-key-file', key]);
    expect(verified.code).toBe(4);
    expect(verified.stdout).toContain('DAMAGED BUT REPAIRABLE');
    expect(verified.stdout).toContain(
      '2 chunks of 13 failed the integrity check and were rebuilt from parity (chunks 2, 7)',
    );
  });

  it('restore goes through repairable damage and restores everything byte for byte', async () => {
    const out = join(work, 'restored');
    const restored = await coffer(['restore', damaged, '-o', out, '--recovery-key-file', key]);
    expect(restored.code, restored.stderr).toBe(0);
    for (let i = 0; i < 3; i++)
      expect(same(await readFile(join(out, 'd', `f${i}.bin`)), noise(1024 * 1024, i + 1))).toBe(true);
  });

  it('repair writes a clean copy identical to the original, and never over an existing file', async () => {
    const out = join(work, 'repaired.coffer');
    const repaired = await coffer(['repair', damaged, '-o', out, '--recovery-key-file', key]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toContain('rebuilt from parity (chunks 2, 7)');
    expect(same(await readFile(out), await readFile(good))).toBe(true);
    const again = await coffer(['repair', damaged, '-o', out, '--recovery-key-file', key]);
    expect(again.code).toBe(5);
    expect(same(await readFile(out), await readFile(good))).toBe(true);
  });

  it('repair writes nothing when the damage is more than the parity (exit 4); salvage still restores the rest', async () => {
    const out = join(work, 'never.coffer');
    const repaired = await coffer(['repair', unkind, '-o', out, '--recovery-key-file', key]);
    expect(repaired.code).toBe(4);
    expect(await exists(out)).toBe(false);
    expect((await readdir(work)).filter((name) => name.includes('coffer-repair'))).toEqual([]);
    const salvaged = await coffer([
      'restore',
      unkind,
      '-o',
      join(work, 'salv'),
      '--recovery-key-file',
      key,
      '--salvage',
      '--json',
    ]);
    expect(salvaged.code).toBe(4);
    const report = JSON.parse(salvaged.stdout);
    expect(report.lost.map((lost: { path: string }) => lost.path)).toEqual(['d/f0.bin']);
    expect(same(await readFile(join(work, 'salv', 'd', 'f2.bin')), noise(1024 * 1024, 3))).toBe(true);
  });

  it('a footer edited to switch parity off is refused as altered by verify and repair, never "OK" or "an exact copy"', async () => {
    // The attack of issue 28: dataShards 13 -> 14 keeps one stripe, so the file size still fits.
    // A revision 1.3 footer's HMAC catches it; for a revision 1.2 footer (SHA-256 recomputed,
    // no key needed) verify and repair recompute the parity and find it does not match.
    const original = await readFile(good);
    const footerAt = original.length - 64;
    expect(original.subarray(footerAt, footerAt + 8).toString()).toBe('COFFREC2');
    const edited = Buffer.from(original);
    edited[footerAt + 25] = 14;
    const legacy = Buffer.from(edited);
    legacy.write('COFFREC1', footerAt);
    createHash('sha256')
      .update(legacy.subarray(footerAt, footerAt + 32))
      .digest()
      .copy(legacy, footerAt + 32);
    for (const [name, bytes] of [
      ['edited.coffer', edited],
      ['edited-legacy.coffer', legacy],
    ] as const) {
      const file = join(work, name);
      await writeFile(file, bytes);
      const verified = await coffer(['verify', file, '--recovery-key-file', key]);
      expect(verified.code, name).toBe(4);
      expect(verified.stderr, name).toMatch(/repair data has been altered/);
      expect(verified.stdout, name).not.toMatch(/OK|REPAIRABLE/);
      const out = join(work, `${name}.repaired`);
      const repaired = await coffer(['repair', file, '-o', out, '--recovery-key-file', key]);
      expect(repaired.code, name).toBe(4);
      expect(repaired.stderr, name).toMatch(/repair data has been altered/);
      expect(await exists(out), name).toBe(false);
      expect((await readdir(work)).filter((entry) => entry.includes('coffer-repair'))).toEqual([]);
    }
  });

  it('repair refuses a backup without parity (exit 5) and a bad --parity is a usage error', async () => {
    const plain = join(work, 'plain.coffer');
    expect((await coffer(['create', '-q', '--recovery-key-file', key, '-o', plain, join(work, 'd')])).code).toBe(0);
    const repaired = await coffer(['repair', plain, '-o', join(work, 'x.coffer'), '--recovery-key-file', key]);
    expect(repaired.code).toBe(5);
    expect(repaired.stderr).toContain('without parity');
    const bad = await coffer(['create', '--parity', '12.5', '-o', join(work, 'y.coffer'), join(work, 'd')]);
    expect(bad.code).toBe(2);
  });
});
