/**
 * Issue 21, item 7: at a phone's 390 px width no element is wider than the viewport, on every
 * panel (the list, a preview and long names included), and the tab bar stays on one row.
 */
import type { Page } from '@playwright/test';
import {
  createBackup,
  expect,
  openBackup,
  prepareBackup,
  setPassphrase,
  test,
  unlockWithPassphrase,
} from './helpers.ts';
import { overflowing } from './layout.ts';

const LONG = `${'a-very-long-file-name-without-any-break-'.repeat(4)}end.txt`;

async function tabRows(page: Page): Promise<number> {
  const tops = await page
    .getByRole('navigation', { name: 'Mode' })
    .getByRole('button')
    .evaluateAll((buttons) => new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size);
  return tops;
}

test.use({ viewport: { width: 390, height: 844 } });

test('every panel fits a 390 px phone', async ({ page }) => {
  await page.goto('./');
  expect(await overflowing(page)).toEqual([]);
  expect(await tabRows(page)).toBe(1);

  await prepareBackup(page, [
    { name: LONG, mimeType: 'text/plain', buffer: Buffer.from('long name\n') },
    { name: 'short.txt', mimeType: 'text/plain', buffer: Buffer.from('short\n') },
  ]);
  await page.getByLabel('Make a new recovery key').check();
  expect(await overflowing(page), 'backup panel with a list').toEqual([]);
  await page.getByLabel('No recovery key').check();
  const backup = await createBackup(page);
  expect(await overflowing(page), 'backup result').toEqual([]);

  await openBackup(page, backup);
  expect(await overflowing(page), 'restore, locked').toEqual([]);
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('short.txt');
  expect(await overflowing(page), 'restore, list').toEqual([]);
  await page.getByRole('button', { name: `Preview ${LONG}` }).click();
  await expect(page.getByText('long name')).toBeVisible();
  expect(await overflowing(page), 'restore, preview of a long name').toEqual([]);

  for (const tab of ['On this device', 'WhatsApp', 'Back up']) {
    await page.getByRole('button', { name: tab, exact: true }).click();
    expect(await overflowing(page), tab).toEqual([]);
    expect(await tabRows(page)).toBe(1);
  }
});

test('main buttons sit level with their neighbours, and dragging over the page says what a drop does', async ({
  page,
}) => {
  await page.goto('./');
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'level.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await setPassphrase(page);
  const backup = await createBackup(page);
  await openBackup(page, backup);
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await unlockWithPassphrase(page);
  const restoreAll = await page.getByRole('button', { name: 'Restore all' }).boundingBox();
  const verify = await page.getByRole('button', { name: 'Verify backup' }).boundingBox();
  expect(Math.abs((restoreAll?.y ?? 0) - (verify?.y ?? 100))).toBeLessThanOrEqual(1);

  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['x'], 'x.txt'));
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await expect(page.getByText('Drop files or folders to back them up, or a .coffer file to open it.')).toBeVisible();
});
