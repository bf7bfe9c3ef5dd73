/**
 * The Share button after a backup: shown where navigator.canShare({ files }) accepts the file,
 * and it hands the real .coffer file to navigator.share; hidden where the browser cannot share
 * files. Headless desktop browsers have no share sheet, so both ways stub the two functions
 * before the page loads, recording what the app passes.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { createBackup, expect, setPassphrase, test } from './helpers.ts';

async function stubSharing(page: Page, canShare: boolean): Promise<void> {
  await page.addInitScript((allowed: boolean) => {
    const shared: { name: string; size: number; type: string; head: number[] }[] = [];
    (window as unknown as { __shared: typeof shared }).__shared = shared;
    Object.defineProperty(navigator, 'canShare', {
      configurable: true,
      value: (data: ShareData) => allowed && Array.isArray(data.files) && data.files.length > 0,
    });
    Object.defineProperty(navigator, 'share', {
      configurable: true,
      value: async (data: ShareData) => {
        for (const file of data.files ?? []) {
          const head = [...new Uint8Array(await file.slice(0, 8).arrayBuffer())];
          shared.push({ name: file.name, size: file.size, type: file.type, head });
        }
      },
    });
  }, canShare);
}

async function makeBackup(page: Page): Promise<string> {
  await page.goto('./');
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('share me\n') });
  await setPassphrase(page);
  return createBackup(page);
}

test('Share hands the finished .coffer file to the share sheet where files can be shared', async ({ page }) => {
  await stubSharing(page, true);
  const path = await makeBackup(page);
  await page.getByRole('button', { name: 'Share backup' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __shared: unknown[] }).__shared.length)).toBe(1);
  const [shared] = await page.evaluate(
    () => (window as unknown as { __shared: { name: string; size: number; type: string; head: number[] }[] }).__shared,
  );
  const bytes = readFileSync(path);
  expect(shared.name).toMatch(/\.coffer$/);
  expect(shared.size).toBe(bytes.length);
  expect(shared.head).toEqual([...bytes.subarray(0, 8)]);
});

test('no Share button where the browser cannot share files', async ({ page }) => {
  await stubSharing(page, false);
  await makeBackup(page);
  await expect(page.getByText(/Backup ready/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Share backup' })).toHaveCount(0);
});
