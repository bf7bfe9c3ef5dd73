/**
 * push, pull, list, verify and restore against real servers (rclone's WebDAV, s3rver) with
 * authentication on, through a counting reverse proxy: uploads never leave anything partial,
 * existing names are refused, reading fetches only the ranges needed, and faults (dropped
 * connections, wrong credentials, read-only and full targets, tampered objects) say so plainly.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, noise, removeDir, tempDir } from './helpers.ts';
import {
  DAV_PASSWORD,
  DAV_USER,
  type Running,
  S3_KEY_ID,
  S3_SECRET,
  startProxy,
  startS3,
  startWebDav,
  type TestProxy,
} from './remote-servers.ts';

const DAV_PORT = 4460;
const DAV_READONLY_PORT = 4461;
const S3_PORT = 4462;
const DAV_PROXY = 4463;
const S3_PROXY = 4464;
const NOTHING_PORT = 4465;
const BUCKET = 'backups';

let work: string;
let davDir: string;
let s3Dir: string;
let keyFile: string;
let small: string; // a one-file backup
let many: string; // 12 files of 1 MiB and a small one
let large: string; // 20 MiB, so S3 sends it in parts
let manySize: number;
const servers: Running[] = [];
let dav: TestProxy;
let s3: TestProxy;

const davEnv = { COFFER_WEBDAV_USER: DAV_USER, COFFER_WEBDAV_PASSWORD: DAV_PASSWORD };
const s3Env = {
  AWS_ACCESS_KEY_ID: S3_KEY_ID,
  AWS_SECRET_ACCESS_KEY: S3_SECRET,
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: `http://127.0.0.1:${S3_PROXY}`,
};
const unlock = () => ['--recovery-key-file', keyFile];

async function create(out: string, files: [string, Buffer][]): Promise<void> {
  const src = join(work, `src-${files.length}-${files[0][1].length}`);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(src, { recursive: true });
  for (const [name, data] of files) await writeFile(join(src, name), data);
  const result = await coffer(['create', '-q', '-o', out, '--no-compress', ...unlock(), src]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

beforeAll(async () => {
  work = await tempDir('coffer-remote-');
  davDir = join(work, 'dav');
  s3Dir = join(work, 's3');
  const { mkdir, stat } = await import('node:fs/promises');
  await mkdir(join(davDir, 'backups'), { recursive: true });
  await mkdir(s3Dir);
  keyFile = join(work, 'key.txt');
  expect((await coffer(['keygen', '-q', '-o', keyFile])).code).toBe(0);
  small = join(work, 'small.coffer');
  many = join(work, 'many.coffer');
  large = join(work, 'large.coffer');
  await create(small, [['note.txt', Buffer.from('a small note\n')]]);
  await create(many, [
    ...Array.from({ length: 12 }, (_, i): [string, Buffer] => [`part-${i}.bin`, noise(1024 * 1024, i + 1)]),
    ['wanted.txt', Buffer.from('the one file we want\n')],
  ]);
  await create(large, [['big.bin', noise(20 * 1024 * 1024, 99)]]);
  manySize = (await stat(many)).size;
  servers.push(await startWebDav(davDir, DAV_PORT));
  servers.push(await startWebDav(davDir, DAV_READONLY_PORT, true));
  servers.push(await startS3(s3Dir, S3_PORT, BUCKET));
  dav = await startProxy(DAV_PROXY, DAV_PORT);
  s3 = await startProxy(S3_PROXY, S3_PORT);
  s3.requireAuth = 's3';
  servers.push(dav, s3);
}, 120_000);

afterAll(async () => {
  for (const server of servers.reverse()) await server.stop();
  if (work) await removeDir(work);
});

/** Buffer.equals, not toEqual: vitest's deep equality takes minutes over 20 MiB. */
async function sameBytes(a: string, b: string): Promise<boolean> {
  return (await readFile(a)).equals(await readFile(b));
}

async function davFiles(): Promise<string[]> {
  return (await readdir(join(davDir, 'backups'))).sort();
}

