/** Issue 13 item 9: decrypted plaintext is never left readable by other users by default. */
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCrypt15, makeSqlite, zlib } from '../whatsapp/fixtures.ts';
import { coffer, craftBackup, newKeyFile, removeDir, tempDir } from './helpers.ts';

let work: string;

beforeAll(async () => {
  work = await tempDir('coffer-modes-');
});

afterAll(async () => {
  await removeDir(work);
});

describe('modes of restored plaintext', () => {
  it('an entry with mode 0 ("unknown") restores as 0600 (file) and 0700 (folder)', async () => {
    const key = await newKeyFile(work);
    const digits = (await readFile(key, 'utf8')).replace(/[^0-9]/g, '');
    const bytes = await craftBackup(
      [
        { path: 'secret', type: 'dir', mode: 0 },
        { path: 'secret/diary.txt', type: 'file', mode: 0, data: new TextEncoder().encode('dear diary\n') },
        { path: 'secret/known.txt', type: 'file', mode: 0o640 },
      ],
      digits,
    );
    const backup = join(work, 'mode0.coffer');
    await writeFile(backup, bytes);
    const out = join(work, 'out');
    const result = await coffer(['restore', backup, '--recovery-key-file', key, '-o', out, '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(join(out, 'secret'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(out, 'secret/diary.txt'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(out, 'secret/known.txt'))).mode & 0o777).toBe(0o640);
  });

  it('coffer whatsapp writes its output with mode 0600', async () => {
    const root = randomBytes(32);
    const backup = join(work, 'msgstore.db.crypt15');
    const database = makeSqlite({ 1: { rows: ['table'] } }, 2, 4096);
    await writeFile(backup, makeCrypt15({ rootKey: root, payload: zlib(database), newer: true }));
    const out = join(work, 'msgstore.db');
    const result = await coffer(['whatsapp', backup, '-o', out, '--key', root.toString('hex'), '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });
});
