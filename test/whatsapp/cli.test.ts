/** The real `coffer whatsapp` command: outputs, every exit code, and no partial files left behind. */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, type RunResult, removeDir, tempDir } from '../cli/helpers.ts';
import {
  HAVE_SHARED,
  javaBytes,
  legacyKeyFile,
  makeCrypt15,
  makeSqlite,
  noise,
  SHARED,
  SHARED_ROOT_KEY,
  SHARED_SHA256,
  zlib,
} from './fixtures.ts';

const ROOT = randomBytes(32);
const HEX = ROOT.toString('hex');
const DATABASE = Buffer.concat([makeSqlite({ 1: { rows: ['table', 'table', 'index'] } }, 3, 4096), noise(50_000)]);
let work: string;
let backup: string;

beforeAll(async () => {
  work = await tempDir('coffer-wa-');
  backup = join(work, 'msgstore.db.crypt15');
  await writeFile(backup, makeCrypt15({ rootKey: ROOT, payload: zlib(DATABASE), newer: true }));
});

afterAll(async () => {
  await removeDir(work);
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function expectClean(result: RunResult, code: number, pattern?: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(/^coffer: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).not.toContain('internal error');
  if (pattern) expect(result.stderr).toMatch(pattern);
}

async function noLeftovers(): Promise<void> {
  expect((await readdir(work)).filter((name) => name.includes('.partial-'))).toEqual([]);
}

describe('coffer whatsapp', () => {
  it('decrypts a crypt15 backup with the typed key (spaces allowed) and says what it found', async () => {
    const out = join(work, 'typed.db');
    const spaced = HEX.replace(/(.{8})/g, '$1 ');
    const result = await coffer(['whatsapp', backup, '-o', out, '--key', spaced]);
    expect(result.code, result.stderr).toBe(0);
    expect(sha256(await readFile(out))).toBe(sha256(DATABASE));
    expect(result.stderr).toMatch(
      /crypt15, end-to-end encrypted, WhatsApp 2\.24\.1\.7\): an SQLite database \(2 tables\)/,
    );
    await noLeftovers();
  });

  it('decrypts with encrypted_backup.key, or a text file of the digits', async () => {
    const keyFile = join(work, 'encrypted_backup.key');
    await writeFile(keyFile, javaBytes(ROOT));
    const textFile = join(work, 'key.txt');
    await writeFile(textFile, `${HEX}\n`);
    for (const [i, file] of [keyFile, textFile].entries()) {
      const out = join(work, `by-file-${i}.db`);
      const result = await coffer(['whatsapp', backup, '-o', out, '--key-file', file, '-q']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(sha256(await readFile(out))).toBe(sha256(DATABASE));
    }
  });

  it('writes the ZIP of a multi-file backup as it is', async () => {
    const zip = zipSync({ 'wallpaper.jpg': noise(10_000, 3) });
    const input = join(work, 'wallpapers.backup.crypt15');
    await writeFile(input, makeCrypt15({ rootKey: ROOT, payload: zip, multiFile: true }));
    const out = join(work, 'wallpapers.zip');
    const result = await coffer(['whatsapp', input, '-o', out, '--key', HEX]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/a ZIP of the backup's files \(multi-file backup\)/);
    expect(sha256(await readFile(out))).toBe(sha256(zip));
  });

  it('exit 3: a wrong key, or a key of the wrong kind', async () => {
    const out = join(work, 'never.db');
    expectClean(
      await coffer(['whatsapp', backup, '-o', out, '--key', randomBytes(32).toString('hex')]),
      3,
      /does not open/,
    );
    const legacy = join(work, 'key');
    await writeFile(legacy, legacyKeyFile(randomBytes(32)));
    expectClean(await coffer(['whatsapp', backup, '-o', out, '--key-file', legacy]), 3, /crypt12\/crypt14 key file/);
    await expect(readFile(out)).rejects.toThrow();
    await noLeftovers();
  });

  it('exit 4: damaged, cut short, or not a WhatsApp backup', async () => {
    const good = await readFile(backup);
    const damaged = join(work, 'damaged.crypt15');
    const changed = Buffer.from(good);
    changed[good.length - 100] ^= 1;
    await writeFile(damaged, changed);
    const cut = join(work, 'cut.crypt15');
    await writeFile(cut, good.subarray(0, good.length - 5000));
    const other = join(work, 'holiday.jpg');
    await writeFile(other, noise(3000));
    const old = join(work, 'msgstore.db.crypt8');
    await writeFile(old, noise(3000));
    const out = join(work, 'never.db');
    expectClean(await coffer(['whatsapp', damaged, '-o', out, '--key', HEX]), 4, /damaged/);
    expectClean(await coffer(['whatsapp', cut, '-o', out, '--key', HEX]), 4, /damaged or incomplete/);
    expectClean(await coffer(['whatsapp', other, '-o', out, '--key', HEX]), 4, /not a WhatsApp backup/);
    expectClean(await coffer(['whatsapp', old, '-o', out, '--key', HEX]), 4, /crypt8 backups are not supported/);
    await expect(readFile(out)).rejects.toThrow();
    await noLeftovers();
  });

  it('exit 5: OUT exists, and is left alone', async () => {
    const out = join(work, 'exists.db');
    await writeFile(out, 'mine');
    expectClean(await coffer(['whatsapp', backup, '-o', out, '--key', HEX]), 5, /already exists/);
    expect(await readFile(out, 'utf8')).toBe('mine');
  });

  it('exit 2: usage mistakes, including a malformed key', async () => {
    const out = join(work, 'never.db');
    expectClean(await coffer(['whatsapp', backup, '-o', out]), 2, /give the key/);
    expectClean(await coffer(['whatsapp', backup, '-o', out, '--key', HEX, '--key-file', 'x']), 2, /not both/);
    expectClean(await coffer(['whatsapp', backup, '--key', HEX]), 2, /-o OUT is required/);
    expectClean(await coffer(['whatsapp', '-o', out, '--key', HEX]), 2, /which backup/);
    expectClean(await coffer(['whatsapp', backup, '-o', out, '--key', HEX.slice(2)]), 2, /64 digits; this has 62/);
    expectClean(await coffer(['whatsapp', backup, '-o', out, '--key-file', backup]), 2, /not a WhatsApp key file/);
    expectClean(await coffer(['whatsapp', backup, '-o', out, '--key', HEX, '--bogus']), 2);
  });

  it('has help, and is listed in the main help', async () => {
    const help = await coffer(['whatsapp', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: coffer whatsapp IN -o OUT \(--key HEX \| --key-file F\)/);
    expect(help.stdout).toMatch(/ZIP that was inside it, as it is/);
    const main = await coffer(['--help']);
    expect(main.stdout).toContain('coffer whatsapp IN -o OUT');
  });
});

describe.skipIf(!HAVE_SHARED)(
  HAVE_SHARED
    ? 'coffer whatsapp on the real fixtures in ../shared/fixtures/whatsapp'
    : 'coffer whatsapp on the real fixtures: SKIPPED, ../shared/fixtures/whatsapp is absent',
  () => {
    const cases: [string, string[]][] = [
      ['msgstore.db.crypt15', ['--key', SHARED_ROOT_KEY]],
      ['msgstore.db.crypt15', ['--key-file', join(SHARED, 'encrypted_backup.key')]],
      ['msgstore.db.crypt14', ['--key-file', join(SHARED, 'key')]],
      ['msgstore-noexpiry.db.crypt14', ['--key-file', join(SHARED, 'key')]],
      ['msgstore.db.crypt12', ['--key-file', join(SHARED, 'key')]],
    ];
    for (const [i, [name, key]] of cases.entries()) {
      it(`${name} with ${key[0]} gives msgstore.db with the expected SHA-256`, async () => {
        const out = join(work, `real-${i}.db`);
        const result = await coffer(['whatsapp', join(SHARED, name), '-o', out, ...key]);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/144 tables/);
        expect(sha256(await readFile(out))).toBe(SHARED_SHA256);
      });
    }
  },
);
