/**
 * What the commands need from a server, whatever the protocol: the size of an object, a byte
 * range of it, and an upload that is never visible half-done. WebDAV and S3 implement it.
 */

import { checkRangeHeaders, readRange } from './bounded.ts';
import { NetworkError, RemoteError, remoteRefused } from './errors.ts';
import { type Fetch, type RefusalContext, refusal, send } from './http.ts';

export interface LocalUpload {
  size: number;
  /** Bytes [start, end) of the local file as a request body that can be sent again on a retry. */
  part(start: number, end: number): Promise<BodyInit>;
  /**
   * The whole file as one request body, never whole in memory: a stream counted in `onSent` in
   * Node, a file's Blob in a browser (whose fetch reports no progress).
   */
  whole(onSent: (bytes: number) => void): BodyInit;
  /** The backup's header, MAC included: read back after the upload and compared. */
  header: Uint8Array;
}

export interface UploadEvents {
  signal?: AbortSignal;
  onRetry?(what: string, attempt: number, of: number): void;
  onProgress?(bytesSent: number, total: number): void;
}

export interface RemoteStore {
  /** The location as shown to the person (never with credentials). */
  readonly display: string;
  /** The size of the object, or undefined when there is none. */
  size(signal?: AbortSignal): Promise<number | undefined>;
  /**
   * Bytes [start, end) as a 206 response whose Content-Range says exactly that range (to the end
   * of the object when end is undefined: the caller checks that against the size it knows); read
   * its body with boundedBody or readRange, which never take more than was asked for.
   */
  range(start: number, end: number | undefined, signal?: AbortSignal): Promise<Response>;
  /** Uploads under a temporary name (or as an incomplete multipart upload), checks, then commits. */
  upload(file: LocalUpload, events: UploadEvents): Promise<void>;
  /** Deletes the object (a place's test file); a missing one is not an error. */
  remove(signal?: AbortSignal): Promise<void>;
}

/** A protocol's authenticated request, with failures mapped to plain messages. */
export class Requester {
  constructor(
    private readonly fetcher: Fetch,
    readonly where: string,
    readonly credentialHint: string,
  ) {}

  /**
   * Sends the request; a network failure is a NetworkError (retried by uploads). Never through
   * the HTTP cache: a browser holding an earlier range of an object that has since changed asks
   * with If-Range and gets the whole object back (200), which read as "no range requests"
   * instead of the change it is; and the cache would keep the backup's bytes on disk.
   */
  send(url: string, init: RequestInit): Promise<Response> {
    return send(this.fetcher, url, { ...init, cache: 'no-store' }, this.where);
  }

  async fail(response: Response, action: string, writing = false): Promise<RemoteError> {
    const context: RefusalContext = { action, where: this.where, credentialHint: this.credentialHint, writing };
    return refusal(response, context);
  }

  /** DELETE; 404 counts as done. */
  async remove(url: string, signal?: AbortSignal): Promise<void> {
    const response = await this.send(url, { method: 'DELETE', signal });
    await response.body?.cancel().catch(() => {});
    if (!response.ok && response.status !== 404) throw await this.fail(response, 'delete from', true);
  }

  /** HEAD: the object's size, or undefined on 404. */
  async headSize(url: string, signal?: AbortSignal): Promise<number | undefined> {
    const response = await this.send(url, { method: 'HEAD', signal });
    if (response.status === 404) return undefined;
    if (!response.ok) {
      // A HEAD answer has no body, so no reason (S3 puts "wrong secret" there): ask again with GET.
      const again = await this.send(url, { method: 'GET', headers: { range: 'bytes=0-0' }, signal });
      throw await this.fail(again.ok ? response : again, 'read');
    }
    const length = Number(response.headers.get('content-length'));
    if (!Number.isSafeInteger(length) || length < 0) {
      throw remoteRefused(`${this.where}: the server did not say how large the object is.`);
    }
    return length;
  }

  /**
   * GET with a Range header; refuses a server that ignores ranges rather than download it all,
   * and a 206 for any other range than the one asked for.
   */
  async getRange(url: string, start: number, end: number | undefined, signal?: AbortSignal): Promise<Response> {
    const range = `bytes=${start}-${end === undefined ? '' : end - 1}`;
    const response = await this.send(url, { method: 'GET', headers: { range }, signal });
    if (response.status === 206) {
      if (end !== undefined) await checkRangeHeaders(response, start, end, this.where);
      return response;
    }
    await response.body?.cancel().catch(() => {});
    if (response.status === 200) {
      throw remoteRefused(
        `${this.where}: the server does not support range requests, which Coffer needs to read just the parts of a backup it uses.`,
      );
    }
    if (response.status === 416) {
      throw new RemoteError(
        'changed',
        `${this.where} is shorter than it was a moment ago: it changed while being read.`,
      );
    }
    throw await this.fail(response, 'read');
  }
}

/** Up to `attempts` tries of `step`, again only after a dropped connection; waits between. */
export async function withRetries<T>(
  what: string,
  attempts: number,
  events: UploadEvents,
  step: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof NetworkError) || attempt >= attempts || events.signal?.aborted) throw error;
      events.onRetry?.(what, attempt + 1, attempts);
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
    }
  }
}

/** Reads back what was uploaded: the size and the header (whose MAC covers every header byte). */
export async function checkUploaded(
  requester: Requester,
  url: string,
  file: LocalUpload,
  signal?: AbortSignal,
): Promise<void> {
  const size = await requester.headSize(url, signal);
  if (size !== file.size) {
    throw remoteRefused(
      `${requester.where}: the uploaded copy is ${size ?? 'no'} bytes, not ${file.size}; it was removed.`,
    );
  }
  const response = await requester.getRange(url, 0, file.header.length, signal);
  const back = await readRange(response, 0, file.header.length, requester.where);
  if (back.some((byte, i) => byte !== file.header[i])) {
    throw remoteRefused(`${requester.where}: the uploaded copy's header does not read back as sent; it was removed.`);
  }
}
