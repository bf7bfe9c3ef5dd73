import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  downloadCounter,
  expect,
  makeTree,
  nextDownload,
  openBackup,
  PASSPHRASE,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

const NEW_PASSPHRASE = 'velvet harbour quantum meadow 77';

/** The real command-line tool; returns its exit code. */
function coffer(args: string[], passphrase?: string): number {
  const env = { ...process.env, COFFER_PASSPHRASE: passphrase };
  if (passphrase === undefined) delete env.COFFER_PASSPHRASE;
  return spawnSync(process.execPath, ['bin/coffer.mjs', ...args], { env, stdio: 'ignore' }).status ?? -1;
}

function payload(bytes: Buffer): Buffer {
  return bytes.subarray(bytes.readUInt32LE(12));
}

/** A backup made by the CLI with the passphrase and a recovery key. */
function cliBackup(): { backup: string; keyFile: string } {
  const { root } = makeTree();
  const dir = tempDir('rekey');
  const backup = join(dir, 'photos.coffer');
  const keyFile = join(dir, 'key.txt');
  execFileSync(
    process.execPath,
    ['bin/coffer.mjs', 'create', '-q', '-o', backup, '--new-recovery-key', keyFile, root],
    {
      env: { ...process.env, COFFER_PASSPHRASE: PASSPHRASE },
    },
  );
  return { backup, keyFile };
}

async function openChange(page: Page, backup: string): Promise<void> {
  await page.goto('./');
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toBeVisible();
  await page.getByRole('button', { name: 'Change how it unlocks' }).click();
}

async function saveNew(page: Page): Promise<string> {
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Save the new backup' }).click();
  const path = await savedDownload(await download);
  await expect(page.getByText(/Saved .*-rekeyed\.coffer/)).toBeVisible();
  return path;
}

test('changing the passphrase makes a new file with the same payload bytes', async ({ page }) => {
  const { backup, keyFile } = cliBackup();
  await openChange(page, backup);
  await page.getByLabel('Change the passphrase').check();
  await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
  await page.getByLabel('Confirm new passphrase').fill(NEW_PASSPHRASE);
  await expect(page.getByText('Strong enough')).toBeVisible();
  const out = await saveNew(page);
  expect(payload(readFileSync(out)).equals(payload(readFileSync(backup)))).toBe(true);
  expect(coffer(['verify', out], NEW_PASSPHRASE)).toBe(0);
  expect(coffer(['list', out], PASSPHRASE)).toBe(3);
  expect(coffer(['list', out, '--recovery-key-file', keyFile])).toBe(0);
});

test('a new recovery key is shown once, must be confirmed, and replaces the old one', async ({ page }) => {
  const { backup, keyFile } = cliBackup();
  await openChange(page, backup);
  await page.getByLabel('Add a new recovery key').check();
  const key = (await page.getByTestId('new-recovery-key').textContent()) ?? '';
  await page.getByRole('button', { name: 'Save the new backup' }).click();
  await expect(page.getByText(/Type the last 8 digits/)).toBeVisible();
  await page.getByLabel('Type its last 8 digits to confirm you saved it').fill(key.replace(/\s/g, '').slice(-8));
  await page.getByLabel('Remove the passphrase').check();
  const out = await saveNew(page);
  const newKeyFile = join(tempDir('new-key'), 'key.txt');
  writeFileSync(newKeyFile, key);
  expect(coffer(['list', out, '--recovery-key-file', newKeyFile])).toBe(0);
  expect(coffer(['list', out, '--recovery-key-file', keyFile])).toBe(3);
  expect(coffer(['list', out], PASSPHRASE)).toBe(3);
});

test('removing every way in is refused before anything is saved', async ({ page }) => {
  const { backup } = cliBackup();
  await openChange(page, backup);
  await page.getByLabel('Remove the passphrase').check();
  await page.getByLabel('Remove the recovery key').check();
  const downloads = await downloadCounter(page);
  await page.getByRole('button', { name: 'Save the new backup' }).click();
  await expect(page.getByText(/A backup needs a passphrase or a recovery key/)).toBeVisible();
  expect(await downloads()).toBe(0);
});
