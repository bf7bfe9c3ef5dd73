/**
 * Places (issue 32): a copy of a backup sent from the app to storage the person owns, against real
 * servers on 127.0.0.1 on other origins than the app's: rclone's WebDAV server and s3rver, each
 * behind a reverse proxy that adds CORS headers as a deployment does (test/cli/remote-servers.ts).
 * And the network stays closed by the Content-Security-Policy itself: only the places worker may
 * reach a saved place, nothing reaches any other origin.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
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
} from '../test/cli/remote-servers.ts';
import {
  createBackup,
  expect,
  nextDownload,
  PASSPHRASE,
  savedDownload,
  setPassphrase,
  tempDir,
  test,
  unlockWithPassphrase,
  untilServiceWorkerControls,
} from './helpers.ts';
import { overflowing } from './layout.ts';

const DAV_PORT = 4470;
const DAV_PROXY = 4471;
const S3_PORT = 4472;
const S3_PROXY = 4473;
const DAV_READONLY_PORT = 4474;
const DAV_READONLY_PROXY = 4475;
const BUCKET = 'coffer-e2e';
const DEVICE_PASSPHRASE = 'walnut harbor glacier trumpet 77';

const servers: Running[] = [];
let dav: TestProxy;
let s3: TestProxy;
let davDir: string;
let s3Dir: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  davDir = tempDir('places-dav');
  s3Dir = tempDir('places-s3');
  mkdirSync(join(davDir, 'backups'));
  servers.push(await startWebDav(davDir, DAV_PORT));
  servers.push(await startS3(s3Dir, S3_PORT, BUCKET));
  dav = await startProxy(DAV_PROXY, DAV_PORT);
  s3 = await startProxy(S3_PROXY, S3_PORT);
  servers.push(dav, s3);
});

test.afterAll(async () => {
  for (const server of servers.reverse()) await server.stop();
});

test.beforeEach(() => {
  for (const proxy of [dav, s3]) {
    proxy.reset();
    proxy.cors = true;
  }
  dav.requireAuth = 'basic';
  s3.requireAuth = 's3';
});

/** A backup kept on this device, made through the Back up tab; the On this device tab open. */
async function keptBackup(page: Page, name: string, buffer = Buffer.from(`${name}\n`)): Promise<void> {
  await page.goto('./');
  await untilServiceWorkerControls(page);
  await page.getByLabel('Add files').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  await setPassphrase(page);
  await page.getByLabel('Keep a copy on this device').check();
  await createBackup(page);
  await page.getByRole('button', { name: 'On this device' }).click();
}

interface PlaceFields {
  location: string;
  endpoint?: string;
  user: string;
  secret: string;
}

async function fillPlace(page: Page, place: PlaceFields): Promise<void> {
  if (await page.getByRole('button', { name: 'Add a place' }).isVisible()) {
    await page.getByRole('button', { name: 'Add a place' }).click();
  }
  await page.getByLabel('Location').fill(place.location);
  await page.getByLabel('Endpoint').fill(place.endpoint ?? '');
  await page.getByLabel('User or access key ID').fill(place.user);
  await page.getByLabel('Password or secret access key').fill(place.secret);
}

async function savePlace(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save place' }).click();
  // The first secret kept on this device asks for the device passphrase that seals it.
  const device = page.getByLabel('Device passphrase');
  await expect(device.or(page.getByText(/^Saved /))).toBeVisible();
  if (await device.isVisible()) {
    await device.fill(DEVICE_PASSPHRASE);
    await page.getByRole('button', { name: 'Save place' }).click();
  }
  await expect(page.getByText(/^Saved /)).toBeVisible();
}

const DAV_PLACE: PlaceFields = {
  location: `webdav+http://127.0.0.1:${DAV_PROXY}/backups/`,
  user: DAV_USER,
  secret: DAV_PASSWORD,
};
const S3_PLACE: PlaceFields = {
  location: `s3://${BUCKET}/coffer/`,
  endpoint: `http://127.0.0.1:${S3_PROXY}`,
  user: S3_KEY_ID,
  secret: S3_SECRET,
};

