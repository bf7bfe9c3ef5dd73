/**
 * Issue 31: phone first. At 390 px a newcomer sees one way in, reaches Create backup without
 * scrolling past a form they do not need yet, never sees the page slide sideways (names of 150
 * characters without a break included), and keyboard focus follows what they just did.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  createBackup,
  expect,
  nextDownload,
  openBackup,
  prepareBackup,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';
import { overflowing } from './layout.ts';

const VIEWPORT = { width: 390, height: 844 };
test.use({ viewport: VIEWPORT });

/** 150 characters and not one place to break a line. */
const LONG = `${'x'.repeat(146)}.txt`;

/** Whether the element is wholly inside the viewport as the page is scrolled now. */
async function inView(page: Page, name: string): Promise<boolean> {
  const box = await page.getByRole('button', { name }).boundingBox();
  return box !== null && box.y >= 0 && box.y + box.height <= VIEWPORT.height;
}

test('one way in, and Create backup in view before and after adding files, wherever the page is scrolled', async ({
  page,
}) => {
  await page.goto('./');
  // Each way in exists once, and only on its own tab.
  await expect(page.getByLabel('Add files')).toHaveCount(1);
  await expect(page.getByLabel('Open backup')).toHaveCount(1);
  await expect(page.getByText('Add files', { exact: true })).toBeVisible();
  await expect(page.getByText('Open backup', { exact: true })).toBeHidden();
  await expect(page.getByText('Back up files and folders')).toHaveCount(0);
  // On a phone the form waits until there is something to back up.
  await expect(page.getByLabel('Passphrase', { exact: true })).toBeHidden();
  const add = await page.getByText('Add files', { exact: true }).boundingBox();
  expect((add?.y ?? VIEWPORT.height) + (add?.height ?? 0)).toBeLessThanOrEqual(VIEWPORT.height / 2);
  for (const top of [0, 400, 100_000]) {
    await page.evaluate((y) => window.scrollTo(0, y), top);
    expect(await inView(page, 'Create backup'), `before adding, scrolled to ${top}`).toBe(true);
  }

  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByText('Open backup', { exact: true })).toBeVisible();
  await expect(page.getByText('Add files', { exact: true })).toBeHidden();
  await page.getByRole('button', { name: 'Back up', exact: true }).click();

  // With nothing added, Create backup says what is missing first.
  await page.getByRole('button', { name: 'Create backup' }).click();
  await expect(page.getByRole('alert')).toContainText('Add at least one file or folder first.');
  await prepareBackup(page, [
    { name: 'one.txt', mimeType: 'text/plain', buffer: Buffer.from('1') },
    { name: 'two.txt', mimeType: 'text/plain', buffer: Buffer.from('2') },
  ]);
  await page.getByLabel('Make a new recovery key').check();
  for (const top of [0, 400, 100_000]) {
    await page.evaluate((y) => window.scrollTo(0, y), top);
    expect(await inView(page, 'Create backup'), `after adding, scrolled to ${top}`).toBe(true);
  }
});

test('tab names never break inside a word, and a checkbox sits beside the first line of its label', async ({
  page,
}) => {
  await page.goto('./');
  const split = await page.getByRole('navigation', { name: 'Mode' }).evaluate((nav) => {
    const broken: string[] = [];
    for (const button of Array.from(nav.querySelectorAll('button'))) {
      const text = button.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) continue;
      const content = text.textContent ?? '';
      for (const match of content.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(text, match.index ?? 0);
        range.setEnd(text, (match.index ?? 0) + match[0].length);
        if (new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top))).size > 1) broken.push(match[0]);
      }
    }
    return broken;
  });
  expect(split).toEqual([]);

  await prepareBackup(page, { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') });
  const offset = await page.getByLabel(/Add repair data/).evaluate((box) => {
    const label = box.closest('label') as HTMLElement;
    const lineHeight = Number.parseFloat(getComputedStyle(label).lineHeight);
    const boxMiddle = box.getBoundingClientRect().top + box.getBoundingClientRect().height / 2;
    const firstLineMiddle = label.getBoundingClientRect().top + lineHeight / 2;
    return {
      lines: label.getBoundingClientRect().height / lineHeight,
      apart: Math.abs(boxMiddle - firstLineMiddle),
      lineHeight,
    };
  });
  expect(offset.lines).toBeGreaterThan(1.5); // The label does wrap at this width.
  expect(offset.apart).toBeLessThan(offset.lineHeight / 2);
});

