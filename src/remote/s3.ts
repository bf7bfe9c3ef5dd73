/**
 * S3 and S3-compatible servers, signed by aws4fetch (SigV4). An endpoint (an S3-compatible
 * server) selects path-style addressing, as such servers expect; without one it is AWS itself.
 *
 * Uploads: small backups in one PUT; larger ones as a multipart upload, which S3 keeps invisible
 * until it is completed, each part retried on its own after a dropped connection (the parts
 * already sent stay). Both carry "If-None-Match: *" so that a server that knows it never
 * replaces an existing object; one that does not is covered by the HEAD before.
 */
import { AwsClient } from 'aws4fetch';
import { boundedText } from './bounded.ts';
import {
  checkUploaded,
  type LocalUpload,
  type RemoteStore,
  Requester,
  type UploadEvents,
  withRetries,
} from './client.ts';
import { remoteExists as refused, remoteRefused, remoteUsage as usageError } from './errors.ts';
import { serverAnswer } from './http.ts';
import { MAX_ENTRIES, MAX_LISTING_BYTES, type PlaceEntry, parseListObjects } from './listing.ts';

const MiB = 1024 * 1024;
const MIN_PART = 8 * MiB;
const MAX_PARTS = 10_000;
const PART_ATTEMPTS = 5;

/** Part size: at least 8 MiB, and large enough for the file to fit in 10,000 parts. */
export function partSize(size: number): number {
  return Math.max(MIN_PART, Math.ceil(size / MAX_PARTS / MiB) * MiB);
}

export interface S3Settings {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Empty means us-east-1. */
  region?: string;
  /** An S3-compatible server; empty means AWS. */
  endpoint?: string;
  /** Where the person set these, for messages: "AWS_ENDPOINT_URL", "Endpoint". */
  endpointName: string;
  credentialHint: string;
}

type Addressing = Pick<S3Settings, 'region' | 'endpoint' | 'endpointName'>;

/** The endpoint as a URL (http or https), or undefined for AWS. */
export function endpointUrl({ endpoint, endpointName }: Addressing): URL | undefined {
  if (!endpoint) return undefined;
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    throw usageError(`${endpointName} ${JSON.stringify(endpoint)} is not a URL.`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw usageError(`${endpointName} must start with http:// or https://.`);
  }
  return base;
}

/** The object's URL: path-style on a custom endpoint, virtual-hosted on AWS itself. */
export function objectUrl(bucket: string, key: string, settings: Addressing): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  const base = endpointUrl(settings);
  if (base) return `${base.origin}${base.pathname.replace(/\/$/, '')}/${bucket}/${path}`;
  const region = regionOf(settings);
  // A dotted bucket name does not match the wildcard certificate of virtual-hosted addresses.
  if (bucket.includes('.')) return `https://s3.${region}.amazonaws.com/${bucket}/${path}`;
  return `https://${bucket}.s3.${region}.amazonaws.com/${path}`;
}

function regionOf(settings: Pick<S3Settings, 'region'>): string {
  return settings.region || 'us-east-1';
}

function s3Requester(display: string, settings: S3Settings): Requester {
  const client = new AwsClient({
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    sessionToken: settings.sessionToken || undefined,
    region: regionOf(settings),
    service: 's3',
    retries: 0, // retries are decided here: only after dropped connections, per part
  });
  const fetcher = (target: string, init: RequestInit) => client.fetch(target, { ...init, redirect: 'error' });
  return new Requester(fetcher, display, settings.credentialHint);
}

export function s3Store(bucket: string, key: string, display: string, settings: S3Settings): RemoteStore {
  const url = objectUrl(bucket, key, settings);
  const requester = s3Requester(display, settings);
  return {
    display,
    size: (signal) => requester.headSize(url, signal),
    range: (start, end, signal) => requester.getRange(url, start, end, signal),
    upload: (file, events) => upload(requester, url, file, events),
    remove: (signal) => requester.remove(url, signal),
  };
}

