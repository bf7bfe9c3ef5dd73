/**
 * WhatsApp backups in the browser: drop or open a crypt15, type the key, get msgstore.db; the
 * same with the real fixtures from ../shared (skipped, visibly, where absent); wrong keys, keys of
 * the wrong kind and damaged files leave nothing behind; "Seal as a Coffer backup" makes a backup
 * that the Restore tab opens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { strToU8, zipSync } from 'fflate';
import {
  HAVE_SHARED,
  legacyKeyFile,
  makeCrypt15,
  makeSqlite,
  noise,
  SHARED,
  SHARED_ROOT_KEY,
  SHARED_SHA256,
  zlib,
} from '../test/whatsapp/fixtures.ts';
import {
  downloadCounter,
  expect,
  nextDownload,
  openBackup,
  opfsNames,
  savedDownload,
  setPassphrase,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

const ROOT = randomBytes(32);
const HEX = ROOT.toString('hex');
const DATABASE = Buffer.concat([
  makeSqlite({ 1: { children: [3, 4] }, 3: { rows: ['table', 'index'] }, 4: { rows: ['table', 'table'] } }, 5, 4096),
  noise(400_000, 8),
]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function generated(name = 'msgstore.db.crypt15', bytes?: Buffer): string {
  const path = join(tempDir('whatsapp'), name);
  writeFileSync(path, bytes ?? makeCrypt15({ rootKey: ROOT, payload: zlib(DATABASE), newer: true }));
  return path;
}

async function openWhatsApp(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
  await page.getByLabel('Open WhatsApp backup').setInputFiles(path);
}

test('a dropped crypt15 backup opens the WhatsApp tab; the typed key gives msgstore.db', async ({ page }) => {
  const bytes = readFileSync(generated());
  await page.goto('./');
  await page.evaluate(
    (data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'msgstore.db.crypt15'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    [...bytes],
  );
  await expect(page.getByRole('button', { name: 'WhatsApp', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText('crypt15, end-to-end encrypted backup, made by WhatsApp 2.24.1.7')).toBeVisible();
  await page.getByLabel('WhatsApp key').fill(HEX.slice(0, 40));
  await expect(page.getByText('A WhatsApp key has 64 digits; this has 40.')).toBeVisible();
  await page.getByLabel('WhatsApp key').fill(HEX.replace(/(.{4})/g, '$1 ').toUpperCase());
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Decrypt' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('msgstore.db');
  expect(sha256(readFileSync(await savedDownload(saved)))).toBe(sha256(DATABASE));
  await expect(page.getByRole('status')).toContainText('Decrypted msgstore.db: an SQLite database with 3 tables');
});

test('choosing the next backup keeps the key field in place, and the key typed at once is the one used', async ({
  page,
}) => {
  await page.goto('./');
  await openWhatsApp(page, generated());
  await expect(page.getByText('crypt15, end-to-end encrypted backup, made by WhatsApp 2.24.1.7')).toBeVisible();
  await page.getByLabel('WhatsApp key').fill(HEX);
  // Records whether the key field is ever taken out of the page from here on.
  await page.evaluate(() => {
    const field = document.querySelector('input[placeholder^="64 digits"]');
    const seen = window as unknown as { keyFieldLeft: boolean };
    seen.keyFieldLeft = false;
    new MutationObserver(() => {
      if (!field?.isConnected) seen.keyFieldLeft = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const otherRoot = randomBytes(32);
  const other = join(tempDir('whatsapp'), 'other.db.crypt15');
  writeFileSync(other, makeCrypt15({ rootKey: otherRoot, payload: zlib(DATABASE), newer: true }));
  await page.getByLabel('Open WhatsApp backup').setInputFiles(other);
  await page.getByLabel('WhatsApp key').fill(otherRoot.toString('hex'));
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await download;
  await expect(page.getByRole('status')).toContainText('Decrypted other.db');
  expect(await page.evaluate(() => (window as unknown as { keyFieldLeft: boolean }).keyFieldLeft)).toBe(false);
});

test('a wrong key, a key of the wrong kind and a damaged file each get their own message and leave nothing', async ({
  page,
}) => {
  const path = generated();
  await page.goto('./');
  const downloads = await downloadCounter(page);
  await openWhatsApp(page, path);
  await page.getByLabel('WhatsApp key').fill(randomBytes(32).toString('hex'));
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expect(page.getByRole('alert')).toContainText('That key does not open this WhatsApp backup.');

  const legacy = join(tempDir('key'), 'key');
  writeFileSync(legacy, legacyKeyFile(randomBytes(32)));
  await page.getByLabel('Open key file').setInputFiles(legacy);
  await expect(page.getByText('key: a crypt12/crypt14 key file.')).toBeVisible();
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expect(page.getByRole('alert')).toContainText('That key is for another kind of WhatsApp backup.');
  await page.getByRole('button', { name: 'Forget key file' }).click();

  const damaged = readFileSync(path);
  damaged[damaged.length - 1000] ^= 1;
  await openWhatsApp(page, generated('damaged.db.crypt15', damaged));
  await page.getByLabel('WhatsApp key').fill(HEX);
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expect(page.getByRole('alert')).toContainText('This WhatsApp backup is damaged or incomplete.');

  await openWhatsApp(page, generated('photo.crypt15', noise(5000)));
  await expect(page.getByRole('alert')).toContainText('This is not a WhatsApp backup Coffer can open.');
  await expect.poll(() => opfsNames(page)).toEqual([]);
  expect(await downloads()).toBe(0);
});

test('the WhatsApp tab has no accessibility violations, in either theme', async ({ page }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto('./');
    await openWhatsApp(page, generated());
    await page.getByLabel('WhatsApp key').fill('not a key');
    await expect(page.getByText('"n" is not one of them')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
  }
});

test('"Seal as a Coffer backup" makes a backup that opens in the Restore tab with msgstore.db inside', async ({
  page,
}) => {
  await page.goto('./');
  await openWhatsApp(page, generated());
  await setPassphrase(page);
  const downloads = await downloadCounter(page);
  await page.getByLabel('WhatsApp key').fill(randomBytes(32).toString('hex'));
  await page.getByRole('button', { name: 'Seal as a Coffer backup' }).click();
  await expect(page.getByRole('alert')).toContainText('That key does not open this WhatsApp backup.');
  await expect.poll(() => opfsNames(page)).toEqual([]);
  expect(await downloads()).toBe(0);

  await page.getByLabel('WhatsApp key').fill(HEX);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Seal as a Coffer backup' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('msgstore.db.coffer');
  const backup = await savedDownload(saved);
  await expect(page.getByRole('status')).toContainText('Sealed msgstore.db');
  await expect(page.getByRole('status')).toContainText('every byte is intact');

  await page.getByRole('button', { name: 'Restore' }).click();
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('msgstore.db');
  const file = nextDownload(page);
  await page.getByRole('button', { name: 'Download msgstore.db' }).click();
  expect(sha256(readFileSync(await savedDownload(await file)))).toBe(sha256(DATABASE));
});

test('a multi-file backup (a ZIP inside, no MD5) decrypts to its ZIP and seals as its files', async ({ page }) => {
  const zip = zipSync({ 'wallpaper.jpg': noise(50_000, 5), 'stickers/one.webp': strToU8('sticker') });
  await page.goto('./');
  await openWhatsApp(
    page,
    generated('wallpapers.backup.crypt15', makeCrypt15({ rootKey: ROOT, payload: zip, multiFile: true })),
  );
  await page.getByLabel('WhatsApp key').fill(HEX);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Decrypt' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('wallpapers.backup.zip');
  expect(sha256(readFileSync(await savedDownload(saved)))).toBe(sha256(zip));
  await expect(page.getByRole('status')).toContainText('a multi-file backup');

  await setPassphrase(page);
  const sealed = nextDownload(page);
  await page.getByRole('button', { name: 'Seal as a Coffer backup' }).click();
  const backup = await savedDownload(await sealed);
  await expect(page.getByRole('status')).toContainText('Sealed the 2 entries of the ZIP inside');
  await page.getByRole('button', { name: 'Restore' }).click();
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const contents = page.getByRole('list', { name: 'Backup contents' });
  await expect(contents).toContainText('wallpaper.jpg');
  await expect(contents).toContainText('one.webp');
});

test.describe(
  HAVE_SHARED
    ? 'real fixtures from ../shared/fixtures/whatsapp'
    : 'real fixtures: SKIPPED, ../shared/fixtures/whatsapp is absent',
  () => {
    test.skip(!HAVE_SHARED, '../shared/fixtures/whatsapp is absent');

    test('the real crypt15 with the typed key gives msgstore.db with the expected SHA-256', async ({ page }) => {
      await page.goto('./');
      await openWhatsApp(page, join(SHARED, 'msgstore.db.crypt15'));
      await expect(page.getByText('made by WhatsApp 2.22.5.13')).toBeVisible();
      await page.getByLabel('WhatsApp key').fill(SHARED_ROOT_KEY);
      const download = nextDownload(page);
      await page.getByRole('button', { name: 'Decrypt' }).click();
      expect(sha256(readFileSync(await savedDownload(await download)))).toBe(SHARED_SHA256);
      await expect(page.getByRole('status')).toContainText('an SQLite database with 144 tables');
    });

    test('the real crypt14 and crypt12 open with the key file', async ({ page }) => {
      await page.goto('./');
      for (const name of ['msgstore.db.crypt14', 'msgstore.db.crypt12']) {
        await openWhatsApp(page, join(SHARED, name));
        await expect(page.getByText('It opens with the 158-byte "key" file')).toBeVisible();
        await page.getByLabel('Open key file').setInputFiles(join(SHARED, 'key'));
        const download = nextDownload(page);
        await page.getByRole('button', { name: 'Decrypt' }).click();
        expect(sha256(readFileSync(await savedDownload(await download))), name).toBe(SHARED_SHA256);
      }
    });
  },
);
