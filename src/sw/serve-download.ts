/**
 * Streamed downloads in the service worker (issue 30). The page registers a download; the Coffer
 * worker posts its output in batches; the service worker answers the download's URL with those
 * bytes as an attachment. Nothing is staged: the bytes go from the worker to the browser's
 * download as they are made.
 *
 * A download that breaks off never looks finished: a failure in the worker, a page that stopped
 * it, or a page that went away errors the response, and the browser marks the download failed.
 * Where the length is known it is sent, so a short body cannot pass for a whole one.
 */
import {
  type AbortDownload,
  attachmentHeader,
  type BatchMessage,
  type BatchReply,
  DOWNLOAD_ID,
  type DownloadReply,
  type RegisterDownload,
} from './download-messages.ts';

interface PendingDownload {
  name: string;
  size?: number;
  /** What the response sends; fed by the worker's stream once it arrives. */
  body: ReadableStream<Uint8Array>;
  stop(reason: string): void;
  /** The page that registered it: when it is gone, the download is stopped. */
  clientId?: string;
  /** Its URL has been answered: it is never answered again. */
  fetched: boolean;
}

/** Every download registered and not yet ended, fetched or not. */
const running = new Map<string, PendingDownload>();

/** A registration older than this without its fetch is dropped (the page never navigated). */
const UNFETCHED_MS = 60_000;
const CLIENT_CHECK_MS = 5_000;

function reply(port: MessagePort, message: DownloadReply): void {
  port.postMessage(message);
}

/** Takes a registration from the page; answers `ready` on the reply port once it can be fetched. */
export function registerDownload(message: RegisterDownload, ports: readonly MessagePort[], clientId?: string): void {
  const [bytes, replyPort] = ports;
  if (!bytes || !replyPort || !DOWNLOAD_ID.test(message.id) || typeof message.name !== 'string') return;
  let ended = false;
  const end = (outcome: DownloadReply) => {
    if (ended) return;
    ended = true;
    running.delete(message.id);
    reply(replyPort, outcome);
    replyPort.close();
  };
  const batches = receiveBatches(bytes, end);
  const download: PendingDownload = {
    name: message.name,
    size: Number.isSafeInteger(message.size) && (message.size as number) >= 0 ? message.size : undefined,
    body: batches.body,
    clientId,
    fetched: false,
    stop: batches.stop,
  };
  running.set(message.id, download);
  watchClients();
  setTimeout(() => {
    if (!download.fetched) download.stop('The download was never started.');
  }, UNFETCHED_MS);
  reply(replyPort, { type: 'ready' });
}

/** Chunks handed to the download that are not yet given back (see `pull`). */
const KEPT_BY_THE_DOWNLOAD = 2;

/**
 * The response body fed by the worker's batches (download-messages.ts). Each batch taken into the
 * body is acknowledged, so the worker sends the next; errors carry across both ways: a failed
 * worker fails the download, and a download cancelled in the browser stops the worker's writes.
 * `stop` is the one way it fails: the body errors, the worker is told, and `end` says why.
 */
function receiveBatches(port: MessagePort, end: (outcome: DownloadReply) => void) {
  const queue: Uint8Array<ArrayBuffer>[] = [];
  /** Chunks handed to the download, newest last, until their buffers go back to the worker. */
  const given: Uint8Array<ArrayBuffer>[] = [];
  let last = false;
  let gone = false;
  let wake: (() => void) | undefined;
  let body!: ReadableStreamDefaultController<Uint8Array>;
  const send = (message: BatchReply, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  const stop = (reason: string) => {
    if (gone) return;
    gone = true;
    queue.length = 0;
    body.error(new Error(reason));
    send({ type: 'stopped' });
    port.close();
    wake?.();
    end({ type: 'failed', reason });
  };
  port.onmessage = (event: MessageEvent<BatchMessage>) => {
    const message = event.data;
    // Stopped before the worker's bytes arrived: its next write then fails instead of waiting.
    if (gone) return send({ type: 'stopped' });
    if (message?.type === 'batch' && message.bytes instanceof ArrayBuffer) queue.push(new Uint8Array(message.bytes));
    else if (message?.type === 'end') last = true;
    else if (message?.type === 'error')
      stop(typeof message.reason === 'string' ? message.reason : 'The download failed.');
    wake?.();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        body = controller;
      },
      async pull(controller) {
        while (!gone && !last && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        if (gone) return;
        const batch = queue.shift();
        if (batch) {
          controller.enqueue(batch);
          given.push(batch);
          // Chromium's download reads one chunk, copies it out, and only then asks for the next
          // (so this stream keeps no queue: highWaterMark 0). A chunk two reads back is done with
          // twice over: its buffer goes back to the worker to be filled again.
          const spare = given.length > KEPT_BY_THE_DOWNLOAD ? given.shift()?.buffer : undefined;
          send({ type: 'taken', spare }, spare ? [spare] : []);
        } else {
          controller.close();
          port.close();
          end({ type: 'finished' });
        }
      },
      cancel(reason) {
        // The person cancelled the download in the browser.
        stop(reason instanceof Error ? reason.message : 'The download was cancelled.');
      },
    },
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
  return { body: stream, stop };
}

export function abortDownload(message: AbortDownload): void {
  running.get(message.id)?.stop('Stopped by the page.');
}

/** The response for a download URL: the registered bytes, once; 404 for anything else. */
export function downloadResponse(id: string): Response {
  const download = running.get(id);
  if (!download || download.fetched) {
    return new Response('This download is no longer available.', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  download.fetched = true;
  const headers = new Headers({
    'content-type': 'application/octet-stream',
    'content-disposition': attachmentHeader(download.name),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  });
  if (download.size !== undefined) headers.set('content-length', String(download.size));
  return new Response(download.body, { headers });
}

let clientAlive: (id: string) => Promise<unknown> = async () => true;
let watching: ReturnType<typeof setInterval> | undefined;

/** How the service worker asks whether a page is still open (its `clients.get`). */
export function setClientCheck(check: (id: string) => Promise<unknown>): void {
  clientAlive = check;
}

/**
 * Stops the downloads of pages that went away (a closed tab stops its worker, whose stream then
 * never ends): a check every few seconds while any download runs.
 */
function watchClients(): void {
  watching ??= setInterval(async () => {
    for (const download of [...running.values()]) {
      if (download.clientId && !(await clientAlive(download.clientId))) download.stop('The page was closed.');
    }
    if (running.size === 0) {
      clearInterval(watching);
      watching = undefined;
    }
  }, CLIENT_CHECK_MS);
}

/** How many downloads are registered and not ended (for tests). */
export function runningDownloads(): number {
  return running.size;
}
