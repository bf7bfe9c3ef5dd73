/**
 * Streamed downloads (issue 30): where the service worker controls the page, what Coffer makes
 * goes from the worker through the service worker straight into the download. Nothing is staged
 * in the private file system, and a download that breaks off is marked failed, never finished.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import {
  expect,
  nextDownload,
  openBackup,
  opfsNames,
  prepareBackup,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
  untilServiceWorkerControls,
  withoutServiceWorker,
  writeSlowToBackUp,
} from './helpers.ts';

// Streaming is on only where the tests cover it: Chromium (src/ui/shared/stream-download.ts).
test.skip(
  ({ browserName }) => browserName !== 'chromium',
  'downloads stream only in Chromium; elsewhere they are staged',
);

async function controlled(page: Page): Promise<void> {
  await page.goto('./');
  await untilServiceWorkerControls(page);
}

const streamedFrom = (download: Download) => new URL(download.url()).pathname.includes('/coffer-download/');

/** Makes a backup with "Check the backup after writing it" off, so it streams; returns the download. */
async function streamedBackup(page: Page, files: Parameters<typeof prepareBackup>[1]): Promise<Download> {
  await prepareBackup(page, files);
  await page.getByLabel('Check the backup after writing it').uncheck();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Create backup' }).click();
  return download;
}

test('Create, Save and Restore all stream into the download: the right bytes, nothing staged', async ({ page }) => {
  await controlled(page);
  // Ten and more of the stream sink's 4 MiB batches: the service worker gives buffers back to be
  // filled again, and every byte must still arrive as it was.
  const big = randomBytes(41 * 1024 * 1024 + 4321);
  const backup = await streamedBackup(page, [
    { name: 'big.bin', mimeType: 'application/octet-stream', buffer: big },
    { name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('a note\n') },
  ]);
  expect(streamedFrom(backup)).toBe(true);
  expect(backup.suggestedFilename()).toMatch(/\.coffer$/);
  const backupPath = await savedDownload(backup);
  await expect(page.getByText(/Backup ready/)).toBeVisible();
  expect(await opfsNames(page, 'coffer-tmp-')).toEqual([]);

  await openBackup(page, backupPath);
  await unlockWithPassphrase(page);
  const one = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download big.bin' }).click();
  const saved = await one;
  expect(streamedFrom(saved)).toBe(true);
  expect(saved.suggestedFilename()).toBe('big.bin');
  expect(readFileSync(await savedDownload(saved)).equals(big)).toBe(true);
  await expect(page.getByText('Saved "big.bin"')).toBeVisible();

  const all = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zipDownload = await all;
  expect(streamedFrom(zipDownload)).toBe(true);
  const zip = unzipSync(readFileSync(await savedDownload(zipDownload)));
  expect(Buffer.from(zip['big.bin']).equals(big)).toBe(true);
  expect(new TextDecoder().decode(zip['note.txt'])).toBe('a note\n');
  await expect(page.getByText(/Restored 2 files/)).toBeVisible();
  expect(await opfsNames(page, 'coffer-tmp-')).toEqual([]);
});

test('a streamed download names the file exactly, non-ASCII included', async ({ page }) => {
  await controlled(page);
  const backup = await streamedBackup(page, [
    { name: 'Fotos été 😀.txt', mimeType: 'text/plain', buffer: Buffer.from('été') },
  ]);
  await savedDownload(backup);
  const path = await savedDownload(backup, 'copy.coffer');
  await openBackup(page, path);
  await unlockWithPassphrase(page);
  const one = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download Fotos été 😀.txt' }).click();
  expect((await one).suggestedFilename()).toBe('Fotos été 😀.txt');
});

test('damage met midway fails the download instead of finishing it, and says why', async ({ page }) => {
  await controlled(page);
  const big = randomBytes(24 * 1024 * 1024);
  const backupPath = await savedDownload(
    await streamedBackup(page, [{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big }]),
  );
  await expect(page.getByText(/Backup ready/)).toBeVisible();
  // One flipped byte in the middle of the encrypted data: the chunks before it restore fine.
  const damaged = readFileSync(backupPath);
  damaged[Math.floor(damaged.length / 2)] ^= 0x5a;
  const damagedPath = join(tempDir('damaged'), 'damaged.coffer');
  writeFileSync(damagedPath, damaged);

  await openBackup(page, damagedPath);
  await unlockWithPassphrase(page);
  const one = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download big.bin' }).click();
  const download = await one;
  expect(streamedFrom(download)).toBe(true);
  expect(await download.failure()).not.toBeNull();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByText('Saved "big.bin"')).toHaveCount(0);
});

test('Cancel in the app fails the download; a download cancelled in the browser stops the backup', async ({ page }) => {
  await controlled(page);
  const slow = join(tempDir('slow'), 'slow.txt');
  writeSlowToBackUp(slow);
  const first = await streamedBackup(page, slow);
  await page.getByRole('button', { name: 'Cancel' }).click();
  expect(await first.failure()).not.toBeNull();
  await expect(page.getByText('Cancelled. Nothing was kept.')).toBeVisible();

  const second = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Create backup' }).click();
  const download = await second;
  await download.cancel();
  expect(await download.failure()).toBe('canceled');
  await expect(page.getByText('Cancelled. Nothing was kept.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create backup' })).toBeVisible();
});

test('a tab closed midway leaves a failed download, not a finished one', async ({ page, context }) => {
  await controlled(page);
  const slow = join(tempDir('slow'), 'slow.txt');
  writeSlowToBackUp(slow);
  const download = await streamedBackup(page, slow);
  await page.close();
  // The service worker notices the page is gone within seconds and breaks the download off.
  expect(await download.failure()).not.toBeNull();
  expect(context.pages()).toEqual([]);
});

test('without a service worker in control, downloads are staged as before', async ({ page }) => {
  await page.goto('./');
  // The first load before the service worker takes control, simulated: no controller at all.
  await withoutServiceWorker(page);
  const download = nextDownload(page);
  await prepareBackup(page, { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('staged') });
  await page.getByLabel('Check the backup after writing it').uncheck();
  await page.getByRole('button', { name: 'Create backup' }).click();
  const staged = (await download) as Download;
  expect(new URL(staged.url()).protocol).toBe('blob:');
  await expect(page.getByText(/Backup ready/)).toBeVisible();
});
