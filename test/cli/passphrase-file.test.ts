/** Issue 13 item 12: --passphrase-file is decoded strictly as UTF-8. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, exists, removeDir, tempDir } from './helpers.ts';

let work: string;

beforeAll(async () => {
  work = await tempDir('coffer-passfile-');
});

afterAll(async () => {
  await removeDir(work);
});

describe('--passphrase-file', () => {
  it.each([
    ['a lone continuation byte', [0x70, 0x80, 0x71]],
    ['a truncated sequence', [0x70, 0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
  ])('refuses %s with exit 2 and a clear message, writing nothing', async (_name, bytes) => {
    const file = join(work, 'pass.txt');
    await writeFile(file, Buffer.from([...bytes, 0x0a]));
    const source = join(work, 'source.txt');
    await writeFile(source, 'hello\n');
    const out = join(work, 'out.coffer');
    const result = await coffer(['create', '-o', out, '--passphrase-file', file, source]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^coffer: the passphrase file .* is not valid UTF-8/);
    expect(result.stderr).not.toContain('internal error');
    expect(await exists(out)).toBe(false);
  });

  it('still accepts valid UTF-8 with a BOM and CRLF', async () => {
    const file = join(work, 'good.txt');
    await writeFile(file, Buffer.from('\ufeffpässwörd\r\nignored\n', 'utf8'));
    const { readPassphraseFile } = await import('../../src/cli/credentials.ts');
    expect(await readPassphraseFile(file)).toBe('pässwörd');
  });
});
