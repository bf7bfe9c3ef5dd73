/**
 * WebDAV (RFC 4918): HEAD for the size, GET with Range for reading, and for uploads a PUT under a
 * hidden temporary name in the same folder, read back and checked, then MOVE with
 * "Overwrite: F" so that an existing backup of that name is never replaced (412: exit 5).
 * Generic WebDAV has no standard for partial PUTs, so a dropped connection restarts the PUT.
 */

import { toHex } from '../core/bytes.ts';
import { boundedText } from './bounded.ts';
import {
  checkUploaded,
  type LocalUpload,
  type RemoteStore,
  Requester,
  type UploadEvents,
  withRetries,
} from './client.ts';
import { NetworkError, remoteExists as refused, remoteRefused } from './errors.ts';
import type { Fetch } from './http.ts';
import { MAX_LISTING_BYTES, type PlaceEntry, parsePropfind } from './listing.ts';

const PUT_ATTEMPTS = 5;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Basic credentials over plain HTTP to another machine can be read on the way: say so. */
export function plainHttpWarning(url: URL, withCredentials: boolean): string | undefined {
  if (!withCredentials || url.protocol !== 'http:' || LOOPBACK.test(url.hostname)) return undefined;
  return `the WebDAV password goes to ${url.host} over plain HTTP, readable by anyone on the way; use webdav+https:// if the server has it.`;
}

export interface WebDavCredentials {
  user: string;
  password: string;
}

/** HTTP Basic's header value: base64 of the UTF-8 bytes of "user:password". */
export function basicAuthorization({ user, password }: WebDavCredentials): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  bytes.fill(0);
  return `Basic ${btoa(binary)}`;
}

/**
 * A WebDAV object. `credentialHint` names where the person set the credentials, for the message
 * when the server refuses them.
 */
export function webDavStore(
  url: URL,
  display: string,
  credentials: WebDavCredentials | undefined,
  credentialHint: string,
): RemoteStore {
  const requester = new Requester(webDavFetcher(credentials), display, credentialHint);
  const href = url.href;
  return {
    display,
    size: (signal) => requester.headSize(href, signal),
    range: (start, end, signal) => requester.getRange(href, start, end, signal),
    upload: (file, events) => upload(requester, url, file, events),
    remove: (signal) => requester.remove(href, signal),
  };
}

function webDavFetcher(credentials: WebDavCredentials | undefined): Fetch {
  const authorization = credentials === undefined ? undefined : basicAuthorization(credentials);
  return (target: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    if (authorization) headers.set('authorization', authorization);
    return fetch(target, { ...init, headers, redirect: 'error' });
  };
}

const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><resourcetype/><getcontentlength/><getlastmodified/></prop></propfind>';

/** The backups directly in the folder `folder` (a PROPFIND with Depth: 1). */
export async function listWebDav(
  folder: URL,
  display: string,
  credentials: WebDavCredentials | undefined,
  credentialHint: string,
  signal?: AbortSignal,
): Promise<PlaceEntry[]> {
  const requester = new Requester(webDavFetcher(credentials), display, credentialHint);
  const response = await requester.send(folder.href, {
    method: 'PROPFIND',
    headers: { depth: '1', 'content-type': 'application/xml; charset=utf-8' },
    body: PROPFIND_BODY,
    signal,
  });
  if (response.status !== 207) {
    if (response.ok) await response.body?.cancel().catch(() => {});
    throw response.ok
      ? remoteRefused(`${display}: the server did not list the folder (it answered ${response.status}, not 207).`)
      : await requester.fail(response, 'list');
  }
  const xml = await boundedText(response, MAX_LISTING_BYTES, display);
  return parsePropfind(xml, decodeURIComponent(folder.pathname));
}

async function upload(requester: Requester, url: URL, file: LocalUpload, events: UploadEvents): Promise<void> {
  const { signal } = events;
  if ((await requester.headSize(url.href, signal)) !== undefined) {
    throw refused(`${requester.where} already exists; nothing was uploaded.`, 'Choose another name.');
  }
  const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const folder = url.pathname.slice(0, -name.length);
  // A fresh temporary name for each try: a server may still hold the dropped try's file locked
  // (rclone answers 423 for a while).
  const temporaries: string[] = [];
  const nextTemporary = () => {
    const temporary = new URL(url.href);
    temporary.pathname = `${folder}.${name}.coffer-upload-${toHex(crypto.getRandomValues(new Uint8Array(6)))}`;
    temporaries.push(temporary.href);
    return temporary.href;
  };
  let committed = false;
  try {
    let temporary = '';
    await withRetries('the upload', PUT_ATTEMPTS, events, () => {
      temporary = nextTemporary();
      return put(requester, temporary, file, events);
    });
    await checkUploaded(requester, temporary, file, signal);
    const moved = await requester.send(temporary, {
      method: 'MOVE',
      headers: { destination: url.href, overwrite: 'F' },
      signal,
    });
    if (moved.status === 412) {
      throw refused(`${requester.where} appeared while uploading; nothing was replaced.`, 'Choose another name.');
    }
    if (!moved.ok) throw await requester.fail(moved, 'rename the upload at', true);
    await moved.body?.cancel().catch(() => {});
    committed = true;
    const size = await requester.headSize(url.href, signal);
    if (size !== file.size) {
      throw remoteRefused(`${requester.where}: after renaming, the server reports ${size ?? 'no'} bytes.`);
    }
  } finally {
    // Nothing partial is left: every temporary object goes (the one moved into place is gone already).
    const leftovers = committed ? temporaries.slice(0, -1) : temporaries;
    for (const leftover of leftovers) {
      await requester
        .send(leftover, { method: 'DELETE' })
        .then((response) => response.body?.cancel())
        .catch(() => {});
    }
  }
}

async function put(requester: Requester, target: string, file: LocalUpload, events: UploadEvents): Promise<void> {
  const response = await requester.send(target, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.size) },
    body: file.whole((sent) => events.onProgress?.(sent, file.size)),
    duplex: 'half',
    signal: events.signal,
  } as RequestInit);
  if (response.status === 423) {
    // Still locked by the try whose connection dropped (rclone keeps it a moment): try again.
    await response.body?.cancel().catch(() => {});
    throw new NetworkError(`${requester.where} is still locked by the try that was cut off.`);
  }
  if (response.status === 409) {
    throw remoteRefused(`cannot upload to ${requester.where}: the folder does not exist on the server.`);
  }
  if (!response.ok) throw await requester.fail(response, 'upload to', true);
  await response.body?.cancel().catch(() => {});
}
