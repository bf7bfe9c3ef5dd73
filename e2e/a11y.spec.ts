import AxeBuilder from '@axe-core/playwright';
import { createBackup, expect, openBackup, PASSPHRASE, setPassphrase, test, unlockWithPassphrase } from './helpers.ts';

async function violations(page: import('@playwright/test').Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(', ')}`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no accessibility violations in the ${colorScheme} theme, backing up and restoring`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('./');
    expect(await violations(page)).toEqual([]);
    await page
      .getByLabel('Add files')
      .setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') });
    await setPassphrase(page);
    await page.getByLabel('Make a new recovery key').check();
    expect(await violations(page)).toEqual([]);
    await page.getByLabel('No recovery key').check();
    const backup = await createBackup(page);
    expect(await violations(page)).toEqual([]);
    await openBackup(page, backup);
    expect(await violations(page)).toEqual([]);
    await unlockWithPassphrase(page, PASSPHRASE);
    await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('a.txt');
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'On this device' }).click();
    await expect(page.getByRole('heading', { name: 'On this device' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add a place' }).click();
    await expect(page.getByLabel('Location')).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}

test('usable at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('./');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Create backup' })).toBeVisible();
});

test('the console stays clean on load: no warning, no error', async ({ page }) => {
  const noise: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') noise.push(`${message.type()}: ${message.text()}`);
  });
  // Twice: the first visit installs the service worker, the second is served by it. The chat
  // reader's worker loads SQLite right after start-up, which used to warn on every load.
  for (const load of [() => page.goto('./'), () => page.reload()]) {
    await load();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1500);
  }
  expect(noise).toEqual([]);
});
