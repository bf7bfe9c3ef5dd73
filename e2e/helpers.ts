import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { type DownloadedFile, installDownloadObserver, nextDownload } from './downloads.ts';
import { engineSkipReason } from './engines.ts';

export { type DownloadedFile, downloadCounter, nextDownload } from './downloads.ts';

export const PASSPHRASE = 'orbit lantern cactus symphony 42';

/** How Firefox reports a request the Content-Security-Policy refused, as a page error. */
export const CSP_REFUSAL = /blocked the loading of a resource \(connect-src\)/;

/**
 * Every test gets a real, on-disk browser profile: Playwright's default contexts are incognito,
 * where the origin's private file system lives in memory with a small quota, unlike a person's.
 */
export const profileTest = base.extend<{
  profileDir: string;
  engineGate: undefined;
  /** Page errors a test provokes on purpose (e.g. a request the CSP refuses, which Firefox reports). */
  expectedPageErrors: RegExp | undefined;
}>({
  expectedPageErrors: [undefined, { option: true }],
  // Runs before any browser starts: a flow this engine cannot run (or that the engine's CI
  // selection leaves out) is skipped with its reason in the report, never silently.
  engineGate: [
    async ({ browserName }, use, testInfo) => {
      const reason = engineSkipReason(browserName, testInfo.file, testInfo.title);
      testInfo.skip(reason !== undefined, reason);
      await use(undefined);
    },
    { auto: true },
  ],
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
  profileDir: async ({}, use) => {
    await use(tempDir('profile'));
  },
  context: async ({ playwright, browserName, channel, launchOptions, baseURL, profileDir }, use) => {
    const profile = profileDir;
    const context = await playwright[browserName].launchPersistentContext(profile, {
      ...launchOptions,
      channel,
      baseURL,
      acceptDownloads: true,
    });
    if (browserName === 'firefox') await installDownloadObserver(context);
    await use(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  },
  page: async ({ context, expectedPageErrors }, use) => {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => {
      if (!expectedPageErrors?.test(error.message)) errors.push(error.message);
    });
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

/** A browser without the File System Access pickers: results arrive as downloads. */
export const test = profileTest.extend({
  page: async ({ page }, use) => {
    await page.addInitScript(() => {
      const w = window as { showSaveFilePicker?: unknown; showDirectoryPicker?: unknown };
      delete w.showSaveFilePicker;
      delete w.showDirectoryPicker;
    });
    await use(page);
  },
});

export { expect };

export function tempDir(prefix: string): string {
  const root = process.env.COFFER_E2E_SCRATCH ?? tmpdir();
  return mkdtempSync(join(root, `coffer-e2e-${prefix}-`));
}

/**
 * 240 MB of text that zstd shrinks only about 2x, so a backup of it is still being written when a
 * test acts midway (cancel, a lowered quota, a closed tab). A repetitive log shrinks so far and so
 * fast with zstd on every core that its backup can be done first.
 */
export function writeSlowToBackUp(path: string): void {
  writeFileSync(path, randomBytes(120e6).toString('hex'));
}

/** A nested folder with non-ASCII names, an empty file and an empty folder. */
export function makeTree(): { root: string; files: Record<string, string> } {
  const root = join(tempDir('tree'), 'Fotos été');
  const files: Record<string, string> = {
    'notes/привет.txt': 'hello from a nested folder\n'.repeat(50),
    'notes/empty.txt': '',
    'ça va.md': '# Title\n\nSome text.\n',
    'data/numbers.csv': Array.from({ length: 2000 }, (_, i) => `${i},${i * i}`).join('\n'),
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  mkdirSync(join(root, 'empty folder'), { recursive: true });
  return { root, files };
}

export async function savedDownload(download: DownloadedFile, name = download.suggestedFilename()): Promise<string> {
  const path = join(tempDir('download'), name);
  await download.saveAs(path);
  return path;
}

export async function setPassphrase(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Confirm passphrase').fill(passphrase);
  await expect(page.getByText('Strong enough')).toBeVisible();
}

/** Clicks Create backup and returns the path of the downloaded .coffer file. */
export async function createBackup(page: Page): Promise<string> {
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Create backup' }).click();
  const path = await savedDownload(await download);
  await expect(page.getByText(/Backup ready/)).toBeVisible();
  return path;
}

type FilesToAdd = Parameters<Locator['setInputFiles']>[0];

/** The first steps of every backup: add the files, then type and confirm the passphrase. */
export async function prepareBackup(page: Page, files: FilesToAdd, passphrase = PASSPHRASE): Promise<void> {
  await page.getByLabel('Add files').setInputFiles(files);
  await setPassphrase(page, passphrase);
}

/** Adds the files, sets the passphrase, makes the backup; returns the downloaded .coffer file's path. */
export async function backUp(page: Page, files: FilesToAdd, passphrase = PASSPHRASE): Promise<string> {
  await prepareBackup(page, files, passphrase);
  return createBackup(page);
}

/** Names in the root of the page's private file system (OPFS), those starting with `prefix`. */
export async function opfsNames(page: Page, prefix = ''): Promise<string[]> {
  const names = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const found: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) found.push(name);
    return found;
  });
  return names.filter((name) => name.startsWith(prefix));
}

export async function openBackup(page: Page, path: string): Promise<void> {
  await page.getByLabel('Open backup').setInputFiles(path);
}

export async function unlockWithPassphrase(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

/** Waits until the service worker controls the page, as on a person's second visit. */
export async function untilServiceWorkerControls(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
}

/** As on a first visit or where no service worker runs: the page sees no controller. */
export async function withoutServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => Object.defineProperty(navigator.serviceWorker, 'controller', { get: () => null }));
}

/** Every file of a profile folder, to look for a secret in any encoding. */
export function profileFiles(dir: string): Buffer[] {
  const found: Buffer[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    try {
      found.push(readFileSync(join(entry.parentPath, entry.name)));
    } catch {
      // Sockets and lock files vanish or refuse reads; they hold nothing of the app's.
    }
  }
  return found;
}
