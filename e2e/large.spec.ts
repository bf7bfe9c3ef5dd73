import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  expect,
  nextDownload,
  openBackup,
  prepareBackup,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';
import { sampleMemory } from './memory.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function writeLargeFile(path: string, size: number): void {
  const block = Buffer.alloc(4 * MiB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 7)) >>> 0, i);
  const fd = openSync(path, 'w');
  for (let written = 0; written < size; written += block.length) {
    block.writeUInt32LE(written / block.length, 0);
    writeSync(fd, block);
  }
  closeSync(fd);
}

// 1 GiB in CI; COFFER_E2E_LARGE_GIB=2 (or 4) checks a larger file the same way, and
// COFFER_E2E_LARGE_PARITY=1 with "Add repair data" (its parity waits in a private-storage file).
const sizeGiB = Number(process.env.COFFER_E2E_LARGE_GIB ?? 1);
const withParity = process.env.COFFER_E2E_LARGE_PARITY === '1';

test(`a ${sizeGiB} GiB file backs up${withParity ? ' with repair data' : ''} and restores with flat memory and no long tasks`, async ({
  page,
  profileDir,
  browserName,
}) => {
  test.setTimeout(600_000 * sizeGiB);
  const dir = tempDir('large');
  const source = join(dir, 'video.bin');
  writeLargeFile(source, sizeGiB * GiB);
  await page.goto('./');
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await prepareBackup(page, source);
  if (withParity) await page.getByLabel(/Add repair data/).check();
  const afterSetup = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.length);

  // Each measurement stops once the app is done and its download has begun: in Firefox the test
  // then copies the file out of the page (e2e/downloads.ts), which is the test's memory, not the app's.
  const createMemory = sampleMemory(profileDir);
  const made = nextDownload(page, { timeout: 300_000 });
  await page.getByRole('button', { name: 'Create backup' }).click();
  const madeDownload = await made;
  await expect(page.getByText(/Backup ready/)).toBeVisible({ timeout: 300_000 });
  const createGrowth = createMemory.stop();
  const backup = await savedDownload(madeDownload);
  expect(statSync(backup).size).toBeGreaterThan(sizeGiB * GiB);

  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const restoreMemory = sampleMemory(profileDir);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  await expect(page.getByRole('status').or(page.getByRole('alert'))).toContainText('Restored', { timeout: 300_000 });
  const restored = await download;
  const restoreGrowth = restoreMemory.stop();
  const zip = await savedDownload(restored);
  expect(statSync(zip).size).toBeGreaterThan(sizeGiB * GiB);

  const longTasks = await page.evaluate(
    (skip) => (window as unknown as { longTasks: number[] }).longTasks.slice(skip),
    afterSetup,
  );
  // Firefox reports no long tasks (PerformanceObserver has no 'longtask' entries there).
  const longTasksSeen = await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'));
  console.log(
    `${sizeGiB} GiB${withParity ? ' with repair data' : ''}${longTasksSeen ? '' : ' (long tasks not reported by this browser)'}: ${browserName === 'firefox' ? "the page's content process" : 'renderer memory'} grew ${(createGrowth / MiB).toFixed(0)} MiB creating, ${(restoreGrowth / MiB).toFixed(0)} MiB restoring; long tasks: ${JSON.stringify(longTasks)}`,
  );
  expect(createGrowth).toBeLessThan(300 * MiB);
  expect(restoreGrowth).toBeLessThan(300 * MiB);
  expect(longTasks.filter((duration) => duration > 100)).toEqual([]);
});
