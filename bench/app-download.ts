/**
 * How the app-path bench sees a download complete on disk, in Chromium and in Firefox, and the
 * ceilings its rows compare with (WebCrypto alone, the service worker's stream alone).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

export type Engine = 'chromium' | 'firefox';

export interface FinishedDownload {
  seconds: number;
  path: string;
  /** Streamed through the service worker (issue 30); undefined where the bench cannot tell. */
  streamed: boolean | undefined;
}

/**
 * Clicks, then waits for the download to be complete on disk; seconds from the click.
 *
 * Chromium reports every download to Playwright. Playwright's Firefox driver does not report a
 * download of a Blob (the app's staged path), so in Firefox the downloads folder is watched
 * instead: Firefox writes `name.XXXX.part` beside an empty `name` and renames the part over it
 * when the last byte is written, so a new file that is not empty, with no `.part` left, is a
 * finished download.
 */
export async function timedDownload(
  page: Page,
  engine: Engine,
  downloads: string,
  click: () => Promise<void>,
): Promise<FinishedDownload> {
  return engine === 'firefox' ? timedFolderDownload(downloads, click) : timedEventDownload(page, click);
}

/** The download Playwright reports (Chromium's, and any not of a Blob), complete on disk. */
async function timedEventDownload(page: Page, click: () => Promise<void>): Promise<FinishedDownload> {
  const download = page.waitForEvent('download', { timeout: 600_000 });
  const start = performance.now();
  await click();
  const started = await download;
  const path = await started.path();
  const streamed = new URL(started.url()).pathname.includes('/coffer-download/');
  return { seconds: (performance.now() - start) / 1000, path, streamed };
}

async function timedFolderDownload(folder: string, click: () => Promise<void>): Promise<FinishedDownload> {
  const before = new Set(readdirSync(folder));
  const start = performance.now();
  await click();
  for (;;) {
    const names = readdirSync(folder);
    const parts = names.some((name) => name.endsWith('.part'));
    const added = names.filter((name) => !before.has(name) && !name.endsWith('.part'));
    const done = !parts && added.find((name) => statSync(join(folder, name)).size > 0);
    if (done) return { seconds: (performance.now() - start) / 1000, path: join(folder, done), streamed: undefined };
    if (performance.now() - start > 600_000) throw new Error('no download finished in 600 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * WebCrypto AES-256-GCM alone, as many 256 KiB chunks as the file holds, 4 in flight, no I/O:
 * seconds. (Decrypting seals one chunk first and opens it that many times: the same cost per byte.)
 */
export function webCryptoCeiling(page: Page, bytes: number, direction: 'encrypt' | 'decrypt'): Promise<number> {
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
 * in 4 MiB batches (as the app's stream sink sends them), through the app's own registration
 * and download URL, with no crypto or file reading at all. Seconds from the start to the file
 * complete on disk. What the app's streamed rows can at best reach in this browser.
 */
export async function streamCeiling(page: Page, bytes: number): Promise<number> {
  const run = await timedEventDownload(page, () =>
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
      // The app's stream sink's protocol (download-messages.ts): transferred batches, four in
      // flight, buffers given back filled again.
      const source = `onmessage = (event) => {
        const port = event.data;
        let sent = 0;
        let inFlight = 0;
        let ended = false;
        const spares = [];
        const pump = () => {
          for (; inFlight < 4 && sent < ${total}; inFlight++) {
            const size = Math.min(4194304, ${total} - sent);
            const spare = spares.pop();
            const bytes = spare && spare.byteLength === size ? spare : new ArrayBuffer(size);
            port.postMessage({ type: 'batch', bytes }, [bytes]);
            sent += size;
          }
          if (sent >= ${total} && !ended) port.postMessage({ type: 'end' });
          ended = sent >= ${total};
        };
        port.onmessage = (reply) => {
          if (reply.data.type === 'taken') inFlight--;
          if (reply.data.spare) spares.push(reply.data.spare);
          pump();
        };
        pump();
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
