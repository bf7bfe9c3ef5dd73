/** Names holding bidi overrides or C1 controls are shown escaped by `list` (issue 13, item 10). */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, craftBackup, newKeyFile, removeDir, tempDir } from './helpers.ts';

let work: string;
let key: string;
let backup: string;

beforeAll(async () => {
  work = await tempDir();
  key = await newKeyFile(work);
  const digits = (await readFile(key, 'utf8')).replace(/\s/g, '');
  backup = join(work, 'names.coffer');
  const data = new TextEncoder().encode('x');
  await writeFile(
    backup,
    await craftBackup(
      [
        { path: 'invoice\u202efdp.exe', type: 'file', data },
        { path: 'next\u0085line.txt', type: 'file', data },
      ],
      digits,
    ),
  );
});

afterAll(() => removeDir(work));

describe('coffer list', () => {
  it('prints bidi overrides and C1 controls as visible escapes, never raw', async () => {
    const result = await coffer(['list', backup, '--recovery-key-file', key]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('invoice\\u{202e}fdp.exe');
    expect(result.stdout).toContain('next\\u{0085}line.txt');
    expect(result.stdout).not.toMatch(/[\u202e\u0085]/);
  });

  it('keeps the exact names in --json, which is data rather than display', async () => {
    const result = await coffer(['list', backup, '--recovery-key-file', key, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(JSON.stringify('invoice\u202efdp.exe'));
  });
});
