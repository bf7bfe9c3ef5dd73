/**
 * Places (issue 32): a copy of a backup sent from the app to storage the person owns (a WebDAV
 * folder, an S3 bucket), tested and saved first; each failure in its own plain words.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { startProxy, startWebDav } from '../test/cli/remote-servers.ts';
import {
  createBackup,
  expect,
  setPassphrase,
  tempDir,
  test,
  unlockWithPassphrase,
  untilServiceWorkerControls,
} from './helpers.ts';
import { overflowing } from './layout.ts';
import {
  BUCKET,
  DAV_PLACE,
  DAV_PROXY,
  DAV_READONLY_PORT,
  DAV_READONLY_PROXY,
  DEVICE_PASSPHRASE,
  dav,
  davDir,
  fillPlace,
  keptBackup,
  S3_PLACE,
  s3,
  savePlace,
  storedBytes,
  usePlaceServers,
} from './places-helpers.ts';

usePlaceServers();

/** A proxy in front of the app's own server (the first-visit test). */
const APP_PROXY = 4476;

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

  // A password to another machine over plain HTTP is said before anything is sent.
  await page.getByLabel('Location').fill('webdav+http://nas.example.org/backups/');
  await expect(page.getByRole('note')).toContainText(
    'Careful: the WebDAV password goes to nas.example.org over plain HTTP',
  );
  await page.getByLabel('Location').fill(DAV_PLACE.location);
  await expect(page.getByText(/^Careful:/)).toHaveCount(0);
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

test('on a first visit a place waits for the app to finish installing instead of saying to reload', async ({
  page,
  baseURL,
}) => {
  // The service worker's install is held back (its precache waits on the zstd WebAssembly), so
  // the person reaches Test place while the app is still installing. The app is reached through
  // a proxy that holds that file: Playwright's routes do not see the service worker's own
  // requests in Firefox. The proxy's origin is new to the browser, so this is a first visit.
  const proxy = await startProxy(APP_PROXY, Number(new URL(baseURL as string).port));
  proxy.cors = false;
  let release: () => void = () => {};
  proxy.hold = {
    path: /\.wasm$/,
    until: new Promise<void>((resolve) => {
      release = resolve;
    }),
  };
  try {
    await page.goto(`${proxy.origin}/`);
    await page.getByRole('button', { name: 'On this device' }).click();
    await fillPlace(page, DAV_PLACE);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await page.getByRole('button', { name: 'Test place' }).click();
    await page.waitForTimeout(500);
    release();
    await expect(page.getByText('The place works: a test file was written, read back and deleted.')).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByRole('alert')).toHaveCount(0);
  } finally {
    release();
    await proxy.stop();
  }
});