/** The backup's bytes as stored on this device. */
async function storedBytes(page: Page): Promise<Buffer> {
  const bytes = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    for await (const [name, handle] of (
      root as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
    ).entries()) {
      if (name.startsWith('vault-'))
        return Array.from(new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()));
    }
    return [];
  });
  return Buffer.from(bytes);
}

test('a backup on this device is sent to a WebDAV place: tested, saved, sent, listed where it is', async ({ page }) => {
  await keptBackup(page, 'letters.txt');
  await fillPlace(page, DAV_PLACE);
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByText('The place works: a test file was written, read back and deleted.')).toBeVisible();
  // The test leaves nothing behind.
  expect(readdirSync(join(davDir, 'backups'))).toEqual([]);
  await savePlace(page);

  const row = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  await expect(row.getByLabel('Place')).toHaveValue(/.+/);
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByText(/^Sent a copy to webdav\+http:\/\/127\.0\.0\.1:4471\/backups\//)).toBeVisible();
  const sent = readdirSync(join(davDir, 'backups'));
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatch(/\.coffer$/);
  expect(readFileSync(join(davDir, 'backups', sent[0])).equals(await storedBytes(page))).toBe(true);
  await expect(row.getByRole('list', { name: 'Copies' })).toContainText(`Also at ${DAV_PLACE.location}`);

  // Sent again: the copy there is never replaced.
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByRole('alert')).toContainText('already exists');
  expect(readdirSync(join(davDir, 'backups'))).toEqual(sent);

  // The place and the copy's record survive a reload; the password is asked once per visit.
  await page.reload();
  await page.getByRole('button', { name: 'On this device' }).click();
  await expect(page.getByRole('list', { name: 'Places' })).toContainText(DAV_PLACE.location);
  await expect(row.getByRole('list', { name: 'Copies' })).toHaveText(/^Also at /);
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await row.getByLabel('Device passphrase').fill('not the device passphrase');
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByRole('alert')).toContainText('That device passphrase does not open');
  await row.getByLabel('Device passphrase').fill(DEVICE_PASSPHRASE);
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByRole('alert')).toContainText('already exists');
});

test('an S3 place: tested, saved and sent in parts the server checks the signatures of', async ({ page }) => {
  await keptBackup(page, 'ledger.txt');
  await fillPlace(page, S3_PLACE);
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByText('The place works: a test file was written, read back and deleted.')).toBeVisible();
  await savePlace(page);
  const row = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByText(/^Sent a copy to s3:\/\/coffer-e2e\/coffer\//)).toBeVisible();
  const puts = s3.requests.filter((request) => request.method === 'PUT');
  expect(puts.length).toBeGreaterThan(0);
  expect(puts.every((request) => request.url.startsWith(`/${BUCKET}/coffer/`))).toBe(true);

  // Listed there and opened from there.
  const placeRow = page.getByRole('list', { name: 'Places' }).getByRole('listitem');
  await placeRow.getByRole('button', { name: 'Open from a place' }).click();
  const listed = placeRow.getByRole('list', { name: /^Backups at / }).getByRole('listitem');
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText(/^ledger\.txt, .*\.coffer/);
  await listed.getByRole('button', { name: 'Open' }).click();
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('ledger.txt');
  await page.getByRole('button', { name: 'Verify backup' }).click();
  await expect(page.getByRole('status')).toContainText('Verified: all 1 files');
});

test('a connection dropped mid-upload is tried again, and the copy is whole', async ({ page }) => {
  await keptBackup(page, 'noise.bin', randomBytes(256 * 1024));
  await fillPlace(page, DAV_PLACE);
  await savePlace(page);
  const row = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  const before = new Set(readdirSync(join(davDir, 'backups')));
  dav.faults.push({ method: 'PUT', dropAfter: 64 * 1024, times: 1 });
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByText(/^Sent a copy to /)).toBeVisible();
  expect(dav.requests.filter((request) => request.method === 'PUT').length).toBeGreaterThanOrEqual(2);
  const sent = readdirSync(join(davDir, 'backups')).filter((name) => !before.has(name));
  expect(sent).toHaveLength(1);
  expect(readFileSync(join(davDir, 'backups', sent[0])).equals(await storedBytes(page))).toBe(true);
});

