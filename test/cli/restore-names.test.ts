/** Issue 13 items 14 and 16: names Windows cannot make, and paths too long for the OS, refused before writing. */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlatformPaths, platformPathProblem, windowsNameProblem } from '../../src/cli/restore-names.ts';
import { coffer, craftBackup, exists, newKeyFile, removeDir, tempDir } from './helpers.ts';

describe('Windows names (pure, any platform)', () => {
  it.each([
    'CON',
    'con',
    'Prn.txt',
    'aux.tar.gz',
    'NUL',
    'nul.',
    'COM1',
    'com9.log',
    'LPT1',
    'lpt9.x',
    'name.',
    'name ',
    'a<b',
    'a>b',
    'a:b',
    'a"b',
    'a|b',
    'a?b',
    'a*b',
  ])('refuses %j on win32 only', (name) => {
    expect(windowsNameProblem(name)).toBeDefined();
    expect(platformPathProblem(`dir/${name}`, 'win32')).toBeDefined();
    expect(platformPathProblem(`dir/${name}`, 'linux')).toBeUndefined();
    expect(() => checkPlatformPaths('C:\\target', [`ok/${name}`], 'win32')).toThrow(/cannot be restored here/);
  });

  it.each(['CONSOLE', 'COM0', 'COM10', 'LPT', 'aux_', 'notes.txt', '.hidden', 'con-fig'])('accepts %j', (name) => {
    expect(windowsNameProblem(name)).toBeUndefined();
  });
});

describe('paths longer than the OS allows', () => {
  it('checks the joined length per platform', () => {
    const long = Array.from({ length: 16 }, () => 'x'.repeat(255)).join('/'); // 4095 bytes
    expect(() => checkPlatformPaths('/tmp/somewhere', [long], 'linux')).toThrow(/longer than this system allows/);
    expect(() => checkPlatformPaths('/tmp/somewhere', ['x'.repeat(1000)], 'darwin')).toThrow(/longer/);
    expect(() => checkPlatformPaths('/tmp/somewhere', ['short/path'], 'linux')).not.toThrow();
  });

  let work: string;
  beforeAll(async () => {
    work = await tempDir('coffer-long-');
  });
  afterAll(async () => {
    await removeDir(work);
  });

  it('restore refuses a 4,095-byte path with exit 5 and writes nothing', async () => {
    const key = await newKeyFile(work);
    const digits = (await readFile(key, 'utf8')).replace(/[^0-9]/g, '');
    const long = Array.from({ length: 16 }, (_, i) => `${i}`.padEnd(255, 'y')).join('/');
    const bytes = await craftBackup(
      [
        { path: 'ok.txt', type: 'file' },
        { path: long, type: 'file' },
      ],
      digits,
    );
    const backup = join(work, 'long.coffer');
    await writeFile(backup, bytes);
    const before = (await readdir(work)).sort();
    const out = join(work, 'out');
    const result = await coffer(['restore', backup, '--recovery-key-file', key, '-o', out]);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toMatch(/^coffer: .* longer than this system allows/);
    expect(await exists(out)).toBe(false);
    expect((await readdir(work)).sort()).toEqual(before);
  });
});
