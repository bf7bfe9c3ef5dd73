/** Location strings and S3 addressing: the contracts of `coffer push/pull` and the readers. */
import { describe, expect, it } from 'vitest';
import { exitCodeForRemote } from '../../src/cli/remote/exit.ts';
import { s3Settings } from '../../src/cli/remote/open.ts';
import { RemoteError } from '../../src/remote/errors.ts';
import { parseLocation } from '../../src/remote/location.ts';
import { objectUrl, partSize } from '../../src/remote/s3.ts';
import { plainHttpWarning } from '../../src/remote/webdav.ts';

describe('parseLocation', () => {
  it('keeps local paths, and reads WebDAV and S3 locations', () => {
    expect(parseLocation('backup.coffer', 'list')).toEqual({ kind: 'file', path: 'backup.coffer' });
    const dav = parseLocation('webdav+https://dav.example.org:8443/Backups/a b.coffer', 'list');
    expect(dav.kind === 'webdav' && dav.url.href).toBe('https://dav.example.org:8443/Backups/a%20b.coffer');
    expect(dav.kind === 'webdav' && dav.display).toBe('webdav+https://dav.example.org:8443/Backups/a b.coffer');
    expect(parseLocation('s3://my-bucket/nightly/x.coffer', 'list')).toMatchObject({
      kind: 's3',
      bucket: 'my-bucket',
      key: 'nightly/x.coffer',
    });
  });

  it("fills a trailing / with the file's name for push, and refuses a folder otherwise", () => {
    const dav = parseLocation('webdav+http://127.0.0.1:4460/backups/', 'push', 'photos.coffer');
    expect(dav.kind === 'webdav' && dav.url.pathname).toBe('/backups/photos.coffer');
    expect(parseLocation('s3://bucket/', 'push', 'photos.coffer')).toMatchObject({ key: 'photos.coffer' });
    expect(() => parseLocation('s3://bucket/dir/', 'pull')).toThrow(/is a folder/);
  });

  it('refuses credentials in the location, bad buckets and dot segments (usage: exit 2)', () => {
    for (const bad of ['webdav+http://user:pw@host/x.coffer', 's3://B/x', 's3://bucket/../x', 's3://bucket//x']) {
      let error: unknown;
      try {
        parseLocation(bad, 'list');
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(RemoteError);
      expect(exitCodeForRemote((error as RemoteError).kind), bad).toBe(2);
      expect((error as RemoteError).message).not.toContain('pw');
    }
  });
});

describe('S3 addressing', () => {
  it('is path-style with AWS_ENDPOINT_URL and virtual-hosted on AWS', () => {
    const fromEnv = (env: NodeJS.ProcessEnv) =>
      s3Settings({ AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 's', ...env });
    expect(objectUrl('b', 'k/x y.coffer', fromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9000/' }))).toBe(
      'http://127.0.0.1:9000/b/k/x%20y.coffer',
    );
    expect(objectUrl('b', 'x.coffer', fromEnv({ AWS_REGION: 'eu-west-3' }))).toBe(
      'https://b.s3.eu-west-3.amazonaws.com/x.coffer',
    );
    expect(objectUrl('b.dotted', 'x', fromEnv({}))).toBe('https://s3.us-east-1.amazonaws.com/b.dotted/x');
  });

  it('uses parts of at least 8 MiB and at most 10,000 of them', () => {
    expect(partSize(1)).toBe(8 * 1024 * 1024);
    const huge = 5 * 1024 ** 4;
    expect(Math.ceil(huge / partSize(huge))).toBeLessThanOrEqual(10_000);
  });
});

describe('WebDAV over plain HTTP', () => {
  it('warns when a password would cross the network unencrypted, not for loopback or HTTPS', () => {
    expect(plainHttpWarning(new URL('http://nas.example.org/x'), true)).toContain('plain HTTP');
    expect(plainHttpWarning(new URL('http://127.0.0.1:4460/x'), true)).toBeUndefined();
    expect(plainHttpWarning(new URL('http://[::1]:4460/x'), true)).toBeUndefined();
    expect(plainHttpWarning(new URL('https://nas.example.org/x'), true)).toBeUndefined();
    expect(plainHttpWarning(new URL('http://nas.example.org/x'), false)).toBeUndefined();
  });
});
