import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import {
  createBackup,
  expect,
  nextDownload,
  openBackup,
  savedDownload,
  setPassphrase,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

// Issue 13 item 21: one name the format cannot carry used to abort the whole backup.
test('a name the format cannot carry is left out with a visible warning; the rest is backed up', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['kept\n'], 'good.txt', { type: 'text/plain' }));
    transfer.items.add(new File(['ring\n'], 'bell\u0007.txt', { type: 'text/plain' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await expect(page.getByRole('list', { name: 'Files to back up' })).toContainText('good.txt');
  await setPassphrase(page);
  const backup = await createBackup(page);
  const warning = page.getByRole('alert').filter({ hasText: 'left out of this backup' });
  await expect(warning).toContainText('1 item was left out');
  await expect(page.getByRole('list', { name: 'Left out of the backup' })).toContainText(
    '"bell\\u0007.txt": its name cannot be stored in a backup (it contains a control character).',
  );
  await expect(page.getByText(/Backup ready/)).toBeVisible();

  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('good.txt');
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await download)));
  expect(Object.keys(zip)).toEqual(['good.txt']);
  expect(new TextDecoder().decode(zip['good.txt'])).toBe('kept\n');
});
