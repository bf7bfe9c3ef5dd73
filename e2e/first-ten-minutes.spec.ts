/**
 * Issue 21: the first ten minutes of a new person. Each test is one thing they tripped over.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCrypt15, zlib } from '../test/whatsapp/fixtures.ts';
import {
  backUp,
  createBackup,
  expect,
  nextDownload,
  openBackup,
  PASSPHRASE,
  prepareBackup,
  savedDownload,
  setPassphrase,
  tempDir,
  test,
  unlockWithPassphrase,
  untilServiceWorkerControls,
} from './helpers.ts';

const big = () => randomBytes(700_000); // incompressible: three chunks of 256 KiB

async function makeBackup(page: import('@playwright/test').Page): Promise<string> {
  await page.goto('./');
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big() });
  await setPassphrase(page);
  return createBackup(page);
}

function variant(source: string, name: string, change: (bytes: Buffer) => Buffer): string {
  const path = join(tempDir('variant'), name);
  writeFileSync(path, change(readFileSync(source)));
  return path;
}

test('a cut-short backup says incomplete; an altered one says damaged or altered', async ({ page }) => {
  test.setTimeout(240_000);
  const backup = await makeBackup(page);
  const size = statSync(backup).size;
  const cuts = [size - 1, size - 1000, size - 300_000];
  for (const keep of cuts) {
    const cut = variant(backup, `cut-${keep}.coffer`, (bytes) => bytes.subarray(0, keep));
    await page.goto('./');
    await openBackup(page, cut);
    await unlockWithPassphrase(page);
    const alert = page.getByRole('alert');
    await expect(alert).toHaveCount(1);
    await expect(alert.locator('.notice-headline')).toHaveText('This backup is incomplete: the file ends early.');
    await expect(alert).toContainText('probably interrupted');
  }
  for (const at of [size - 40, size - 3]) {
    const altered = variant(backup, `altered-${at}.coffer`, (bytes) => {
      bytes[at] ^= 0x10;
      return bytes;
    });
    await page.goto('./');
    await openBackup(page, altered);
    await unlockWithPassphrase(page);
    const alert = page.getByRole('alert');
    await expect(alert).toHaveCount(1);
    await expect(alert.locator('.notice-headline')).toHaveText('This backup is damaged or has been altered.');
    // The internals are on the details line, not in the headline.
    await expect(alert.locator('.notice-detail')).toContainText('integrity check');
  }
});

test('the recovery key and passphrase survive switching tabs; the key hides while confirming', async ({ page }) => {
  await page.goto('./');
  await prepareBackup(page, { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') });
  await page.getByLabel('Make a new recovery key').check();
  const key = await page.getByTestId('new-recovery-key').textContent();
  expect(key).toMatch(/^(\d{4} ){15}\d{4}$/);
  for (const tab of ['Restore', 'On this device', 'WhatsApp']) {
    await page.getByRole('button', { name: tab, exact: true }).click();
    await page.getByRole('button', { name: 'Back up', exact: true }).click();
    await expect(page.getByTestId('new-recovery-key')).toHaveText(key ?? '');
    await expect(page.getByLabel('Passphrase', { exact: true })).toHaveValue(PASSPHRASE);
  }
  await page.getByLabel('Type its last 8 digits').fill((key ?? '').replace(/ /g, '').slice(-8));
  await expect(page.getByTestId('new-recovery-key')).toHaveCount(0);
  await page.getByRole('button', { name: 'Show the key again' }).click();
  await expect(page.getByTestId('new-recovery-key')).toHaveText(key ?? '');
  // Only on request does the key change.
  await page.getByRole('button', { name: 'Make a different key' }).click();
  await expect(page.getByTestId('new-recovery-key')).not.toHaveText(key ?? '');
});

test('the recovery kit names no registry package, says where it went, and its command-line tool opens the backup', async ({
  page,
}) => {
  await page.goto('./');
  await prepareBackup(page, { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') });
  await page.getByLabel('Make a new recovery key').check();
  const kitDownload = nextDownload(page);
  await page.getByRole('button', { name: 'Save recovery kit' }).click();
  const download = await kitDownload;
  const kitPath = await savedDownload(download, 'kit.txt');
  const kit = readFileSync(kitPath, 'utf8');
  expect(kit).not.toMatch(/npx/);
  expect(kit).toContain(new URL('./', page.url()).href);
  await expect(page.getByRole('status').filter({ hasText: 'Saved the recovery kit' })).toContainText(
    download.suggestedFilename(),
  );
  const key = (await page.getByTestId('new-recovery-key').textContent()) ?? '';
  await page.getByLabel('Type its last 8 digits').fill(key.replace(/ /g, '').slice(-8));
  const backup = await createBackup(page);
  // The kit's own steps: download the one-file tool from the address it gives, run it alone.
  const address = /Download (\S+) \(one file/.exec(kit)?.[1] ?? '';
  expect(address).toBe(new URL('./coffer.mjs', page.url()).href);
  const tool = await page.request.get(address);
  expect(tool.ok()).toBe(true);
  const folder = mkdtempSync(join(tmpdir(), 'coffer-kit-tool-'));
  try {
    writeFileSync(join(folder, 'coffer.mjs'), await tool.body());
    const out = execFileSync(process.execPath, ['coffer.mjs', 'list', backup, '--recovery-key-file', kitPath], {
      cwd: folder,
      encoding: 'utf8',
    });
    expect(out).toContain('a.txt');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  // Opened in the browser that has the app installed, the address is the tool, not the app.
  await untilServiceWorkerControls(page);
  const opened = await page.goto(address);
  expect((await opened?.text())?.startsWith('#!/usr/bin/env node')).toBe(true);
});

test('the result says where the backup went, names are unique and counts match the list', async ({ page }) => {
  await page.goto('./');
  await page.getByLabel('Add files').setInputFiles([
    { name: 'one.txt', mimeType: 'text/plain', buffer: Buffer.from('1') },
    { name: 'two.txt', mimeType: 'text/plain', buffer: Buffer.from('2') },
  ]);
  await expect(page.getByText('2 files, ')).toBeVisible();
  await setPassphrase(page);
  const names: string[] = [];
  for (let i = 0; i < 2; i++) {
    const download = nextDownload(page);
    await page.getByRole('button', { name: 'Create backup' }).click();
    const name = (await download).suggestedFilename();
    names.push(name);
    await expect(page.getByTestId('backup-destination')).toContainText(`Saved to your downloads folder as "${name}"`);
    await expect(page.getByRole('status').filter({ hasText: 'Backup ready' })).toContainText('2 files,');
    await setPassphrase(page); // the form starts fresh after a backup is made
    await page.waitForTimeout(1100); // names carry the time to the second
  }
  expect(names[0]).toMatch(/^one\.txt \+ 1 more, \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.coffer$/);
  expect(names[0]).not.toBe(names[1]);
});

test('strength sentences read as English', async ({ page }) => {
  await page.goto('./');
  for (const passphrase of ['password', 'correct horse battery staple orbit lantern']) {
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    const meter = page.locator('.strength');
    await expect(meter).toBeVisible();
    const text = (await meter.textContent()) ?? '';
    expect(text).not.toMatch(/about less|about centuries|\.\./);
  }
});

test('an old complaint goes once its cause is gone', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'Create backup' }).click();
  await expect(page.getByRole('alert')).toContainText('Add at least one file or folder first.');
  await page.getByLabel('Add files').setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') });
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('not a backup: the app says what the file looks like, and a WhatsApp file goes to its tab', async ({ page }) => {
  const dir = tempDir('foreign');
  const pdf = join(dir, 'report.coffer');
  writeFileSync(pdf, '%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
  await page.goto('./');
  await openBackup(page, pdf);
  const alert = page.getByRole('alert');
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('This file is not a Coffer backup.');
  await expect(alert).toContainText('it looks like a PDF document');
  await expect(alert).not.toContainText('end in .coffer');
  const whatsapp = join(dir, 'msgstore.db.crypt15');
  writeFileSync(whatsapp, randomBytes(4096));
  await openBackup(page, whatsapp);
  await expect(page.getByRole('heading', { name: 'Open a WhatsApp backup' })).toBeVisible();
});

test('restore keeps the unlocked backup across tabs, and a single download is confirmed', async ({ page }) => {
  await page.goto('./');
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'kept.txt', mimeType: 'text/plain', buffer: Buffer.from('kept\n') });
  await setPassphrase(page);
  const backup = await createBackup(page);
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const contents = page.getByRole('list', { name: 'Backup contents' });
  await expect(contents).toContainText('kept.txt');
  for (const tab of ['Back up', 'On this device', 'WhatsApp']) {
    await page.getByRole('button', { name: tab, exact: true }).click();
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect(contents).toContainText('kept.txt');
    await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toHaveCount(0);
  }
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Download kept.txt' }).click();
  expect((await download).suggestedFilename()).toBe('kept.txt');
  await expect(page.getByRole('status').filter({ hasText: 'Saved "kept.txt"' })).toContainText('downloads folder');
});

test('WhatsApp, empty: where the backup is and which key opens it; an unknown file gets no key form', async ({
  page,
}) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Open a WhatsApp backup' });
  await expect(panel).toContainText('Android/media/com.whatsapp/WhatsApp/Databases/');
  await expect(panel).toContainText('.crypt15');
  await expect(panel).toContainText('encrypted_backup.key');
  const odd = join(tempDir('odd'), 'msgstore.db.crypt15');
  writeFileSync(odd, 'this is not a WhatsApp backup at all');
  await page.getByLabel('Open WhatsApp backup').setInputFiles(odd);
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByLabel('WhatsApp key')).toHaveCount(0);
  await expect(page.getByText('Seal it as a Coffer backup (optional)')).toHaveCount(0);
});

test('on this device, empty: says how a backup gets here, and counts backups apart from the app', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'On this device', exact: true }).click();
  const panel = page.getByRole('region', { name: 'On this device' });
  await expect(panel).toContainText('tick "Keep a copy on this device"');
  await expect(page.getByTestId('storage-split')).toContainText(/^0 bytes for backups, .+ for the app itself$/);
});

test('a wrong passphrase gets one message, not three sentences saying one thing', async ({ page }) => {
  await page.goto('./');
  const backup = await backUp(page, { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') });
  await openBackup(page, backup);
  await unlockWithPassphrase(page, 'not the passphrase at all');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveCount(1);
  await expect(alert.locator('p')).toHaveCount(2); // the headline and what to try
});

test('WhatsApp: Decrypt with no key shows one alert, even after an earlier failure', async ({ page }) => {
  const root = randomBytes(32);
  const backup = join(tempDir('wa'), 'msgstore.db.crypt15');
  writeFileSync(backup, makeCrypt15({ rootKey: root, payload: zlib(Buffer.from('not really sqlite')), newer: true }));
  await page.goto('./');
  await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
  await page.getByLabel('Open WhatsApp backup').setInputFiles(backup);
  await page.getByLabel('WhatsApp key').fill(randomBytes(32).toString('hex'));
  await page.getByRole('button', { name: 'Decrypt', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('That key does not open this WhatsApp backup.');
  await page.getByLabel('WhatsApp key').fill('');
  await page.getByRole('button', { name: 'Decrypt', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('alert')).toContainText('Type the 64-digit WhatsApp key');
});

test('a cancelled check of a backup gets one calm line, not a red alert', async ({ page }) => {
  // Compressible text: the backup is small and quick to make, but checking it inflates 120 MB,
  // which takes long enough to cancel midway.
  const block = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i} of a long chat log\n`).join(''));
  const text = Buffer.concat(Array.from({ length: Math.ceil(120e6 / block.length) }, () => block));
  const path = join(tempDir('cancel-check'), 'chat.txt');
  writeFileSync(path, text);
  await page.goto('./');
  await page.getByLabel('Add files').setInputFiles(path);
  await page.getByLabel('Check the backup after writing it').uncheck();
  await setPassphrase(page);
  const backup = await createBackup(page);
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  // Checking 120 MB can end before a driver's click on Cancel lands (Firefox checks it in well
  // under a second since the helpers' buffers are moved, not copied): so the page clicks Cancel
  // itself the moment it appears.
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      const cancel = [...document.querySelectorAll('button')].find((button) => button.textContent?.trim() === 'Cancel');
      if (!cancel) return;
      observer.disconnect();
      cancel.click();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Verify backup' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Cancelled. Nothing was kept.' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
