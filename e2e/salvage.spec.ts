/**
 * A damaged backup in the app (issue 18): Restore all refuses it with the damaged-backup message;
 * the distinct "Restore what can be restored" then gives a .zip of every intact file and lists
 * the lost one, and the result says it is incomplete.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import {
  createBackup,
  expect,
  makeTree,
  nextDownload,
  openBackup,
  opfsNames,
  PASSPHRASE,
  prepareBackup,
  savedDownload,
  tempDir,
  test,
} from './helpers.ts';

function coffer(args: string[]): string {
  return execFileSync(process.execPath, ['bin/coffer.mjs', ...args], { encoding: 'utf8' });
}

/** Incompressible bytes, so the layout follows the file sizes. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

test('Restore what can be restored: the intact files as a .zip, the lost one listed', async ({ page }) => {
  const dir = tempDir('salvage');
  const root = join(dir, 'docs');
  mkdirSync(root);
  // a.bin fills chunks 0-2 of the payload; b.txt and c.bin come after it, in chunk 2.
  writeFileSync(join(root, 'a.bin'), noise(600 * 1024, 7));
  writeFileSync(join(root, 'b.txt'), 'still here\n');
  writeFileSync(join(root, 'c.bin'), noise(5000, 9));
  const key = join(dir, 'key.txt');
  const backup = join(dir, 'damaged.coffer');
  coffer(['create', '-q', '--no-compress', '--new-recovery-key', key, '-o', backup, root]);
  const bytes = readFileSync(backup);
  bytes[bytes.readUInt32LE(12) + 256 * 1024 + 16 + 4321] ^= 0x20; // chunk 1, inside a.bin
  writeFileSync(backup, bytes);

  await page.goto('./');
  await openBackup(page, backup);
  await page.getByLabel('Recovery key').fill(readFileSync(key, 'utf8'));
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('b.txt');

  await page.getByRole('button', { name: 'Restore all' }).click();
  await expect(page.getByRole('alert')).toContainText('damaged');
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore what can be restored' }).click();
  const saved = await savedDownload(await download);
  expect(saved).toMatch(/-salvaged\.zip$/);
  const zip = unzipSync(readFileSync(saved));
  expect(new TextDecoder().decode(zip['docs/b.txt'])).toBe('still here\n');
  expect(Buffer.from(zip['docs/c.bin']).equals(noise(5000, 9))).toBe(true);
  expect(Object.keys(zip)).not.toContain('docs/a.bin');

  await expect(page.getByRole('status')).toContainText('Incomplete: restored 2 of 3 files');
  await expect(page.getByRole('list', { name: 'Lost files' })).toContainText('docs/a.bin');
});

test('Verify backup says "damaged but repairable" with what was repaired; Repair saves a clean copy', async ({
  page,
}) => {
  const dir = tempDir('repair');
  const root = join(dir, 'docs');
  mkdirSync(root);
  for (let i = 0; i < 3; i++) writeFileSync(join(root, `f${i}.bin`), noise(1024 * 1024, i + 11));
  const key = join(dir, 'key.txt');
  const good = join(dir, 'good.coffer');
  coffer(['create', '-q', '--parity', '10', '--new-recovery-key', key, '-o', good, root]);
  const bytes = readFileSync(good);
  const headerLength = bytes.readUInt32LE(12);
  for (const chunk of [3, 8]) bytes[headerLength + chunk * (256 * 1024 + 16) + 77] ^= 0x01;
  const damaged = join(dir, 'damaged.coffer');
  writeFileSync(damaged, bytes);

  await page.goto('./');
  await openBackup(page, damaged);
  await page.getByLabel('Recovery key').fill(readFileSync(key, 'utf8'));
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('f2.bin');
  await page.getByRole('button', { name: 'Verify backup' }).click();
  await expect(page.getByRole('status')).toContainText('Damaged but repairable');
  await expect(page.getByRole('list', { name: 'What was repaired' })).toContainText(
    '2 chunks of 13 failed the integrity check and were rebuilt from parity (chunks 3, 8)',
  );
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Repair', exact: true }).click();
  const saved = await savedDownload(await download);
  expect(saved).toMatch(/damaged-repaired\.coffer$/);
  // The clean copy is the file as it was written, byte for byte.
  expect(readFileSync(saved).equals(readFileSync(good))).toBe(true);
  await expect(page.getByRole('status')).toContainText('Repaired: saved a clean copy');
});

test('"Add repair data" makes a backup with parity that the command-line tool verifies and repairs', async ({
  page,
}) => {
  const { root, files } = makeTree();
  await page.goto('./');
  // Files, not the folder: Playwright's Firefox driver cannot hand a folder to a directory input.
  await prepareBackup(
    page,
    Object.keys(files).map((path) => join(root, path)),
  );
  await page.getByLabel(/Add repair data/).check();
  const backup = await createBackup(page);
  const bytes = readFileSync(backup);
  expect(bytes.readUInt16LE(8)).toBe(3); // format version 3: the recovery section (spec 11)
  // The repair data waited in a temporary private-storage file (not in memory), now removed.
  const privateFiles = await opfsNames(page);
  expect(privateFiles.filter((name) => name.includes('.parity-'))).toEqual([]);
  expect(bytes.subarray(bytes.length - 64, bytes.length - 56).toString()).toBe('COFFREC2');
  const env = { ...process.env, COFFER_PASSPHRASE: PASSPHRASE };
  const run = (args: string[]) =>
    execFileSync(process.execPath, ['bin/coffer.mjs', ...args], { encoding: 'utf8', env });
  expect(run(['verify', backup])).toContain('OK:');
  // Damage the first chunk: the tool rebuilds it from the parity the app wrote.
  bytes[bytes.readUInt32LE(12) + 5] ^= 0x01;
  const damaged = join(tempDir('app-parity'), 'damaged.coffer');
  writeFileSync(damaged, bytes);
  const repaired = join(tempDir('app-parity-out'), 'repaired.coffer');
  run(['repair', damaged, '-o', repaired, '-q']);
  expect(readFileSync(repaired).equals(readFileSync(backup))).toBe(true);
});
