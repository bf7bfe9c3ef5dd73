/**
 * Places (issue 32): the network stays closed by the Content-Security-Policy itself (only the
 * places worker may reach a saved place, nothing reaches any other origin), a place's password
 * never lands in the profile in clear, and the synced folder (Chromium's folder picker).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { DAV_PASSWORD, DAV_USER } from '../test/cli/remote-servers.ts';
import {
  createBackup,
  expect,
  profileFiles,
  setPassphrase,
  tempDir,
  test,
  untilServiceWorkerControls,
} from './helpers.ts';
import { DAV_PLACE, DAV_PROXY, dav, fillPlace, keptBackup, s3, savePlace, usePlaceServers } from './places-helpers.ts';

usePlaceServers();

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