test('a backup just made is sent from its done notice; a failed send is listed with Retry until it is there', async ({
  page,
}) => {
  await page.goto('./');
  await untilServiceWorkerControls(page);
  await page.getByRole('button', { name: 'On this device' }).click();
  await fillPlace(page, { ...DAV_PLACE, location: `webdav+http://127.0.0.1:${DAV_PROXY}/fresh/` });
  mkdirSync(join(davDir, 'fresh'));
  await savePlace(page);

  await page.getByRole('button', { name: 'Back up' }).click();
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'fresh.txt', mimeType: 'text/plain', buffer: Buffer.from('new\n') });
  await setPassphrase(page);
  await page.getByLabel('Keep a copy on this device').check();
  await createBackup(page);
  const done = page.getByRole('status').filter({ hasText: 'Backup ready' });
  // The server is full for the first try.
  dav.faults.push({ method: 'PUT', status: 507, body: 'Insufficient Storage', times: 1 });
  await done.getByRole('button', { name: 'Send a copy' }).click();
  await expect(done.getByRole('alert')).toContainText('is full');
  expect(readdirSync(join(davDir, 'fresh'))).toEqual([]);

  await page.getByRole('button', { name: 'On this device' }).click();
  const row = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem').first();
  const copies = row.getByRole('list', { name: 'Copies' });
  await expect(copies).toContainText(/^Not sent to webdav\+http:\/\/127\.0\.0\.1:4471\/fresh\/ .*is full/);
  await copies.getByRole('button', { name: 'Retry' }).click();
  await expect(row.getByText(/^Sent a copy to /)).toBeVisible();
  await expect(copies).toHaveText(/^Also at webdav\+http:\/\/127\.0\.0\.1:4471\/fresh\/ \(sent /);
  expect(readdirSync(join(davDir, 'fresh'))).toHaveLength(1);
});

test('a read-only place is refused in plain words, and nothing is left there', async ({ page }) => {
  const readOnlyDir = tempDir('places-ro');
  mkdirSync(join(readOnlyDir, 'backups'));
  const server = await startWebDav(readOnlyDir, DAV_READONLY_PORT, true);
  const proxy = await startProxy(DAV_READONLY_PROXY, DAV_READONLY_PORT);
  try {
    await page.goto('./');
    await untilServiceWorkerControls(page);
    await page.getByRole('button', { name: 'On this device' }).click();
    await fillPlace(page, { ...DAV_PLACE, location: `webdav+http://127.0.0.1:${DAV_READONLY_PROXY}/backups/` });
    await page.getByRole('button', { name: 'Test place' }).click();
    await expect(page.getByRole('alert')).toContainText(/read-only|does not allow this/);
    expect(readdirSync(join(readOnlyDir, 'backups'))).toEqual([]);
  } finally {
    await proxy.stop();
    await server.stop();
  }
});

