/** Issue 13 item 13: the WhatsApp key from a file, standard input or COFFER_WHATSAPP_KEY, and a warning for --key. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, coffer, removeDir, tempDir } from '../cli/helpers.ts';
import { javaBytes, makeCrypt15, makeSqlite, zlib } from './fixtures.ts';

const ROOT = randomBytes(32);
const HEX = ROOT.toString('hex');
const DATABASE = makeSqlite({ 1: { rows: ['table'] } }, 2, 4096);
let work: string;
let backup: string;

beforeAll(async () => {
  work = await tempDir('coffer-wakey-');
  backup = join(work, 'msgstore.db.crypt15');
  await writeFile(backup, makeCrypt15({ rootKey: ROOT, payload: zlib(DATABASE), newer: true }));
});

afterAll(async () => {
  await removeDir(work);
});

function withStdin(args: string[], input: Uint8Array): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env };
  delete env.COFFER_WHATSAPP_KEY;
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, ...args], { env }, (error, _stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr });
    });
    child.stdin?.end(input);
  });
}

describe('coffer whatsapp key sources', () => {
  it('reads the key from COFFER_WHATSAPP_KEY', async () => {
    const out = join(work, 'env.db');
    const result = await coffer(['whatsapp', backup, '-o', out, '-q'], { env: { COFFER_WHATSAPP_KEY: HEX } });
    expect(result.code, result.stderr).toBe(0);
    expect(Buffer.compare(await readFile(out), DATABASE)).toBe(0);
  });

  it('reads the 64 digits, or encrypted_backup.key, from standard input with --key-file -', async () => {
    for (const [i, input] of [Buffer.from(`${HEX}\n`), javaBytes(ROOT)].entries()) {
      const out = join(work, `stdin-${i}.db`);
      const result = await withStdin(['whatsapp', backup, '-o', out, '--key-file', '-', '-q'], input);
      expect(result.code, result.stderr).toBe(0);
      expect(Buffer.compare(await readFile(out), DATABASE)).toBe(0);
    }
  });

  it('a malformed key on standard input is exit 2', async () => {
    const result = await withStdin(
      ['whatsapp', backup, '-o', join(work, 'bad.db'), '--key-file', '-'],
      Buffer.from('12'),
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^coffer: whatsapp: standard input: /);
  });

  it('warns that --key is visible on the process list', async () => {
    const result = await coffer(['whatsapp', backup, '-o', join(work, 'typed.db'), '--key', HEX]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: --key puts the key on the process list/);
  });

  it('--help names every way to give the key', async () => {
    const help = await coffer(['whatsapp', '--help']);
    expect(help.stdout).toContain('--key-file -');
    expect(help.stdout).toContain('COFFER_WHATSAPP_KEY');
    expect(help.stdout).toMatch(/process list/);
  });
});
