/**
 * S3 and S3-compatible servers, signed by aws4fetch (SigV4). Settings come only from the standard
 * variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_REGION, and
 * AWS_ENDPOINT_URL, which selects path-style addressing as S3-compatible servers expect.
 *
 * Uploads: small backups in one PUT; larger ones as a multipart upload, which S3 keeps invisible
 * until it is completed, each part retried on its own after a dropped connection (the parts
 * already sent stay). Both carry "If-None-Match: *" so that a server that knows it never
 * replaces an existing object; one that does not is covered by the HEAD before.
 */
import { AwsClient } from 'aws4fetch';
import { CliError, EXIT, refused, usageError } from '../exit-codes.ts';
import {
  checkUploaded,
  type LocalUpload,
  type RemoteStore,
  Requester,
  type UploadEvents,
  withRetries,
} from './client.ts';
import { serverAnswer } from './http.ts';

const MiB = 1024 * 1024;
const MIN_PART = 8 * MiB;
const MAX_PARTS = 10_000;
const PART_ATTEMPTS = 5;
const CREDENTIAL_HINT = 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION, AWS_ENDPOINT_URL)';

/** Part size: at least 8 MiB, and large enough for the file to fit in 10,000 parts. */
export function partSize(size: number): number {
  return Math.max(MIN_PART, Math.ceil(size / MAX_PARTS / MiB) * MiB);
}

/** The object's URL: path-style on a custom endpoint, virtual-hosted on AWS itself. */
export function objectUrl(bucket: string, key: string, env: NodeJS.ProcessEnv): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  if (endpoint) {
    let base: URL;
    try {
      base = new URL(endpoint);
    } catch {
      throw usageError(`AWS_ENDPOINT_URL ${JSON.stringify(endpoint)} is not a URL.`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw usageError('AWS_ENDPOINT_URL must start with http:// or https://.');
    }
    return `${base.origin}${base.pathname.replace(/\/$/, '')}/${bucket}/${path}`;
  }
  const region = regionOf(env);
  // A dotted bucket name does not match the wildcard certificate of virtual-hosted addresses.
  if (bucket.includes('.')) return `https://s3.${region}.amazonaws.com/${bucket}/${path}`;
  return `https://${bucket}.s3.${region}.amazonaws.com/${path}`;
}

function regionOf(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

export function s3Store(
  bucket: string,
  key: string,
  display: string,
  env: NodeJS.ProcessEnv = process.env,
): RemoteStore {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw usageError(
      'S3 needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      'For an S3-compatible server also set AWS_ENDPOINT_URL (and AWS_REGION if it needs one).',
    );
  }
  const client = new AwsClient({
    accessKeyId,
    secretAccessKey,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
    region: regionOf(env),
    service: 's3',
    retries: 0, // retries are decided here: only after dropped connections, per part
  });
  const url = objectUrl(bucket, key, env);
  const fetcher = (target: string, init: RequestInit) => client.fetch(target, { ...init, redirect: 'error' });
  const requester = new Requester(fetcher, display, CREDENTIAL_HINT);
  return {
    display,
    size: (signal) => requester.headSize(url, signal),
    range: (start, end, signal) => requester.getRange(url, start, end, signal),
    upload: (file, events) => upload(requester, url, file, events),
  };
}

async function upload(requester: Requester, url: string, file: LocalUpload, events: UploadEvents): Promise<void> {
  const { signal } = events;
  if ((await requester.headSize(url, signal)) !== undefined) {
    throw refused(`${requester.where} already exists; nothing was uploaded.`, 'Choose another name.');
  }
  const part = partSize(file.size);
  if (file.size <= part) {
    const body = await file.read(0, file.size);
    await withRetries('the upload', PART_ATTEMPTS, events, async () => {
      const response = await requester.send(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'if-none-match': '*' },
        body: body as Uint8Array<ArrayBuffer>,
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
  if (!uploadId) throw new CliError(EXIT.other, `${requester.where}: the server did not start a multipart upload.`);
  const query = (extra: string) => `${url}?${extra}uploadId=${encodeURIComponent(uploadId)}`;
  let completed = false;
  try {
    const etags: string[] = [];
    for (let start = 0, number = 1; start < file.size; start += part, number++) {
      const body = await file.read(start, Math.min(file.size, start + part));
      const etag = await withRetries(`part ${number}`, PART_ATTEMPTS, events, async () => {
        const response = await requester.send(query(`partNumber=${number}&`), {
          method: 'PUT',
          body: body as Uint8Array<ArrayBuffer>,
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
      throw new CliError(
        EXIT.other,
        `cannot complete the upload to ${requester.where}: ${answer.code}: ${answer.message ?? ''}`,
      );
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
