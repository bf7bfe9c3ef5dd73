/**
 * Downloads, whichever engine runs the test. Chromium reports blob downloads as Playwright
 * `download` events. Playwright's Firefox driver (WebDriver BiDi) does not, so in Firefox the
 * page gets a test-only observer that the app's real `downloadBlob` calls with the very Blob it
 * hands to the browser (src/ui/shared/download.ts); the bytes are then copied out of the page.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { BrowserContext, Download, Page } from '@playwright/test';

/** What a test needs of a download: its name and its bytes on disk. */
export interface DownloadedFile {
  suggestedFilename(): string;
  saveAs(path: string): Promise<void>;
}

interface Observed {
  __cofferDownloads: { blob: Blob; name: string }[];
  __cofferDownloadObserver?: (blob: Blob, name: string) => void;
}

const observed = new WeakSet<BrowserContext>();

export async function installDownloadObserver(context: BrowserContext): Promise<void> {
  observed.add(context);
  await context.addInitScript(() => {
    const w = window as unknown as Observed;
    w.__cofferDownloads = [];
    w.__cofferDownloadObserver = (blob, name) => w.__cofferDownloads.push({ blob, name });
  });
}

const isObserved = (page: Page) => observed.has(page.context());

function downloadCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as Observed).__cofferDownloads.length);
}

/**
 * The next download the page starts. Call it before the click that starts the download, as
 * with `page.waitForEvent('download')`.
 */
export function nextDownload(page: Page, options: { timeout?: number } = {}): Promise<DownloadedFile> {
  if (!isObserved(page)) return page.waitForEvent('download', options);
  return observedDownload(page, options.timeout ?? 60_000);
}

async function observedDownload(page: Page, timeout: number): Promise<DownloadedFile> {
  const index = await downloadCount(page);
  await page.waitForFunction((n) => (window as unknown as Observed).__cofferDownloads.length > n, index, {
    timeout,
    polling: 100,
  });
  const name = await page.evaluate((n) => (window as unknown as Observed).__cofferDownloads[n].name, index);
  return { suggestedFilename: () => name, saveAs: (path) => copyOut(page, index, path) };
}

const PIECE = 8 * 1024 * 1024;

/** Copies the Blob out of the page in pieces, so a large file never sits in one string. */
async function copyOut(page: Page, index: number, path: string): Promise<void> {
  writeFileSync(path, new Uint8Array(0));
  for (let offset = 0; ; offset += PIECE) {
    const base64 = await page.evaluate(
      async ({ n, start, length }) => {
        const { blob } = (window as unknown as Observed).__cofferDownloads[n];
        if (start >= blob.size) return undefined;
        const bytes = new Uint8Array(await blob.slice(start, start + length).arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(binary);
      },
      { n: index, start: offset, length: PIECE },
    );
    if (base64 === undefined) return;
    appendFileSync(path, Buffer.from(base64, 'base64'));
  }
}

/** How many downloads the page has completed since this was called (for "nothing was downloaded"). */
export async function downloadCounter(page: Page): Promise<() => Promise<number>> {
  if (isObserved(page)) {
    const start = await downloadCount(page);
    return async () => (await downloadCount(page)) - start;
  }
  // A streamed download that broke off (issue 30) is marked failed by the browser and hands over
  // nothing: only the ones that completed count.
  const started: Download[] = [];
  page.on('download', (download) => started.push(download));
  return async () => {
    const failures = await Promise.all(started.map((download) => download.failure()));
    return failures.filter((failure) => failure === null).length;
  };
}
