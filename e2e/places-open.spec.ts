/**
 * Places (issue 32): backups opened straight from a place, read through range requests, and a
 * large backup sent to S3 in parts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import {
  expect,
  nextDownload,
  PASSPHRASE,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
  untilServiceWorkerControls,
} from './helpers.ts';
import {
  BUCKET,
  DAV_PLACE,
  DAV_PROXY,
  dav,
  davDir,
  fillPlace,
  keptBackup,
  S3_PLACE,
  s3,
  savePlace,
  usePlaceServers,
} from './places-helpers.ts';

usePlaceServers();

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
