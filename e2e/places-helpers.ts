/**
 * What the places specs share (issue 32): real servers on 127.0.0.1 on other origins than the
 * app's, rclone's WebDAV server and s3rver, each behind a reverse proxy that adds CORS headers as
 * a deployment does (test/cli/remote-servers.ts); and the steps of adding a place and keeping a
 * backup on this device.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
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
import { createBackup, expect, setPassphrase, tempDir, test, untilServiceWorkerControls } from './helpers.ts';

export const DAV_PORT = 4470;
export const DAV_PROXY = 4471;
export const S3_PORT = 4472;
export const S3_PROXY = 4473;
export const DAV_READONLY_PORT = 4474;
export const DAV_READONLY_PROXY = 4475;
export const BUCKET = 'coffer-e2e';
export const DEVICE_PASSPHRASE = 'walnut harbor glacier trumpet 77';
const running: Running[] = [];
// Live bindings: each spec that calls usePlaceServers() sees them set by its beforeAll.
export let dav: TestProxy;
export let s3: TestProxy;
export let davDir: string;
export let s3Dir: string;

/** Starts the servers for the calling spec file, resets faults and switches before each test. */
export function usePlaceServers(): void {
  test.describe.configure({ mode: 'serial' });
  test.beforeAll(async () => {
    davDir = tempDir('places-dav');
    s3Dir = tempDir('places-s3');
    mkdirSync(join(davDir, 'backups'));
    running.push(await startWebDav(davDir, DAV_PORT));
    running.push(await startS3(s3Dir, S3_PORT, BUCKET));
    dav = await startProxy(DAV_PROXY, DAV_PORT);
    s3 = await startProxy(S3_PROXY, S3_PORT);
    running.push(dav, s3);
  });

  test.afterAll(async () => {
    for (const server of running.splice(0).reverse()) await server.stop();
  });

  test.beforeEach(() => {
    for (const proxy of [dav, s3]) {
      proxy.reset();
      proxy.cors = true;
    }
    dav.requireAuth = 'basic';
    s3.requireAuth = 's3';
  });
}

/** A backup kept on this device, made through the Back up tab; the On this device tab open. */
export async function keptBackup(page: Page, name: string, buffer = Buffer.from(`${name}\n`)): Promise<void> {
  await page.goto('./');
  await untilServiceWorkerControls(page);
  await page.getByLabel('Add files').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  await setPassphrase(page);
  await page.getByLabel('Keep a copy on this device').check();
  await createBackup(page);
  await page.getByRole('button', { name: 'On this device' }).click();
}

export interface PlaceFields {
  location: string;
  endpoint?: string;
  user: string;
  secret: string;
}

export async function fillPlace(page: Page, place: PlaceFields): Promise<void> {
  if (await page.getByRole('button', { name: 'Add a place' }).isVisible()) {
    await page.getByRole('button', { name: 'Add a place' }).click();
  }
  await page.getByLabel('Location').fill(place.location);
  await page.getByLabel('Endpoint').fill(place.endpoint ?? '');
  await page.getByLabel('User or access key ID').fill(place.user);
  await page.getByLabel('Password or secret access key').fill(place.secret);
}

export async function savePlace(page: Page): Promise<void> {
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

export const DAV_PLACE: PlaceFields = {
  location: `webdav+http://127.0.0.1:${DAV_PROXY}/backups/`,
  user: DAV_USER,
  secret: DAV_PASSWORD,
};
export const S3_PLACE: PlaceFields = {
  location: `s3://${BUCKET}/coffer/`,
  endpoint: `http://127.0.0.1:${S3_PROXY}`,
  user: S3_KEY_ID,
  secret: S3_SECRET,
};

/** The backup's bytes as stored on this device. */
export async function storedBytes(page: Page): Promise<Buffer> {
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