test('Open from a place: listed there, unlocked, one file restored for a small part of the bytes, all restored, a changed byte caught', async ({
  page,
}) => {
  // A 50 MB backup made by the command-line tool, already at the place.
  const tree = join(tempDir('places-tree'), 'archive');
  mkdirSync(tree);
  const big = randomBytes(50 * 1024 * 1024);
  writeFileSync(join(tree, 'big.bin'), big);
  writeFileSync(join(tree, 'wanted.txt'), 'the one file we want\n');
  mkdirSync(join(davDir, 'archive'));
  const backup = join(davDir, 'archive', 'archive.coffer');
  execFileSync(process.execPath, ['bin/coffer.mjs', 'create', '-o', backup, tree], {
    env: { ...process.env, COFFER_PASSPHRASE: PASSPHRASE },
  });
  const size = readFileSync(backup).length;

  await page.goto('./');
  await untilServiceWorkerControls(page);
  await page.getByRole('button', { name: 'On this device' }).click();
  await fillPlace(page, { ...DAV_PLACE, location: `webdav+http://127.0.0.1:${DAV_PROXY}/archive/` });
  await savePlace(page);
  const placeRow = page.getByRole('list', { name: 'Places' }).getByRole('listitem').filter({ hasText: '/archive/' });
  await placeRow.getByRole('button', { name: 'Open from a place' }).click();
  const listed = placeRow.getByRole('list', { name: /^Backups at / }).getByRole('listitem');
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText('archive.coffer');

  dav.reset();
  await listed.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByText(/archive\.coffer — .* — at webdav\+http:\/\/127\.0\.0\.1:4471\/archive\//)).toBeVisible();
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('wanted.txt');
  const one = nextDownload(page);
  await page.getByRole('button', { name: 'Download archive/wanted.txt' }).click();
  expect(readFileSync(await savedDownload(await one), 'utf8')).toBe('the one file we want\n');
  // Unlocking, listing and restoring one file read the header, the index and one chunk.
  expect(dav.bytesOut).toBeLessThan(size / 8);
  console.log(`places: unlock, list and one file fetched ${dav.bytesOut} bytes of a ${size}-byte backup`);
  // Every read is a range request (or the HEAD for the size; OPTIONS are the browser's CORS checks).
  const reads = dav.requests.filter((request) => request.method !== 'OPTIONS');
  expect(reads.every((request) => request.method === 'HEAD' || request.range !== undefined)).toBe(true);

  const all = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await all)));
  expect(Buffer.from(zip['archive/big.bin']).equals(big)).toBe(true);
  await page.getByRole('button', { name: 'Verify backup' }).click();
  await expect(page.getByRole('status')).toContainText('Verified: all 2 files');

  // Someone with access to the place changes one byte in the middle: it is caught, never restored.
  const fd = openSync(backup, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, Math.floor(size / 2));
  writeSync(fd, Buffer.from([byte[0] ^ 1]), 0, 1, Math.floor(size / 2));
  closeSync(fd);
  await page.getByRole('button', { name: 'Verify backup' }).click();
  await expect(page.getByRole('alert')).toContainText('damaged');
});

test('a large backup goes to S3 in parts; a part cut off midway is sent again, and the copy is whole', async ({
  page,
}) => {
  await keptBackup(page, 'video.bin', randomBytes(20 * 1024 * 1024));
  await fillPlace(page, { ...S3_PLACE, location: `s3://${BUCKET}/large/` });
  await savePlace(page);
  const row = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  s3.faults.push({ method: 'PUT', dropAfter: 1024 * 1024, times: 1 });
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByText(/^Sent a copy to s3:/)).toBeVisible({ timeout: 60_000 });
  const parts = s3.requests.filter((request) => request.method === 'PUT' && request.url.includes('partNumber='));
  // 20 MiB in 8 MiB parts is 3 parts, one of them sent twice.
  expect(new Set(parts.map((request) => /partNumber=(\d+)/.exec(request.url)?.[1])).size).toBe(3);
  expect(parts).toHaveLength(4);

  // Read back from the place through the app: the copy opens and verifies.
  await page.getByRole('list', { name: 'Places' }).getByRole('button', { name: 'Open from a place' }).click();
  await page
    .getByRole('list', { name: /^Backups at / })
    .getByRole('button', { name: 'Open' })
    .click();
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'Verify backup' }).click();
  await expect(page.getByRole('status')).toContainText('Verified: all 1 files');
});

test('wrong credentials and a server without CORS rules each get their own plain message', async ({ page }) => {
  await page.goto('./');
  await untilServiceWorkerControls(page);
  await page.getByRole('button', { name: 'On this device' }).click();

  await fillPlace(page, { ...DAV_PLACE, secret: 'not the password' });
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByRole('alert')).toContainText('The server refused the credentials');

  await fillPlace(page, { ...S3_PLACE, secret: 'not the secret' });
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByRole('alert')).toContainText('The server refused the credentials');

  dav.cors = false;
  await fillPlace(page, DAV_PLACE);
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByRole('alert')).toContainText('does not allow this page');
  await expect(page.getByTestId('cors-settings')).toContainText(
    `Access-Control-Allow-Origin: ${new URL(page.url()).origin}`,
  );

  s3.cors = false;
  await fillPlace(page, S3_PLACE);
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByTestId('cors-settings')).toContainText('"AllowedOrigins"');

  await fillPlace(page, { ...DAV_PLACE, location: 'https://example.org/backups/' });
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByRole('alert')).toContainText('Location: start with webdav+https://');
});

