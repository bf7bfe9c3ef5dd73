/**
 * Where a backup is: a local path, `webdav+http(s)://HOST[:PORT]/PATH`, or `s3://BUCKET/KEY`.
 * Credentials never come from the location (they would end up in shell history and process
 * lists): WebDAV's from COFFER_WEBDAV_USER / COFFER_WEBDAV_PASSWORD, S3's from the standard AWS_*
 * variables.
 */
import { remoteUsage as usageError } from './errors.ts';

export type Location =
  | { kind: 'file'; path: string }
  | { kind: 'webdav'; url: URL; display: string }
  | { kind: 's3'; bucket: string; key: string; display: string };

export type RemoteLocation = Exclude<Location, { kind: 'file' }>;

const WEBDAV = /^webdav\+(https?):\/\//i;
const S3 = /^s3:\/\//i;

export function isRemote(text: string): boolean {
  return WEBDAV.test(text) || S3.test(text);
}

// S3 bucket names: 3-63 of lower-case letters, digits, dots and hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses a location. `fileName` fills in a trailing `/` (push: FILE's name in that folder);
 * without it, a folder is refused because there is no object to read.
 */
export function parseLocation(text: string, command: string, fileName?: string): Location {
  const webdav = WEBDAV.exec(text);
  if (webdav) return parseWebDav(text, webdav[1].toLowerCase(), command, fileName);
  if (S3.test(text)) return parseS3(text, command, fileName);
  return { kind: 'file', path: text };
}

function folderNeedsName(text: string, command: string): never {
  throw usageError(`${command}: ${JSON.stringify(text)} is a folder; give the backup's name after the last "/".`);
}

function parseWebDav(text: string, scheme: string, command: string, fileName?: string): Location {
  let url: URL;
  try {
    url = new URL(`${scheme}://${text.slice(text.indexOf('://') + 3)}`);
  } catch {
    throw usageError(`${command}: ${JSON.stringify(text)} is not a valid WebDAV location.`, WEBDAV_FORM);
  }
  if (url.username || url.password) {
    throw usageError(
      `${command}: a location must not contain a user name or password.`,
      'Set COFFER_WEBDAV_USER and COFFER_WEBDAV_PASSWORD instead.',
    );
  }
  if (url.search || url.hash) throw usageError(`${command}: a WebDAV location has no "?" or "#" part.`, WEBDAV_FORM);
  if (url.pathname.endsWith('/')) {
    if (fileName === undefined) folderNeedsName(text, command);
    url.pathname += encodeURIComponent(fileName);
  }
  const display = `webdav+${url.protocol}//${url.host}${decodeURIComponent(url.pathname)}`;
  return { kind: 'webdav', url, display };
}

const WEBDAV_FORM = 'Form: webdav+http://HOST[:PORT]/PATH or webdav+https://HOST[:PORT]/PATH';
const S3_FORM = 'Form: s3://BUCKET/KEY';

function parseS3(text: string, command: string, fileName?: string): Location {
  const rest = text.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  let key = slash === -1 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket)) {
    throw usageError(`${command}: ${JSON.stringify(bucket)} is not a valid S3 bucket name.`, S3_FORM);
  }
  if (key === '' || key.endsWith('/')) {
    if (fileName === undefined) folderNeedsName(text, command);
    key += fileName;
  }
  if (key.startsWith('/') || key.split('/').some((part) => part === '.' || part === '..')) {
    throw usageError(`${command}: the S3 key ${JSON.stringify(key)} has an empty, "." or ".." part.`, S3_FORM);
  }
  return { kind: 's3', bucket, key, display: `s3://${bucket}/${key}` };
}
