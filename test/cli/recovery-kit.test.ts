/** The recovery kit the app saves: free of registry package names, and accepted by the CLI as it is. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import { buildRecoveryKit, keyFromKit } from '../../src/core/recovery-kit.ts';
import { coffer, makeTree, removeDir, tempDir } from './helpers.ts';

let work: string;
let src: string;

beforeAll(async () => {
  work = await tempDir();
  src = join(work, 'src');
  await makeTree(src);
});

afterAll(async () => {
  await removeDir(work);
});

const details = { date: '2026-12-02', sources: ['Fotos'], appAddress: 'https://coffer.example/app/' };

describe('recovery kit', () => {
  it('points only at what Coffer ships, with the steps the app has', () => {
    const kit = buildRecoveryKit(generateRecoveryKey(), details);
    expect(kit).not.toMatch(/npx/);
    expect(kit).toContain('https://coffer.example/app/');
    expect(kit).toContain('Download https://coffer.example/app/coffer.mjs');
    expect(kit).toContain('node coffer.mjs restore BACKUP.coffer');
    // From the page itself too (an address that names index.html), the tool is beside it.
    const fromPage = buildRecoveryKit(generateRecoveryKey(), {
      ...details,
      appAddress: 'https://x.example/a/index.html',
    });
    expect(fromPage).toContain('Download https://x.example/a/coffer.mjs');
    expect(kit).toContain('"Open backup"');
    expect(kit).not.toContain('choose "Recovery key"');
  });

  it('gives back its key', () => {
    const key = generateRecoveryKey();
    expect(keyFromKit(buildRecoveryKit(key, details))?.replace(/ /g, '')).toBe(key);
    expect(keyFromKit('1234 5678')).toBeUndefined();
  });

  it('works as --recovery-key-file for create, list and restore', async () => {
    const key = generateRecoveryKey();
    const kitPath = join(work, 'coffer-recovery-kit Fotos 2026-12-02.txt');
    await writeFile(kitPath, buildRecoveryKit(key, details));
    const backup = join(work, 'kit.coffer');
    const created = await coffer(['create', '-o', backup, '--recovery-key-file', kitPath, src]);
    expect(created.code, created.stderr).toBe(0);
    const listed = await coffer(['list', backup, '--recovery-key-file', kitPath]);
    expect(listed.code, listed.stderr).toBe(0);
    const out = join(work, 'restored');
    const restored = await coffer(['restore', backup, '-o', out, '--recovery-key-file', kitPath]);
    expect(restored.code, restored.stderr).toBe(0);
    // The same key typed as plain digits opens it too: the kit held the real key.
    const plain = join(work, 'plain.key');
    await writeFile(plain, `${key}\n`);
    expect((await coffer(['verify', backup, '--recovery-key-file', plain])).code).toBe(0);
    expect((await readFile(kitPath, 'utf8')).startsWith('COFFER RECOVERY KIT')).toBe(true);
  });
});

describe('not a backup: says what the file looks like', () => {
  it.each([
    ['report.pdf.coffer', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), /looks like a PDF document/],
    ['photos.zip.coffer', Buffer.from('PK\u0003\u0004\u0014\u0000\u0000\u0000'), /looks like a ZIP archive/],
    ['notes.coffer', Buffer.from('just some notes, not a backup\n'), /looks like a text file/],
    ['empty.coffer', Buffer.alloc(0), /looks like an empty file/],
  ])('%s', async (name, bytes, pattern) => {
    const path = join(work, name);
    await writeFile(path, bytes);
    const result = await coffer(['inspect', path]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/not a Coffer backup/);
    expect(result.stderr).toMatch(pattern);
  });
});
