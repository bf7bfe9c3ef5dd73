/**
 * Issue 30: what a person gets on the download path, measured through the built app's own UI in
 * Chromium and in Firefox: from the click to the file complete on disk, for Create backup (no file
 * picker, "Check the backup after writing it" off), Restore all as a .zip, and one restored file.
 * Beside them, in the same browser and run: the same file downloaded as it is, and WebCrypto
 * AES-256-GCM alone on the same bytes (256 KiB chunks, 4 in flight), the ceiling the targets
 * compare with. Chromium's rows are app.*, Firefox's app.firefox.*.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, firefox, type Page } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium.ts';
import { firefoxPath, firefoxUnavailable } from '../e2e/engines.ts';
import { sampleMemory } from '../e2e/memory.ts';
import { type Engine, streamCeiling, timedDownload, webCryptoCeiling } from './app-download.ts';
import { rekeyOnDevice } from './app-rekey.ts';
import { rendererPids } from './browser-page.ts';
import type { BenchData } from './data.ts';
import { type Figure, type Run, repeat, sampleRss } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PASSPHRASE = 'orbit lantern cactus symphony 42';
const PORT = 4519;

async function serve(dir: string): Promise<ChildProcess> {
  const server = spawn(process.execPath, [join(ROOT, 'scripts/serve.mjs'), '--port', String(PORT), '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    server.stdout?.on('data', (text: Buffer) => text.toString().includes('running at') && ready());
    server.on('exit', (code) => fail(new Error(`scripts/serve.mjs stopped (${code})`)));
  });
  return server;
}

export interface AppPathOptions {
  data: BenchData;
  work: string;
  repeats: number;
  log: (line: string) => void;
  record: (name: string, value: Figure) => void;
  /** Where a row that cannot run here says why. */
  skipped: string[];
  engines: Engine[];
}