test('keyboard focus follows Create backup, Unlock and Preview', async ({ page, browserName }) => {
  await page.goto('./');
  await prepareBackup(page, { name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('a note') });
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Create backup' }).focus();
  await page.keyboard.press('Enter');
  const backup = await savedDownload(await download);
  const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
  await expect.poll(focused).toContain('Backup ready');

  await openBackup(page, backup);
  await page.getByLabel('Passphrase', { exact: true }).fill('orbit lantern cactus symphony 42');
  await page.getByLabel('Passphrase', { exact: true }).press('Enter');
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
    .toBe('Backup contents');

  const preview = page.getByRole('button', { name: 'Preview note.txt' });
  await preview.focus();
  // Playwright's Firefox driver delivers Enter (and Space) to a focused button outside a form,
  // but Firefox then fires no click: there the button is clicked, and the focus is what is checked.
  if (browserName === 'firefox') await preview.click();
  else await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('preview');
  await expect.poll(focused).toContain('a note');
});

test('a 150-character name never pushes the page sideways: list, preview, salvage, this device', async ({ page }) => {
  const dir = tempDir('phone-long');
  const root = join(dir, 'docs');
  mkdirSync(root);
  writeFileSync(join(root, LONG), Buffer.alloc(700 * 1024, 7));
  writeFileSync(join(root, 'b.txt'), 'still here\n');
  const backup = join(dir, `${'y'.repeat(120)}.coffer`);
  execFileSync(process.execPath, ['bin/coffer.mjs', 'create', '-q', '--no-compress', '-o', backup, root], {
    env: { ...process.env, COFFER_PASSPHRASE: 'orbit lantern cactus symphony 42' },
  });

  await page.goto('./');
  await prepareBackup(page, [{ name: LONG, mimeType: 'text/plain', buffer: Buffer.from('long name\n') }]);
  expect(await overflowing(page), 'backup list').toEqual([]);
  await page.getByLabel('Keep a copy on this device').check();
  await createBackup(page);
  expect(await overflowing(page), 'backup result').toEqual([]);
  await page.getByRole('button', { name: 'On this device', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'On this device' })).toBeVisible();
  // The stored backup, named after the long file, is listed (the list loads after the heading).
  await expect(page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem')).toHaveCount(1);
  expect(await overflowing(page), 'this device').toEqual([]);

  await openBackup(page, backup);
  expect(await overflowing(page), 'a long backup name').toEqual([]);
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('b.txt');
  expect(await overflowing(page), 'restore list').toEqual([]);

  // Damage inside the long-named file: salvage lists it as lost.
  const bytes = readFileSync(backup);
  bytes[bytes.readUInt32LE(12) + 256 * 1024 + 16 + 4321] ^= 0x20;
  const damaged = join(dir, 'damaged.coffer');
  writeFileSync(damaged, bytes);
  await openBackup(page, damaged);
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  await expect(page.getByRole('alert')).toContainText('damaged');
  const salvaged = nextDownload(page);
  await page.getByRole('button', { name: 'Restore what can be restored' }).click();
  await salvaged;
  await expect(page.getByRole('list', { name: 'Lost files' })).toContainText(LONG);
  expect(await overflowing(page), 'salvage result').toEqual([]);

  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: `Preview docs/${LONG}` }).click();
  await expect(page.locator('figure.preview')).toBeVisible();
  expect(await overflowing(page), 'preview').toEqual([]);
});

test('after a phone-width tap on Download, the confirmation is in view', async ({ page }) => {
  await page.goto('./');
  const many = Array.from({ length: 40 }, (_, i) => ({
    name: `file-${String(i).padStart(2, '0')}.txt`,
    mimeType: 'text/plain',
    buffer: Buffer.from(`file ${i}`),
  }));
  await prepareBackup(page, many);
  const backup = await createBackup(page);
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const last = page.getByRole('button', { name: 'Download file-39.txt' });
  await last.scrollIntoViewIfNeeded();
  const download = nextDownload(page);
  await last.click();
  await download;
  const saved = page.getByText('Saved "file-39.txt"');
  await expect(saved).toBeVisible();
  const box = await saved.boundingBox();
  expect(box && box.y >= 0 && box.y + box.height <= VIEWPORT.height).toBe(true);
});
