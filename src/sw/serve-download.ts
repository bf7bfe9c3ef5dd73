/**
 * Streamed downloads in the service worker (issue 30). The page registers a download; the Coffer
 * worker hands its output over as a ReadableStream; the service worker answers the download's URL
 * with those bytes as an attachment. Nothing is staged: the bytes go from the worker to the
 * browser's download as they are made.
 *
 * A download that breaks off never looks finished: a failure in the worker, a page that stopped
 * it, or a page that went away errors the response, and the browser marks the download failed.
 * Where the length is known it is sent, so a short body cannot pass for a whole one.
 */
import {
  type AbortDownload,
  attachmentHeader,
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
  const { readable: body, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const stopper = new AbortController();
  let ended = false;
  const end = (outcome: DownloadReply) => {
    if (ended) return;
    ended = true;
    running.delete(message.id);
    reply(replyPort, outcome);
    replyPort.close();
    bytes.close();
  };
  const download: PendingDownload = {
    name: message.name,
    size: Number.isSafeInteger(message.size) && (message.size as number) >= 0 ? message.size : undefined,
    body,
    clientId,
    fetched: false,
    stop(reason) {
      stopper.abort(new Error(reason));
      // Before the worker's stream arrived there is no pipe to abort: error the body directly.
      writable.abort(new Error(reason)).catch(() => {});
      end({ type: 'failed', reason });
    },
  };
  bytes.onmessage = (event: MessageEvent<unknown>) => {
    const source = event.data;
    if (!(source instanceof ReadableStream)) return;
    // Stopped before the bytes arrived: the worker's next write then fails instead of waiting.
    if (ended) return void source.cancel('The download was stopped.').catch(() => {});
    // Errors on either side carry across: a failed worker fails the download, a download
    // cancelled in the browser cancels the worker's stream (its next write throws).
    source.pipeTo(writable, { signal: stopper.signal }).then(
      () => end({ type: 'finished' }),
      (error: unknown) => end({ type: 'failed', reason: error instanceof Error ? error.message : String(error) }),
    );
  };
  running.set(message.id, download);
  watchClients();
  setTimeout(() => {
    if (!download.fetched) download.stop('The download was never started.');
  }, UNFETCHED_MS);
  reply(replyPort, { type: 'ready' });
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
