import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  createBackup,
  downloadCounter,
  expect,
  makeTree,
  nextDownload,
  openBackup,
  PASSPHRASE,
  savedDownload,
  setPassphrase,
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

/** The vault's stored files (name and bytes, base64) and catalogue entries, read in the page. */
async function deviceCopies(page: Page): Promise<{
  files: { name: string; bytes: string }[];
  entries: { fileName: string; unlock: string[] }[];
}> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const files: { name: string; bytes: string }[] = [];
    for await (const [name, handle] of (
      root as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }
    ).entries()) {
      if (!name.startsWith('vault-')) continue;
      const data = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      files.push({ name, bytes: btoa(Array.from(data, (byte) => String.fromCharCode(byte)).join('')) });
    }
    const entries = await new Promise<{ fileName: string; unlock: string[] }[]>((resolve, reject) => {
      const request = indexedDB.open('coffer');
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const all = request.result.transaction('backups').objectStore('backups').getAll();
        all.onsuccess = () => {
          resolve(all.result.map(({ fileName, unlock }) => ({ fileName, unlock })));
          request.result.close();
        };
      };
    });
    return { files, entries };
  });
}

test('a copy on this device is replaced in place: it opens with the new passphrase only, listed once', async ({
  page,
}) => {
  await page.goto('./');
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'diary.txt', mimeType: 'text/plain', buffer: Buffer.from('dear diary\n') });
  await setPassphrase(page);
  await page.getByLabel('Keep a copy on this device').check();
  await createBackup(page);
  await expect(page.getByText('A copy is kept on this device.')).toBeVisible();
  const before = await deviceCopies(page);
  expect(before.files).toHaveLength(1);

  await page.getByRole('button', { name: 'On this device' }).click();
  const stored = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  await stored.getByRole('button', { name: 'Open' }).click();
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('diary.txt');
  await page.getByRole('button', { name: 'Change how it unlocks' }).click();
  await page.getByLabel('Change the passphrase').check();
  await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
  await page.getByLabel('Confirm new passphrase').fill(NEW_PASSPHRASE);
  await expect(page.getByText('Strong enough')).toBeVisible();
  const downloads = await downloadCounter(page);
  await page.getByRole('button', { name: 'Replace the copy on this device' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Replaced the copy on this device' })).toBeVisible();
  expect(await downloads()).toBe(0);

  // One file and one entry, the entry pointing at the new file; the payload bytes are the old ones.
  const after = await deviceCopies(page);
  expect(after.files).toHaveLength(1);
  expect(after.entries).toEqual([{ fileName: after.files[0].name, unlock: ['passphrase'] }]);
  expect(after.files[0].name).not.toBe(before.files[0].name);
  const oldBytes = Buffer.from(before.files[0].bytes, 'base64');
  const newBytes = Buffer.from(after.files[0].bytes, 'base64');
  expect(payload(newBytes).equals(payload(oldBytes))).toBe(true);
  expect(newBytes.equals(oldBytes)).toBe(false);

  await page.reload();
  await page.getByRole('button', { name: 'On this device' }).click();
  await expect(stored).toHaveCount(1);
  await expect(stored).toContainText('Opens with passphrase');
  await stored.getByRole('button', { name: 'Open' }).click();
  await unlockWithPassphrase(page, PASSPHRASE);
  await expect(page.getByRole('alert')).toContainText('That does not unlock this backup.');
  await unlockWithPassphrase(page, NEW_PASSPHRASE);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('diary.txt');
  await page.getByRole('button', { name: 'Verify backup' }).click();
  await expect(page.getByRole('status')).toContainText('Verified: all 1 files');
});

test('a copy on this device that cannot be replaced is kept as it was, with a plain message', async ({
  page,
  context,
  baseURL,
}) => {
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL ?? '').origin;
  await page.goto('./');
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('some notes\n') });
  await setPassphrase(page);
  await page.getByLabel('Keep a copy on this device').check();
  await createBackup(page);
  await expect(page.getByText('A copy is kept on this device.')).toBeVisible();
  const before = await deviceCopies(page);

  await page.getByRole('button', { name: 'On this device' }).click();
  const stored = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  await stored.getByRole('button', { name: 'Open' }).click();
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('notes.txt');
  await page.getByRole('button', { name: 'Change how it unlocks' }).click();
  await page.getByLabel('Change the passphrase').check();
  await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
  await page.getByLabel('Confirm new passphrase').fill(NEW_PASSPHRASE);
  await expect(page.getByText('Strong enough')).toBeVisible();
  // The browser refuses the next write, as if the disk had filled up.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await page.getByRole('button', { name: 'Replace the copy on this device' }).click();
  await expect(page.getByRole('alert')).toContainText('The copy on this device was not replaced.');
  await expect(page.getByRole('alert')).toContainText('not enough space on this device');
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  expect(await deviceCopies(page)).toEqual(before);

  await page.reload();
  await page.getByRole('button', { name: 'On this device' }).click();
  await expect(stored).toHaveCount(1);
  await stored.getByRole('button', { name: 'Open' }).click();
  await unlockWithPassphrase(page, PASSPHRASE);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('notes.txt');
});
