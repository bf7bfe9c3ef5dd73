/**
 * Issue 30: what a person gets on the download path, measured through the built app's own UI in
 * Chromium: from the click to the file complete on disk, for Create backup (no file picker,
 * "Check the backup after writing it" off), Restore all as a .zip, and one restored file. Beside
 * them, in the same browser and run: the same file downloaded as it is, and WebCrypto AES-256-GCM
 * alone on the same bytes (256 KiB chunks, 4 in flight), the ceiling the targets compare with.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium.ts';
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

/** Clicks, then waits for the download to be complete on disk; seconds from the click. */
async function timedDownload(
  page: Page,
  click: () => Promise<void>,
): Promise<{ seconds: number; path: string; streamed: boolean }> {
  const download = page.waitForEvent('download', { timeout: 600_000 });
  const start = performance.now();
  await click();
  const started = await download;
  const path = await started.path();
  // Streamed through the service worker (issue 30), or staged and handed over as a Blob.
  const streamed = new URL(started.url()).pathname.includes('/coffer-download/');
  return { seconds: (performance.now() - start) / 1000, path, streamed };
}

/**
 * WebCrypto AES-256-GCM alone, as many 256 KiB chunks as the file holds, 4 in flight, no I/O:
 * seconds. (Decrypting seals one chunk first and opens it that many times: the same cost per byte.)
 */
function webCryptoCeiling(page: Page, bytes: number, direction: 'encrypt' | 'decrypt'): Promise<number> {
  return page.evaluate(
    async ({ bytes, direction }) => {
      const CHUNK = 256 * 1024;
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const iv = new Uint8Array(12);
      const plain = new Uint8Array(CHUNK);
      for (let i = 0; i < CHUNK; i++) plain[i] = (i * 2654435761) >>> 24;
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain);
      // No named functions in here: the bundler would wrap them in a helper the page does not have.
      const jobs: Promise<ArrayBuffer>[] = [];
      const start = performance.now();
      for (let n = 0; n < Math.ceil(bytes / CHUNK); n++) {
        jobs.push(
          direction === 'encrypt'
            ? crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain)
            : crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed),
        );
        if (jobs.length >= 4) await jobs.shift();
      }
      await Promise.all(jobs);
      return (performance.now() - start) / 1000;
    },
    { bytes, direction },
  );
}

/**
 * The service worker's streamed download alone: the same number of bytes, made up in a worker
 * in 4 MiB pieces (as the app's stream sink batches them), through the app's own registration
 * and download URL, with no crypto or file reading at all. Seconds from the start to the file
 * complete on disk. What the app's streamed rows can at best reach in this browser.
 */
async function streamCeiling(page: Page, bytes: number): Promise<number> {
  const run = await timedDownload(page, () =>
    page.evaluate(async (total) => {
      const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0'));
      const id = hex.join('');
      const channel = new MessageChannel();
      const replies = new MessageChannel();
      const ready = new Promise((resolve) => {
        replies.port1.onmessage = (event) => event.data.type === 'ready' && resolve(true);
      });
      const registration = { type: 'coffer-download', id, name: 'ceiling.bin', size: total };
      navigator.serviceWorker.controller?.postMessage(registration, [channel.port1, replies.port2]);
      await ready;
      const source = `onmessage = (event) => {
        let sent = 0;
        const stream = new ReadableStream({
          pull(controller) {
            if (sent >= ${total}) return controller.close();
            const size = Math.min(4194304, ${total} - sent);
            controller.enqueue(new Uint8Array(size));
            sent += size;
          },
        }, new CountQueuingStrategy({ highWaterMark: 4 }));
        event.data.postMessage(stream, [stream]);
      };`;
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      worker.postMessage(channel.port2, [channel.port2]);
      const frame = Object.assign(document.createElement('iframe'), { hidden: true, src: `./coffer-download/${id}` });
      document.body.append(frame);
    }, bytes),
  );
  if (!run.streamed) throw new Error('the ceiling download did not go through the service worker');
  rmSync(run.path, { force: true });
  return run.seconds;
}

