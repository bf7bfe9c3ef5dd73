/**
 * Issue 13 item 4: a backup of one million entries lists, verifies and restores (a spread of a
 * large array used to overflow the stack at about 120,000). The backup is built directly from
 * index records (no million files on disk); restore picks one folder with --only, which still
 * plans and checks all million entries without creating them all on disk.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemsFromHandle } from '../../src/ui/vault/folders.ts';
import { coffer, craftBackup, newKeyFile, removeDir, tempDir } from './helpers.ts';

const FOLDERS = 1000;
const PER_FOLDER = 999; // files per folder: 1000 × (1 + 999) = 1,000,000 entries

let work: string;
let backup: string;
let byKey: string[];

beforeAll(async () => {
  work = await tempDir('coffer-million-');
  const key = await newKeyFile(work);
  byKey = ['--recovery-key-file', key];
  const digits = (await readFile(key, 'utf8')).replace(/[^0-9]/g, '');
  const entries: { path: string; type: 'file' | 'dir' }[] = [];
  for (let d = 0; d < FOLDERS; d++) {
    entries.push({ path: `d${d}`, type: 'dir' });
    for (let f = 0; f < PER_FOLDER; f++) entries.push({ path: `d${d}/f${f}`, type: 'file' });
  }
  backup = join(work, 'million.coffer');
  await writeFile(backup, await craftBackup(entries, digits));
}, 120_000);

afterAll(async () => {
  await removeDir(work);
});

describe('one million entries', () => {
  it('list prints every entry and the total', async () => {
    const result = await coffer(['list', backup, ...byKey]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(1_000_001);
    expect(lines.at(-1)).toMatch(/^999,?000 files, 1,?000 folders/);
  }, 120_000);

  it('verify checks all of it', async () => {
    const result = await coffer(['verify', backup, ...byKey]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('999000 files');
  }, 120_000);

  it('restore plans and checks all entries and writes the selection', async () => {
    const out = join(work, 'out');
    const result = await coffer(['restore', backup, ...byKey, '-o', out, '--only', 'd7', '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(join(out, 'd7'))).length).toBe(PER_FOLDER);
  }, 120_000);
});

describe('the browser folder walk', () => {
  type Fake = { kind: 'file' | 'directory'; name: string };
  const file = (name: string) => ({ kind: 'file', name, getFile: async () => ({ lastModified: 0 }) });
  const folder = (name: string, children: Fake[]) => ({
    kind: 'directory',
    name,
    async *entries() {
      for (const child of children) yield [child.name, child];
    },
  });

  it('walks a folder whose subfolder holds 200,000 files', async () => {
    const many: Fake[] = [];
    for (let i = 0; i < 200_000; i++) many.push(file(`f${i}`) as Fake);
    const root = folder('root', [folder('sub', many) as unknown as Fake]);
    const items = await itemsFromHandle(root as unknown as FileSystemDirectoryHandle);
    expect(items.length).toBe(200_002);
    expect(items[1].path).toBe('root/sub');
  }, 60_000);
});