/** The backups directly under `prefix` in the bucket (ListObjectsV2, page by page). */
export async function listS3(
  bucket: string,
  prefix: string,
  display: string,
  settings: S3Settings,
  signal?: AbortSignal,
): Promise<PlaceEntry[]> {
  const requester = s3Requester(display, settings);
  const base = objectUrl(bucket, '', settings);
  const entries: PlaceEntry[] = [];
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ 'list-type': '2', delimiter: '/', prefix });
    if (token) query.set('continuation-token', token);
    const response = await requester.send(`${base}?${query}`, { method: 'GET', signal });
    if (!response.ok) throw await requester.fail(response, 'list');
    const page = parseListObjects(await boundedText(response, MAX_LISTING_BYTES, display), prefix);
    entries.push(...page.entries);
    token = page.next;
  } while (token && entries.length < MAX_ENTRIES);
  return entries.slice(0, MAX_ENTRIES);
}

async function upload(requester: Requester, url: string, file: LocalUpload, events: UploadEvents): Promise<void> {
  const { signal } = events;
  if ((await requester.headSize(url, signal)) !== undefined) {
    throw refused(`${requester.where} already exists; nothing was uploaded.`, 'Choose another name.');
  }
  const part = partSize(file.size);
  if (file.size <= part) {
    const body = await file.part(0, file.size);
    await withRetries('the upload', PART_ATTEMPTS, events, async () => {
      const response = await requester.send(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'if-none-match': '*' },
        body,
        signal,
      });
      await expectOk(requester, response);
    });
    events.onProgress?.(file.size, file.size);
  } else {
    await multipart(requester, url, file, part, events);
  }
  try {
    await checkUploaded(requester, url, file, signal);
  } catch (error) {
    await requester
      .send(url, { method: 'DELETE' })
      .then((response) => response.body?.cancel())
      .catch(() => {});
    throw error;
  }
}

async function expectOk(requester: Requester, response: Response): Promise<void> {
  if (response.status === 412) {
    throw refused(`${requester.where} appeared while uploading; nothing was replaced.`, 'Choose another name.');
  }
  if (!response.ok) throw await requester.fail(response, 'upload to', true);
}

async function multipart(
  requester: Requester,
  url: string,
  file: LocalUpload,
  part: number,
  events: UploadEvents,
): Promise<void> {
  const { signal } = events;
  const started = await withRetries('starting the upload', PART_ATTEMPTS, events, () =>
    requester.send(`${url}?uploads`, { method: 'POST', signal }),
  );
  if (!started.ok) throw await requester.fail(started, 'upload to', true);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await started.text())?.[1];
  if (!uploadId) throw remoteRefused(`${requester.where}: the server did not start a multipart upload.`);
  const query = (extra: string) => `${url}?${extra}uploadId=${encodeURIComponent(uploadId)}`;
  let completed = false;
  try {
    const etags: string[] = [];
    for (let start = 0, number = 1; start < file.size; start += part, number++) {
      const body = await file.part(start, Math.min(file.size, start + part));
      const etag = await withRetries(`part ${number}`, PART_ATTEMPTS, events, async () => {
        const response = await requester.send(query(`partNumber=${number}&`), {
          method: 'PUT',
          body,
          signal,
        });
        await expectOk(requester, response);
        await response.body?.cancel().catch(() => {});
        return response.headers.get('etag') ?? '';
      });
      etags.push(etag);
      events.onProgress?.(Math.min(file.size, start + part), file.size);
    }
    const xml = `<CompleteMultipartUpload>${etags
      .map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`)
      .join('')}</CompleteMultipartUpload>`;
    const response = await requester.send(query(''), {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'if-none-match': '*' },
      body: xml,
      signal,
    });
    await expectOk(requester, response);
    // S3 can answer 200 and still fail the completion: the error is then in the body.
    const answer = await serverAnswer(response);
    if (answer.code) {
      throw remoteRefused(`cannot complete the upload to ${requester.where}: ${answer.code}: ${answer.message ?? ''}`);
    }
    completed = true;
  } finally {
    if (!completed) {
      await requester
        .send(query(''), { method: 'DELETE' })
        .then((response) => response.body?.cancel())
        .catch(() => {});
    }
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