/** Where a fetch from `where` to `target` ends: an answer (any status) or refused before sending. */
async function reaches(
  where: Page | import('@playwright/test').Worker,
  target: string,
): Promise<'answered' | 'refused'> {
  return (where as Page).evaluate(
    (url: string) =>
      fetch(url, { method: 'GET' }).then(
        () => 'answered' as const,
        () => 'refused' as const,
      ),
    target,
  );
}

/** Starts the built places worker from the page, as the app does for each command. */
async function startPlacesWorker(page: Page) {
  const script = readdirSync('dist/assets').find((name) => /^places\.worker-.*\.js$/.test(name));
  if (!script) throw new Error('dist/assets has no places worker: run npm run build');
  const started = page.waitForEvent('worker', (worker) => worker.url().includes('places.worker'));
  await page.evaluate((url) => {
    (window as unknown as { placesProbe: Worker }).placesProbe = new Worker(url, { type: 'module' });
  }, `./assets/${script}`);
  return started;
}

test('the policy admits a saved place to the places worker only, no other origin, and closes it when it is forgotten', async ({
  page,
}) => {
  const place = `${dav.origin}/`;
  // Not a place, and it would answer any origin (its CORS headers allow all): only the policy stops it.
  const other = `${s3.origin}/`;
  await page.goto('./');
  await untilServiceWorkerControls(page);
  await page.getByRole('button', { name: 'On this device' }).click();
  await fillPlace(page, DAV_PLACE);
  await savePlace(page);

  const worker = await startPlacesWorker(page);
  expect(await reaches(worker, place)).toBe('answered');
  expect(await reaches(worker, other)).toBe('refused');
  expect(await reaches(page, place)).toBe('refused');
  const coffer = page.workers().find((candidate) => candidate.url().includes('coffer.worker'));
  expect(coffer, 'the app starts its worker ahead of the first command').toBeDefined();
  expect(await reaches(coffer as NonNullable<typeof coffer>, place)).toBe('refused');
  const before = dav.requests.length + s3.requests.length;
  expect(dav.requests.filter((request) => request.method === 'GET')).toHaveLength(1);
  expect(s3.requests).toHaveLength(0);

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('list', { name: 'Places' }).getByRole('button', { name: 'Forget' }).click();
  await expect(page.getByText(/^Forgot /)).toBeVisible();
  await page.reload();
  await untilServiceWorkerControls(page);
  const after = await startPlacesWorker(page);
  expect(await reaches(after, place)).toBe('refused');
  expect(dav.requests.length + s3.requests.length).toBe(before);
});

/** The folder picker stood in for by a folder in the origin's private file system (Chromium's API). */
const pickerTest = test.extend({
  page: async ({ page }, use) => {
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.showDirectoryPicker = async () => {
        const root = await navigator.storage.getDirectory();
        return root.getDirectoryHandle('Dropbox', { create: true });
      };
    });
    await use(page);
  },
});

async function syncedNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle('Dropbox', { create: true });
    const names: string[] = [];
    for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names.sort();
  });
}

