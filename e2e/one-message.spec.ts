/**
 * Issue 31 item 5: one message per event, gone when its cause is gone, each in a box of its
 * colour: a recovery-key typo is said once, "Backup ready" goes when the list changes, a saved
 * file's confirmation goes when Change how it unlocks opens.
 */
import { join } from 'node:path';
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
  writeSlowToBackUp,
} from './helpers.ts';

test('a recovery-key typo is said once: beside the field, then as one alert after Unlock', async ({ page }) => {
  await page.goto('./');
  await page.getByLabel('Add files').setInputFiles({ name: 'k.txt', mimeType: 'text/plain', buffer: Buffer.from('k') });
  await page.getByLabel('Lock with a passphrase').uncheck();
  await page.getByLabel('Make a new recovery key').check();
  const key = ((await page.getByTestId('new-recovery-key').textContent()) ?? '').replace(/ /g, '');
  await page.getByLabel('Type its last 8 digits').fill('00000000');
  await page.getByRole('button', { name: 'Create backup' }).click();
  // Typed but wrong is not the same as not typed.
  await expect(page.getByRole('alert')).toContainText('do not match the end of the new recovery key');
  await page.getByLabel('Type its last 8 digits').fill(key.slice(-8));
  const backup = await createBackup(page);

  await openBackup(page, backup);
  const typo = key.slice(0, 10) + String((Number(key[10]) + 1) % 10) + key.slice(11);
  await page.getByLabel('Recovery key').fill(typo);
  const sentence = page.getByText('check digits do not match');
  await expect(sentence).toHaveCount(1);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('alert')).toContainText('That recovery key has a typo.');
  await expect(sentence).toHaveCount(1);
  await expect(page.getByText(/has a typo/)).toHaveCount(1);
  // Changing the key takes the alert away; the hint beside the field speaks again.
  await page.getByLabel('Recovery key').fill(`${typo.slice(0, -1)}${(Number(typo.at(-1)) + 1) % 10}`);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('"Backup ready" goes when the list changes; "Saved" goes when Change how it unlocks opens', async ({ page }) => {
  await page.goto('./');
  await prepareBackup(page, { name: 'letter.txt', mimeType: 'text/plain', buffer: Buffer.from('Dear …') });
  const backup = await createBackup(page);
  await expect(page.getByText(/Backup ready/)).toBeVisible();
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'more.txt', mimeType: 'text/plain', buffer: Buffer.from('m') });
  await expect(page.getByText(/Backup ready/)).toHaveCount(0);

  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Download letter.txt' }).click();
  await savedDownload(await download);
  await expect(page.getByText('Saved "letter.txt"')).toBeVisible();
  await page.getByRole('button', { name: 'Change how it unlocks' }).click();
  await expect(page.getByText('Saved "letter.txt"')).toHaveCount(0);
});

test('Cancelled has a box of its own colour, neither red nor green', async ({ page }) => {
  await page.goto('./');
  const slow = join(tempDir('cancel-box'), 'slow.txt');
  writeSlowToBackUp(slow);
  await prepareBackup(page, slow);
  await page.getByRole('button', { name: 'Create backup' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  const notice = page.getByText('Cancelled. Nothing was kept.');
  await expect(notice).toBeVisible();
  const style = await notice.evaluate((element) => {
    const computed = getComputedStyle(element);
    return { background: computed.backgroundColor, border: computed.borderTopStyle };
  });
  expect(style.background).not.toBe('rgba(0, 0, 0, 0)');
  expect(style.border).toBe('solid');
});
