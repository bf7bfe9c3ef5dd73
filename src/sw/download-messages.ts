/**
 * The messages between the page and the service worker for a streamed download (issue 30): the
 * page registers a download under a random id with two ports, the worker sends the bytes in
 * batches over the first, and the service worker answers the download's URL with them.
 */

/** Where the service worker answers a registered download; the id follows. */
export const DOWNLOAD_PATH = 'coffer-download/';

/** 128 random bits in hex (random-id.ts): a page cannot guess another download's id. */
export { RANDOM_ID as DOWNLOAD_ID } from './random-id.ts';

/** Page → service worker, with `[bytes, reply]` ports: the worker posts its batches on `bytes`. */
export interface RegisterDownload {
  type: 'coffer-download';
  id: string;
  name: string;
  /** The exact length when known: a download cut short is then marked failed by the browser. */
  size?: number;
}

/** Page → service worker: stop this download and mark it failed (the worker was stopped). */
export interface AbortDownload {
  type: 'coffer-download-abort';
  id: string;
}

/** Page → service worker while a download runs: each message keeps an idle service worker alive. */
export interface KeepDownloadAlive {
  type: 'coffer-download-ping';
}

export type DownloadMessage = RegisterDownload | AbortDownload | KeepDownloadAlive;

/**
 * Worker → service worker, on the `bytes` port. Each batch's buffer is transferred, not copied.
 * Batches rather than a transferred ReadableStream: Chromium 150 carried a transferred stream at
 * about 300 MB/s into a download, and buffers posted on a port at about 500 MB/s, the speed of
 * bytes made in the service worker itself (512 MiB to 2 GiB, 1 to 8 MiB pieces).
 */
export type BatchMessage =
  | { type: 'batch'; bytes: ArrayBuffer }
  /** The last batch was sent: the download is complete once it is taken. */
  | { type: 'end' }
  /** The worker failed: the download must be marked failed. */
  | { type: 'error'; reason: string };

/**
 * Service worker → worker, on the `bytes` port. `taken`: a batch was handed to the download (the
 * worker keeps a few in flight, so memory stays flat), with an earlier batch's buffer to fill
 * again once the download is done with it. `stopped`: the download is gone; writing must stop.
 */
export type BatchReply = { type: 'taken'; spare?: ArrayBuffer } | { type: 'stopped' };

/** Service worker → page, on the reply port. */
export type DownloadReply = { type: 'ready' } | { type: 'finished' } | { type: 'failed'; reason: string };

/**
 * A Content-Disposition that names the file in every browser: an ASCII stand-in for old ones,
 * and the exact name in RFC 5987 form.
 */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_') || 'download';
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