pickerTest('a synced folder gets every new backup, never over one already there', async ({ page, browserName }) => {
  test.skip(browserName !== 'chromium', 'the folder picker (File System Access) exists in Chromium and Edge only');
  // One time for both backups, so the second gets the first one's name and must not replace it.
  await page.clock.setFixedTime(new Date('2026-12-07T10:00:00'));
  await page.goto('./');
  await page.getByRole('button', { name: 'On this device' }).click();
  await page.getByRole('button', { name: 'Choose a synced folder' }).click();
  await expect(page.getByText('Every new backup is also saved in "Dropbox"')).toBeVisible();

  await page.getByRole('button', { name: 'Back up' }).click();
  await page
    .getByLabel('Add files')
    .setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a\n') });
  await setPassphrase(page);
  const path = await createBackup(page);
  const name = path.split('/').pop() as string;
  await expect(page.getByText(`Also saved in the synced folder "Dropbox" as "${name}".`)).toBeVisible();
  const copy = await page.evaluate(async (file) => {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle('Dropbox');
    return Array.from(new Uint8Array(await (await (await folder.getFileHandle(file)).getFile()).arrayBuffer()));
  }, name);
  expect(Buffer.from(copy).equals(readFileSync(path))).toBe(true);

  // Coming back to the tab shows the notice again without a second copy; a new backup of the same
  // name lands beside the first, under another name.
  await page.getByRole('button', { name: 'On this device' }).click();
  await page.getByRole('button', { name: 'Back up' }).click();
  expect(await syncedNames(page)).toEqual([name]);
  await setPassphrase(page);
  await createBackup(page);
  const second = name.replace(/\.coffer$/, ' (2).coffer');
  await expect(page.getByText(`Also saved in the synced folder "Dropbox" as "${second}".`)).toBeVisible();
  expect(await syncedNames(page)).toEqual([name, second].sort());
});

test('on a phone the places, their form, a CORS answer and a send all fit the width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await keptBackup(page, 'phone-notes-with-a-rather-long-name-to-wrap.txt');
  await fillPlace(page, DAV_PLACE);
  expect(await overflowing(page), 'the form').toEqual([]);
  dav.cors = false;
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByTestId('cors-settings')).toBeVisible();
  expect(await overflowing(page), 'the CORS settings').toEqual([]);
  dav.cors = true;
  await savePlace(page);
  const row = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByText(/^Sent a copy to /)).toBeVisible();
  await page.getByRole('list', { name: 'Places' }).getByRole('button', { name: 'Open from a place' }).click();
  await expect(page.getByRole('list', { name: /^Backups at / })).toBeVisible();
  expect(await overflowing(page), 'a place listed, a copy sent').toEqual([]);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((violation) => violation.id)).toEqual([]);
});

/** Every file of a profile folder, to look for a secret in any encoding. */
function profileFiles(dir: string): Buffer[] {
  const found: Buffer[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    try {
      found.push(readFileSync(join(entry.parentPath, entry.name)));
    } catch {
      // Sockets and lock files vanish or refuse reads; they hold nothing of the app's.
    }
  }
  return found;
}

test("a place's password is not in the profile's files, in any encoding, after testing, saving and sending", async ({
  playwright,
  launchOptions,
  baseURL,
  browserName,
}) => {
  test.skip(browserName !== 'chromium', "it launches Chromium itself to scan a Chromium profile's files");
  const profile = tempDir('places-profile');
  const context = await playwright.chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.addInitScript(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  await keptBackup(page, 'secret-free.txt');
  await fillPlace(page, DAV_PLACE);
  await expect(page.getByLabel('Password or secret access key')).toHaveAttribute('autocomplete', 'off');
  await page.getByRole('button', { name: 'Test place' }).click();
  await expect(page.getByText(/^The place works/)).toBeVisible();
  await savePlace(page);
  const row = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  await row.getByRole('button', { name: 'Send a copy' }).click();
  await expect(row.getByText(/^Sent a copy to /)).toBeVisible();
  await context.close();

  const basic = Buffer.from(`${DAV_USER}:${DAV_PASSWORD}`).toString('base64');
  const forms = [Buffer.from(DAV_PASSWORD), Buffer.from(DAV_PASSWORD, 'utf16le'), Buffer.from(basic)];
  // The place's origin is stored in clear (the service worker reads it): proof the scan sees the catalogue.
  const origin = Buffer.from(`127.0.0.1:${DAV_PROXY}`);
  let originSeen = false;
  for (const bytes of profileFiles(profile)) {
    originSeen ||= bytes.includes(origin);
    for (const form of forms) expect(bytes.includes(form)).toBe(false);
  }
  expect(originSeen).toBe(true);
});
