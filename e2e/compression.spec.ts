import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { bytesSource, OpenedBackup } from '../src/core/index.ts';
import {
  backUp,
  expect,
  nextDownload,
  openBackup,
  PASSPHRASE,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

/** The real command-line tool, as a person runs it. */
function coffer(args: string[], passphrase = PASSPHRASE): string {
  return execFileSync(process.execPath, ['bin/coffer.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, COFFER_PASSPHRASE: passphrase },
  });
}

/** The compression method of each entry, read with the core (spec 5.2: 1 = DEFLATE, 2 = zstd). */
async function methods(file: string, passphrase = PASSPHRASE): Promise<Record<string, number>> {
  const opened = await OpenedBackup.open(bytesSource(new Uint8Array(readFileSync(file))), { passphrase });
  return Object.fromEntries(opened.entries.map((entry) => [entry.path, entry.method]));
}

/** Several 1 MiB segments of text, so compression goes through the worker's deflate pool. */
function chatLog(bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `[${String(i % 28).padStart(2, '0')}/03/2024, 10:${String(i % 60).padStart(2, '0')}] Sam ${i % 7}: message ${(i * 2654435761) % 99991} about the trip\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

test('multi-segment text is compressed with zstd on the helper workers and restores byte for byte', async ({
  page,
}) => {
  const dir = tempDir('compress');
  const text = chatLog(5 * 1024 * 1024 + 12345);
  const noise = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 255));
  writeFileSync(join(dir, 'chat.txt'), text);
  writeFileSync(join(dir, 'noise.bin'), noise);
  await page.goto('./');
  const backup = await backUp(page, [join(dir, 'chat.txt'), join(dir, 'noise.bin')]);
  await expect(page.getByText('every byte is intact')).toBeVisible();
  // The text shrank (compressed) and the noise did not grow (stored).
  expect(statSync(backup).size).toBeLessThan(text.length / 2 + noise.length);
  // zstd (method 2) for the text.
  expect((await methods(backup))['chat.txt']).toBe(2);

  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await download)));
  expect(Buffer.from(zip['chat.txt']).equals(text)).toBe(true);
  expect(Buffer.from(zip['noise.bin']).equals(noise)).toBe(true);
});

test('the command-line tool reads an app-made zstd backup, and the app reads a CLI-made one', async ({ page }) => {
  const dir = tempDir('zstd-interop');
  const text = chatLog(3 * 1024 * 1024 + 999);
  writeFileSync(join(dir, 'chat.txt'), text);
  await page.goto('./');
  const appMade = await backUp(page, join(dir, 'chat.txt'));
  expect(await methods(appMade)).toEqual({ 'chat.txt': 2 });
  const target = join(tempDir('zstd-cli-restore'), 'out');
  coffer(['restore', appMade, '-o', target]);
  expect(readFileSync(join(target, 'chat.txt')).equals(text)).toBe(true);

  const cliMade = join(dir, 'cli-made.coffer');
  // The CLI writes DEFLATE by default (native zlib is faster there); zstd on request.
  coffer(['create', '-q', '--compression', 'zstd', '-o', cliMade, join(dir, 'chat.txt')]);
  expect(await methods(cliMade)).toEqual({ 'chat.txt': 2 });
  await openBackup(page, cliMade);
  await unlockWithPassphrase(page);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await download)));
  expect(Buffer.from(zip['chat.txt']).equals(text)).toBe(true);
});

test('a DEFLATE backup from before zstd still opens and restores in the app', async ({ page }) => {
  // A frozen vector made by the DEFLATE writer: three method-1 segments.
  const vector = 'spec/vectors/success-deflate-multi-segment';
  const expected = JSON.parse(readFileSync(`${vector}.json`, 'utf8')) as {
    credentials: { passphrase: string };
    entries: { path: string; sha256: string }[];
  };
  const { passphrase } = expected.credentials;
  expect(await methods(`${vector}.coffer`, passphrase)).toEqual({ 'large.txt': 1 });
  await page.goto('./');
  await openBackup(page, `${vector}.coffer`);
  await unlockWithPassphrase(page, passphrase);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await download)));
  expect(createHash('sha256').update(zip['large.txt']).digest('hex')).toBe(expected.entries[0].sha256);
});
