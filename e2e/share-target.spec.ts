/** The share target is a cross-site entry point: nothing shared is opened without the person agreeing. */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import {
  createBackup,
  expect,
  setPassphrase,
  test,
  unlockWithPassphrase,
  untilServiceWorkerControls,
} from './helpers.ts';

const EVIL = 'http://evil.test/';

/** A page on another site that posts a file into Coffer's share target, as any website could. */
async function shareFromAnotherSite(page: Page, name: string, bytes: Buffer): Promise<string> {
  const target = new URL('./share-target', page.url()).href;
  await page.goto(EVIL);
  await page.setContent(
    `<form method="post" enctype="multipart/form-data" action="${target}"><input type="file" name="backup"></form>`,
  );
  await page.locator('input[type=file]').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
  // The app removes ?shared= from the address at once, so the id is read as the page arrives.
  const arrived = page.waitForEvent('framenavigated', (frame) => frame.url().includes('shared='));
  await page.locator('form').evaluate((form: HTMLFormElement) => form.submit());
  return new URL((await arrived).url()).searchParams.get('shared') ?? '';
}

async function stashCount(page: Page): Promise<number> {
  return page.evaluate(async () => (await (await caches.open('coffer-shared')).keys()).length);
}

test('a file posted into the share target is shown with a random id, and opened only after "Open"', async ({
  page,
  context,
}) => {
  await context.route(`${EVIL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<p>elsewhere</p>' }));
  await page.goto('./');
  await untilServiceWorkerControls(page);
  const home = page.url();
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('A\n') });
  await setPassphrase(page);
  const backup = readFileSync(await createBackup(page));

  const first = await shareFromAnotherSite(page, 'planted.coffer', Buffer.alloc(3000, 7));
  expect(first).toMatch(/^[0-9a-f]{32}$/);
  const dialog = page.getByRole('alertdialog', { name: 'Shared file' });
  await expect(dialog).toContainText('planted.coffer');
  await expect(dialog).toContainText('3.0 KB');
  await expect(page.getByRole('button', { name: 'Unlock' })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create backup' })).toBeVisible();
  expect(await stashCount(page)).toBe(0);

  // The old fixed key and a made-up id open nothing, and whatever sat there is cleaned away.
  await page.evaluate(async () => {
    const cache = await caches.open('coffer-shared');
    await cache.put(new URL('./shared-backup', location.href).href, new Response('old'));
  });
  await page.goto(`${home}?shared=1`);
  await expect(page.getByRole('button', { name: 'Create backup' })).toBeVisible();
  await expect(page.getByRole('alertdialog', { name: 'Shared file' })).toHaveCount(0);
  await expect.poll(() => stashCount(page)).toBe(0);

  const second = await shareFromAnotherSite(page, 'mine.coffer', backup);
  expect(second).toMatch(/^[0-9a-f]{32}$/);
  expect(second).not.toBe(first);
  await page.getByRole('alertdialog', { name: 'Shared file' }).getByRole('button', { name: 'Open' }).click();
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('a.txt');
});