export async function runAppPath(
  data: BenchData,
  work: string,
  repeats: number,
  log: (line: string) => void,
  record: (name: string, value: Figure) => void,
): Promise<void> {
  log('Chromium: the built app through its UI, download path (no file picker)');
  const outDir = join(work, 'app');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await serve(outDir);
  const profile = mkdtempSync(join(tmpdir(), 'coffer-bench-app-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    baseURL: `http://127.0.0.1:${PORT}/`,
  });
  try {
    // As in Firefox and Safari: no pickers, so everything arrives as a download.
    await context.addInitScript(() => {
      const w = window as { showSaveFilePicker?: unknown; showDirectoryPicker?: unknown };
      delete w.showSaveFilePicker;
      delete w.showDirectoryPicker;
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('./');
    // As a person's second visit: the service worker controls the page, so downloads stream.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    const bytes = statSync(data.random).size;
    // A plain file input beside the app's, for the rows without Coffer.
    await page.evaluate(() => {
      const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-file', hidden: true });
      document.body.append(input);
    });
    await page.locator('#bench-file').setInputFiles(data.random);
    record(
      'app.download.plain',
      await repeat(repeats, async () => {
        const run = await timedDownload(page, () =>
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
    record(
      'app.download.streamCeiling',
      await repeat(repeats, async () => ({ seconds: await streamCeiling(page, bytes), bytes })),
    );
    record(
      'app.ceiling.encrypt',
      await repeat(repeats, async () => ({ seconds: await webCryptoCeiling(page, bytes, 'encrypt'), bytes })),
    );
    record(
      'app.ceiling.decrypt',
      await repeat(repeats, async () => ({ seconds: await webCryptoCeiling(page, bytes, 'decrypt'), bytes })),
    );

    const memory = () => sampleRss(() => rendererPids(profile));
    await createAndRestore(page, { input: data.random, label: '', work, repeats, record, memory });
    await rekeyOnDevice(page, data.random, repeats, record);
    // The memory target is for 4 GiB (full runs): once each, with the renderers' growth.
    if (data.big) {
      await page.goto('./');
      await createAndRestore(page, { input: data.big, label: 'Big', work, repeats: 1, record, memory });
    }
  } finally {
    await context.close();
    server.kill();
    rmSync(profile, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}

interface PathRun {
  input: string;
  /** Appended to the row names ('' or 'Big'). */
  label: string;
  work: string;
  repeats: number;
  record: (name: string, value: Figure) => void;
  memory: () => ReturnType<typeof sampleRss>;
}

/** Rows of one download through the UI, with the renderers' memory growth while it ran. */
async function timedRow(
  page: Page,
  memory: PathRun['memory'],
  bytes: number,
  click: () => Promise<void>,
  check: (path: string) => void = () => {},
): Promise<Run> {
  const sample = memory();
  const run = await timedDownload(page, click);
  const { baseline, peak } = sample.stop();
  check(run.path);
  rmSync(run.path, { force: true });
  return {
    seconds: run.seconds,
    bytes,
    extra: { rendererGrowthMiB: (peak - baseline) / 2 ** 20, streamed: run.streamed ? 1 : 0 },
  };
}

async function fillPassphrase(page: Page): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
  await page.getByText('Strong enough').first().waitFor();
}

/** Create backup, then Restore all as a .zip and the one file, each to a finished download. */
async function createAndRestore(page: Page, run: PathRun): Promise<void> {
  const { input, label, work, repeats, record, memory } = run;
  const bytes = statSync(input).size;
  const name = input.split('/').pop() as string;
  await page.getByLabel('Add files').setInputFiles(input);
  await fillPassphrase(page);
  const backup = join(work, `app-backup${label}.coffer`);
  /** Create backup to a finished download, until `done` shows; the form starts fresh after each. */
  const createRow = (done: string | RegExp, check?: (path: string) => void) =>
    repeat(repeats, () =>
      timedRow(page, memory, bytes, () => page.getByRole('button', { name: 'Create backup' }).click(), check).then(
        async (result) => {
          await page.getByText(done).waitFor();
          // The passphrase again for the next attempt.
          await fillPassphrase(page);
          return result;
        },
      ),
    );
  // As most people make it: checked after writing (the default), which is staged: the check reads it back.
  if (!label) record('app.download.createChecked', await createRow('Read back and checked'));
  await page.getByLabel('Check the backup after writing it').uncheck();
  record(
    `app.download.create${label}`,
    await createRow(/Backup ready/, (path) => {
      rmSync(backup, { force: true });
      copyFileSync(path, backup);
    }),
  );
  // Issue 33: repair data (10%) should cost at most 1.3x the same create without it.
  if (!label) {
    await page.getByLabel(/Add repair data/).check();
    record('app.download.createParity', await createRow(/Backup ready/));
    await page.getByLabel(/Add repair data/).uncheck();
  }
  await page.getByLabel('Open backup').setInputFiles(backup);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('button', { name: 'Restore all' }).waitFor();
  record(
    `app.download.restoreZip${label}`,
    await repeat(repeats, () =>
      timedRow(page, memory, bytes, () => page.getByRole('button', { name: 'Restore all' }).click()),
    ),
  );
  record(
    `app.download.restoreOne${label}`,
    await repeat(repeats, () =>
      timedRow(
        page,
        memory,
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
