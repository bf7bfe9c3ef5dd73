/**
 * A place: a folder on storage the person owns, named as the CLI names it
 * (`webdav+http(s)://HOST[:PORT]/PATH/` or `s3://BUCKET/PREFIX/`), with the settings and
 * credentials the app keeps for it. Its backups are objects in that folder.
 */
import type { RemoteStore } from './client.ts';
import { remoteUsage } from './errors.ts';
import type { PlaceEntry } from './listing.ts';
import { isRemote, parseLocation, type RemoteLocation } from './location.ts';
import { listS3, objectUrl, s3Store } from './s3.ts';
import { listWebDav, webDavStore } from './webdav.ts';

export interface PlaceSettings {
  /** The folder: `webdav+https://HOST/PATH/` or `s3://BUCKET/PREFIX/`. */
  location: string;
  /** S3 only: an S3-compatible server's address; empty means AWS. */
  endpoint?: string;
  /** S3 only; empty means us-east-1. */
  region?: string;
}

/** WebDAV's user and password, or S3's access key ID and secret access key. */
export interface PlaceCredentials {
  user: string;
  secret: string;
}

const CREDENTIAL_HINT = "the place's User or access key ID and its Password or secret access key";
const FIELD = 'Location';

/** The folder as typed, with the trailing "/" that makes it one. */
export function placeFolder(location: string): string {
  const trimmed = location.trim();
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/** The object `name` in the place's folder; throws a usage RemoteError for a bad location. */
export function placeObject(settings: PlaceSettings, name: string): RemoteLocation {
  const folder = placeFolder(settings.location);
  if (!isRemote(folder)) {
    throw remoteUsage(
      `${FIELD}: start with webdav+https:// (or webdav+http://) for a WebDAV folder, or s3:// for an S3 bucket.`,
      'For example webdav+https://nas.example.org/backups/ or s3://my-bucket/coffer/',
    );
  }
  const parsed = parseLocation(folder, FIELD, name);
  if (parsed.kind === 'file') throw remoteUsage(`${FIELD}: not a WebDAV or S3 location.`);
  return parsed;
}

function s3Settings(settings: PlaceSettings, credentials: PlaceCredentials) {
  return {
    accessKeyId: credentials.user,
    secretAccessKey: credentials.secret,
    region: settings.region?.trim() || undefined,
    endpoint: settings.endpoint?.trim() || undefined,
    endpointName: 'Endpoint',
    credentialHint: CREDENTIAL_HINT,
  };
}

/**
 * The one origin the place's requests go to: what the Content-Security-Policy must admit for
 * the workers to reach it.
 */
export function placeOrigin(settings: PlaceSettings): string {
  const object = placeObject(settings, 'x');
  if (object.kind === 'webdav') return object.url.origin;
  return new URL(objectUrl(object.bucket, object.key, s3Settings(settings, { user: '', secret: '' }))).origin;
}

function basicOf(credentials: PlaceCredentials) {
  const given = credentials.user !== '' || credentials.secret !== '';
  return given ? { user: credentials.user, password: credentials.secret } : undefined;
}

function checkS3Credentials(credentials: PlaceCredentials): void {
  if (!credentials.user || !credentials.secret) {
    throw remoteUsage('An S3 place needs its access key ID and secret access key.');
  }
}

/** The backup `name` at the place, as a store to read, upload or remove. */
export function placeStore(settings: PlaceSettings, credentials: PlaceCredentials, name: string): RemoteStore {
  const object = placeObject(settings, name);
  if (object.kind === 'webdav') return webDavStore(object.url, object.display, basicOf(credentials), CREDENTIAL_HINT);
  checkS3Credentials(credentials);
  return s3Store(object.bucket, object.key, object.display, s3Settings(settings, credentials));
}

/** The backups in the place's folder, newest first. */
export async function listPlace(
  settings: PlaceSettings,
  credentials: PlaceCredentials,
  signal?: AbortSignal,
): Promise<PlaceEntry[]> {
  const folder = placeObject(settings, '');
  const display = placeFolder(settings.location);
  let entries: PlaceEntry[];
  if (folder.kind === 'webdav') {
    entries = await listWebDav(folder.url, display, basicOf(credentials), CREDENTIAL_HINT, signal);
  } else {
    checkS3Credentials(credentials);
    entries = await listS3(folder.bucket, folder.key, display, s3Settings(settings, credentials), signal);
  }
  return entries.sort((a, b) => (b.modified ?? 0) - (a.modified ?? 0) || a.name.localeCompare(b.name));
}
