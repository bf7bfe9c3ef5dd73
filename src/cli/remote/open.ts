/**
 * The CLI's settings for servers come only from the environment, never from the location (it
 * would end up in shell history and process lists): WebDAV's from COFFER_WEBDAV_USER /
 * COFFER_WEBDAV_PASSWORD, S3's from the standard AWS_* variables (AWS_ENDPOINT_URL selects an
 * S3-compatible server).
 */
import type { RemoteStore } from '../../remote/client.ts';
import { remoteUsage } from '../../remote/errors.ts';
import type { RemoteLocation } from '../../remote/location.ts';
import { type S3Settings, s3Store } from '../../remote/s3.ts';
import { plainHttpWarning, webDavStore } from '../../remote/webdav.ts';

export const WEBDAV_USER = 'COFFER_WEBDAV_USER';
export const WEBDAV_PASSWORD = 'COFFER_WEBDAV_PASSWORD';

export function openStore(location: RemoteLocation, env: NodeJS.ProcessEnv = process.env): RemoteStore {
  if (location.kind === 's3') return s3Store(location.bucket, location.key, location.display, s3Settings(env));
  const user = env[WEBDAV_USER];
  const warning = plainHttpWarning(location.url, user !== undefined);
  if (warning) process.stderr.write(`coffer: warning: ${warning}\n`);
  const credentials = user === undefined ? undefined : { user, password: env[WEBDAV_PASSWORD] ?? '' };
  return webDavStore(location.url, location.display, credentials, `${WEBDAV_USER} and ${WEBDAV_PASSWORD}`);
}

export function s3Settings(env: NodeJS.ProcessEnv): S3Settings {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw remoteUsage(
      'S3 needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      'For an S3-compatible server also set AWS_ENDPOINT_URL (and AWS_REGION if it needs one).',
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    endpoint: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined,
    endpointName: 'AWS_ENDPOINT_URL',
    credentialHint: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION, AWS_ENDPOINT_URL)',
  };
}