describe('WebDAV', () => {
  const base = `webdav+http://127.0.0.1:${DAV_PROXY}/backups/`;

  it('pushes under a temporary name, refuses an existing name, and pulls the same bytes back', async () => {
    const pushed = await coffer(['push', small, base], { env: davEnv });
    expect(pushed.stderr).toContain('read back and match');
    expect(pushed.code).toBe(0);
    expect(await davFiles()).toEqual(['small.coffer']);
    expect(dav.requests.some((r) => r.method === 'MOVE')).toBe(true);
    expect(await sameBytes(join(davDir, 'backups', 'small.coffer'), small)).toBe(true);

    const again = await coffer(['push', small, `${base}small.coffer`], { env: davEnv });
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('already exists');

    const out = join(work, 'pulled-dav.coffer');
    const pulled = await coffer(['pull', `${base}small.coffer`, '-o', out], { env: davEnv });
    expect(pulled.code).toBe(0);
    expect(await sameBytes(out, small)).toBe(true);
    const refusedPull = await coffer(['pull', `${base}small.coffer`, '-o', out], { env: davEnv });
    expect(refusedPull.code).toBe(5);
  });

  it('lists and restores one file fetching far fewer bytes than the backup', async () => {
    expect((await coffer(['push', many, base], { env: davEnv })).code).toBe(0);
    dav.reset();
    const listed = await coffer(['list', `${base}many.coffer`, '--json', ...unlock()], { env: davEnv });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((e: { path: string }) => e.path)).toContain(
      `src-13-${1024 * 1024}/wanted.txt`,
    );
    expect(dav.bytesOut).toBeLessThan(manySize / 10);

    dav.reset();
    const dir = join(work, 'restored-dav');
    const restored = await coffer(
      ['restore', `${base}many.coffer`, '-o', dir, '--only', `src-13-${1024 * 1024}/wanted.txt`, ...unlock()],
      { env: davEnv },
    );
    expect(restored.stderr).not.toContain('error');
    expect(restored.code).toBe(0);
    expect(await readFile(join(dir, `src-13-${1024 * 1024}`, 'wanted.txt'), 'utf8')).toBe('the one file we want\n');
    // The header block, the trailer and index chunks, and the file's one chunk: about 0.8 MiB of 12.
    expect(dav.bytesOut).toBeLessThan(manySize / 8);
    expect(dav.requests.every((r) => r.method !== 'GET' || r.range)).toBe(true);

    const verified = await coffer(['verify', `${base}many.coffer`, ...unlock()], { env: davEnv });
    expect(verified.stdout).toContain('OK: 13 files');
    expect(verified.code).toBe(0);
  });

  it('sends the file again after the connection drops mid-upload, leaving one complete copy', async () => {
    dav.reset();
    dav.faults.push({ method: 'PUT', dropAfter: 3 * 1024 * 1024, times: 1 });
    const pushed = await coffer(['push', large, `${base}dropped.coffer`], { env: davEnv });
    expect(pushed.stderr).toContain('the connection dropped');
    expect(pushed.code).toBe(0);
    expect(await sameBytes(join(davDir, 'backups', 'dropped.coffer'), large)).toBe(true);
    expect((await davFiles()).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('says plainly when credentials are wrong, the target is read-only or full, or nothing listens', async () => {
    const wrong = await coffer(['push', small, `${base}wrong.coffer`], {
      env: { ...davEnv, COFFER_WEBDAV_PASSWORD: 'not it' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the credentials');
    expect(wrong.stderr).not.toContain('not it');

    const readOnly = await coffer(['push', small, `webdav+http://127.0.0.1:${DAV_READONLY_PORT}/backups/ro.coffer`], {
      env: davEnv,
    });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain('read-only');

    dav.reset();
    dav.faults.push({ method: 'PUT', status: 507, body: 'Insufficient Storage', times: 1 });
    const full = await coffer(['push', small, `${base}full.coffer`], { env: davEnv });
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('is full');

    const nothing = await coffer(['list', `webdav+http://127.0.0.1:${NOTHING_PORT}/x.coffer`, ...unlock()], {
      env: davEnv,
    });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('could not reach');
    expect(nothing.stderr).toContain('connection was refused');
    expect((await davFiles()).filter((name) => name.startsWith('.') || name.includes('full'))).toEqual([]);
  });

  it('refuses a tampered object as tampered', async () => {
    const bytes = await readFile(small);
    bytes[bytes.length - 40] ^= 1;
    await writeFile(join(davDir, 'backups', 'tampered.coffer'), bytes);
    const verified = await coffer(['verify', `${base}tampered.coffer`, ...unlock()], { env: davEnv });
    expect(verified.code).toBe(4);
    expect(verified.stderr).toContain('damaged or has been altered');
  });
});

describe('S3', () => {
  const base = `s3://${BUCKET}/nightly/`;

  it('pushes small and multipart backups, refuses an existing key, and pulls them back', async () => {
    expect((await coffer(['push', small, base], { env: s3Env })).code).toBe(0);
    s3.reset();
    const pushed = await coffer(['push', large, base], { env: s3Env });
    expect(pushed.code).toBe(0);
    expect(s3.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber=')).length).toBe(3);

    const again = await coffer(['push', large, base], { env: s3Env });
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('already exists');

    for (const [name, original] of [
      ['small.coffer', small],
      ['large.coffer', large],
    ]) {
      const out = join(work, `pulled-s3-${name}`);
      const pulled = await coffer(['pull', `${base}${name}`, '-o', out], { env: s3Env });
      expect(pulled.code).toBe(0);
      expect(await sameBytes(out, original)).toBe(true);
    }
  });

  it('lists and restores one file by ranges', async () => {
    expect((await coffer(['push', many, base], { env: s3Env })).code).toBe(0);
    s3.reset();
    const dir = join(work, 'restored-s3');
    const restored = await coffer(
      ['restore', `${base}many.coffer`, '-o', dir, '--only', `src-13-${1024 * 1024}/wanted.txt`, ...unlock()],
      { env: s3Env },
    );
    expect(restored.code).toBe(0);
    expect(await readFile(join(dir, `src-13-${1024 * 1024}`, 'wanted.txt'), 'utf8')).toBe('the one file we want\n');
    expect(s3.bytesOut).toBeLessThan(manySize / 8);
  });

  it('resends only the part whose connection dropped', async () => {
    s3.reset();
    s3.faults.push({ method: 'PUT', dropAfter: 2 * 1024 * 1024, times: 1 });
    const pushed = await coffer(['push', large, `${base}resumed.coffer`], { env: s3Env });
    expect(pushed.stderr).toContain('sending part 1 again');
    expect(pushed.code).toBe(0);
    const parts = s3.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
    expect(parts.map((r) => /partNumber=(\d+)/.exec(r.url)?.[1])).toEqual(['1', '1', '2', '3']);
    const out = join(work, 'resumed.coffer');
    expect((await coffer(['pull', `${base}resumed.coffer`, '-o', out], { env: s3Env })).code).toBe(0);
    expect(await sameBytes(out, large)).toBe(true);
  });

  it('pull continues from where a dropped download stopped', async () => {
    s3.reset();
    s3.faults.push({ method: 'GET', dropResponseAfter: 3 * 1024 * 1024, times: 1 });
    const out = join(work, 'pulled-after-drop.coffer');
    const pulled = await coffer(['pull', `${base}large.coffer`, '-o', out], { env: s3Env });
    expect(pulled.code).toBe(0);
    expect(await sameBytes(out, large)).toBe(true);
    const open = s3.requests.filter((r) => r.method === 'GET' && /^bytes=\d+-$/.test(r.range ?? ''));
    expect(open.length).toBe(2);
    expect(open[0].range).toBe('bytes=0-');
    // The second request starts where the first stopped (the proxy cut it at about 3 MiB), not at 0.
    expect(Number(/\d+/.exec(open[1].range ?? '')?.[0])).toBeGreaterThan(2 * 1024 * 1024);
  });

  it('says when the credentials are wrong or missing, and refuses a tampered object', async () => {
    const wrong = await coffer(['list', `${base}small.coffer`, ...unlock()], {
      env: { ...s3Env, AWS_SECRET_ACCESS_KEY: 'wrong-secret' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the credentials');
    expect(wrong.stderr).not.toContain('wrong-secret');
    const unknown = await coffer(['list', `${base}small.coffer`, ...unlock()], {
      env: { ...s3Env, AWS_ACCESS_KEY_ID: 'NOSUCHKEY' },
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('refused the credentials');
    expect(unknown.stderr).toContain('InvalidAccessKeyId');

    const missing = await coffer(['list', `${base}small.coffer`, ...unlock()], {
      env: { ...s3Env, AWS_ACCESS_KEY_ID: undefined },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('AWS_ACCESS_KEY_ID');

    const bytes = await readFile(small);
    bytes[bytes.length - 40] ^= 1;
    const tampered = join(work, 'tampered.coffer');
    await writeFile(tampered, bytes);
    expect((await coffer(['push', tampered, base], { env: s3Env })).code).toBe(0);
    const verified = await coffer(['verify', `${base}tampered.coffer`, ...unlock()], { env: s3Env });
    expect(verified.code).toBe(4);
    expect(verified.stderr).toContain('damaged or has been altered');
  });
});
