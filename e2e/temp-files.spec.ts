/** Decrypted plaintext handed over as a download does not stay in the private file system. */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import {
  backUp,
  expect,
  nextDownload,
  openBackup,
  opfsNames,
  savedDownload,
  test,
  unlockWithPassphrase,
  withoutServiceWorker,
} from './helpers.ts';

function tempNames(page: Page): Promise<string[]> {
  return opfsNames(page, 'coffer-tmp-');
}

test('staged: a downloaded file and a Restore-all zip leave no plaintext temp file once the page is hidden', async ({
  page,
}) => {
  await page.goto('./');
  // Where no service worker controls the page (a first load, a private window) downloads are
  // staged; with one they stream and stage nothing (streamed-downloads.spec.ts).
  await withoutServiceWorker(page);
  const backup = await backUp(page, [
    { name: 'one.txt', mimeType: 'text/plain', buffer: Buffer.from('first secret') },
    { name: 'two.txt', mimeType: 'text/plain', buffer: Buffer.from('second secret') },
  ]);
  await openBackup(page, backup);
  await unlockWithPassphrase(page);

  const one = nextDownload(page);
  await page.getByRole('button', { name: 'Download two.txt' }).click();
  expect(readFileSync(await savedDownload(await one), 'utf8')).toBe('second secret');
  const all = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await all)));
  expect(new TextDecoder().decode(zip['one.txt'])).toBe('first secret');
  // Both downloads are saved; what is left is plaintext waiting for its grace period.
  expect((await tempNames(page)).length).toBeGreaterThan(0);

  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false })));
  await expect.poll(() => tempNames(page)).toEqual([]);
});