/** Builds the app once and serves it, then runs the rows in each engine asked for. */
export async function runAppPath(options: AppPathOptions): Promise<void> {
  const outDir = join(options.work, 'app');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await serve(outDir);
  try {
    for (const engine of options.engines) {
      const unavailable = engine === 'firefox' ? firefoxUnavailable() : undefined;
      if (unavailable) options.skipped.push(`the app's download path in Firefox (${unavailable})`);
      else await runInEngine(engine, options);
    }
  } finally {
    server.kill();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The browser, with its own profile, and a downloads folder the bench can watch (Firefox). */
async function launch(engine: Engine, profile: string, downloads: string): Promise<BrowserContext> {
  const common = { acceptDownloads: true, downloadsPath: downloads, baseURL: `http://127.0.0.1:${PORT}/` };
  if (engine === 'firefox')
    return firefox.launchPersistentContext(profile, {
      ...common,
      executablePath: firefoxPath(),
      channel: 'moz-firefox',
    });
  return chromium.launchPersistentContext(profile, { ...common, executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

async function runInEngine(engine: Engine, options: AppPathOptions): Promise<void> {
  const { data, work, repeats, log, skipped } = options;
  const rows = engine === 'firefox' ? 'app.firefox.' : 'app.';
  const record = (name: string, value: Figure) => options.record(`${rows}${name}`, value);
  log(`${engine === 'firefox' ? 'Firefox' : 'Chromium'}: the built app through its UI, download path (no file picker)`);
  const profile = mkdtempSync(join(tmpdir(), `coffer-bench-app-${engine}-`));
  const downloads = mkdtempSync(join(tmpdir(), `coffer-bench-downloads-${engine}-`));
  const context = await launch(engine, profile, downloads);
  try {
    // As in Firefox and Safari: no pickers, so everything arrives as a download.
    await context.addInitScript(() => {
      const w = window as { showSaveFilePicker?: unknown; showDirectoryPicker?: unknown };
      delete w.showSaveFilePicker;
      delete w.showDirectoryPicker;
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('./');
    // As a person's second visit: the service worker controls the page (in Chromium, downloads stream).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    const bytes = statSync(data.random).size;
    const download = (click: () => Promise<void>) => timedDownload(page, engine, downloads, click);
    // A plain file input beside the app's, for the rows without Coffer.
    await page.evaluate(() => {
      const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-file', hidden: true });
      document.body.append(input);
    });
    await page.locator('#bench-file').setInputFiles(data.random);
    record(
      'download.plain',
      await repeat(repeats, async () => {
        const run = await download(() =>
          page.evaluate(() => {
            const file = (document.getElementById('bench-file') as HTMLInputElement).files?.[0] as File;
            const link = Object.assign(document.createElement('a'), {
              href: URL.createObjectURL(file),
              download: 'plain.bin',
            });
            link.click();
          }),
        );
        rmSync(run.path, { force: true });
        return { seconds: run.seconds, bytes };
      }),
    );
    // The app streams through its service worker in Chromium only (src/ui/shared/download.ts).
    if (engine === 'chromium')
      record(
        'download.streamCeiling',
        await repeat(repeats, async () => ({ seconds: await streamCeiling(page, bytes), bytes })),
      );
    record(
      'ceiling.encrypt',
      await repeat(repeats, async () => ({ seconds: await webCryptoCeiling(page, bytes, 'encrypt'), bytes })),
    );
    record(
      'ceiling.decrypt',
      await repeat(repeats, async () => ({ seconds: await webCryptoCeiling(page, bytes, 'decrypt'), bytes })),
    );

    const memory = memorySampler(engine, profile);
    const path = { page, download, work, repeats, record, memory };
    await createAndRestore({ ...path, input: data.random, label: '' });
    if (engine === 'chromium') await rekeyOnDevice(page, data.random, repeats, options.record);
    else skipped.push('"Change how it unlocks" on this device in Firefox (measured in Chromium only)');
    // The memory target is for 4 GiB (full runs): once each, with the browser's growth.
    if (data.big) {
      await page.goto('./');
      await createAndRestore({ ...path, input: data.big, label: 'Big', repeats: 1 });
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(downloads, { recursive: true, force: true });
  }
}

/**
 * The browser's memory growth while a row runs, in bytes: Chromium's renderers together; in
 * Firefox the content process that grew most (the page's; e2e/memory.ts says why).
 */
function memorySampler(engine: Engine, profile: string): () => { stop(): number } {
  if (engine === 'firefox') return () => sampleMemory(profile);
  return () => {
    const sample = sampleRss(() => rendererPids(profile));
    return {
      stop() {
        const { baseline, peak } = sample.stop();
        return peak - baseline;
      },
    };
  };
}

interface PathRun {
  page: Page;
  download: (click: () => Promise<void>) => ReturnType<typeof timedDownload>;
  input: string;
  /** Appended to the row names ('' or 'Big'). */
  label: string;
  work: string;
  repeats: number;
  /** Records a row under this engine's prefix. */
  record: (name: string, value: Figure) => void;
  memory: () => { stop(): number };
}

/** Rows of one download through the UI, with the browser's memory growth while it ran. */
async function timedRow(run: PathRun, bytes: number, click: () => Promise<void>, check = (_path: string) => {}) {
  const sample = run.memory();
  const finished = await run.download(click);
  const growth = sample.stop();
  check(finished.path);
  rmSync(finished.path, { force: true });
  const extra: Record<string, number> = { rendererGrowthMiB: growth / 2 ** 20 };
  if (finished.streamed !== undefined) extra.streamed = finished.streamed ? 1 : 0;
  return { seconds: finished.seconds, bytes, extra } satisfies Run;
}

async function fillPassphrase(page: Page): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
  await page.getByText('Strong enough').first().waitFor();
}

/** Create backup, then Restore all as a .zip and the one file, each to a finished download. */
async function createAndRestore(run: PathRun): Promise<void> {
  const { page, input, label, work, repeats, record } = run;
  const bytes = statSync(input).size;
  const name = input.split('/').pop() as string;
  await page.getByLabel('Add files').setInputFiles(input);
  await fillPassphrase(page);
  const backup = join(work, `app-backup${label}.coffer`);
  /** Create backup to a finished download, until `done` shows; the form starts fresh after each. */
  const createRow = (done: string | RegExp, check?: (path: string) => void) =>
    repeat(repeats, () =>
      timedRow(run, bytes, () => page.getByRole('button', { name: 'Create backup' }).click(), check).then(
        async (result) => {
          await page.getByText(done).waitFor();
          // The passphrase again for the next attempt.
          await fillPassphrase(page);
          return result;
        },
      ),
    );
  // As most people make it: checked after writing (the default), which is staged: the check reads it back.
  if (!label) record('download.createChecked', await createRow('Read back and checked'));
  await page.getByLabel('Check the backup after writing it').uncheck();
  record(
    `download.create${label}`,
    await createRow(/Backup ready/, (path) => {
      rmSync(backup, { force: true });
      copyFileSync(path, backup);
    }),
  );
  // Issue 33: repair data (10%) should cost at most 1.3x the same create without it.
  if (!label) {
    await page.getByLabel(/Add repair data/).check();
    record('download.createParity', await createRow(/Backup ready/));
    await page.getByLabel(/Add repair data/).uncheck();
  }
  await page.getByLabel('Open backup').setInputFiles(backup);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('button', { name: 'Restore all' }).waitFor();
  record(
    `download.restoreZip${label}`,
    await repeat(repeats, () => timedRow(run, bytes, () => page.getByRole('button', { name: 'Restore all' }).click())),
  );
  record(
    `download.restoreOne${label}`,
    await repeat(repeats, () =>
      timedRow(
        run,
        bytes,
        () => page.getByRole('button', { name: `Download ${name}` }).click(),
        (path) => {
          if (statSync(path).size !== bytes) throw new Error('the restored file is not the size of the input');
        },
      ),
    ),
  );
  rmSync(backup, { force: true });
}
