/**
 * The no-network promise holds in the workers too, on a host that sends no headers (issue 28,
 * item 10). A `<meta>` policy does not reach a worker started from its own script URL. Before the
 * service worker controls the page, Coffer starts each worker from a blob that imports its
 * script (a blob worker inherits the page's policy); once it does, the service worker serves
 * every script with the policy as a header. Here the app is served with no security headers at
 * all; before the service worker is there and once it serves the app, each worker (the Coffer
 * worker, the chat reader and, once served, the compression helpers) tries to reach a server on
 * another origin.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { CSP_REFUSAL, createBackup, expect, prepareBackup, test, untilServiceWorkerControls } from './helpers.ts';

const PORT = 4421;
/** The app's policy as the service worker sends it: the page's own, plus frame-ancestors. */
const APP_POLICY = /^default-src 'self';.* connect-src 'self';.*frame-ancestors 'none'$/;

// Firefox reports each refused request as a page error; here they are the point. It also reported,
// once in about 8 runs (every check passing), that the service worker "encountered an unexpected
// error" on a request with no URL: most likely a worker's script still loading through it when the
// page reloads or a helper is stopped. Not yet traced; it is allowed here, not elsewhere.
const SW_ABORTED_LOAD = /A ServiceWorker intercepted the request and encountered an unexpected error/;
test.use({ expectedPageErrors: new RegExp(`${CSP_REFUSAL.source}|${SW_ABORTED_LOAD.source}`) });

/** Makes a compressed backup, which starts the Coffer worker and its compression helpers. */
async function startEveryWorker(page: Page): Promise<void> {
  await prepareBackup(page, {
    name: 'words.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('compress me '.repeat(50_000)),
  });
  await createBackup(page);
}

/**
 * What a module worker started from a blob, as src/worker/start-worker.ts starts them, got when
 * it tried to reach `elsewhere`. Playwright's Firefox driver cannot evaluate inside a blob worker
 * (it reports the target closed), so there this probe stands in for the app's blob workers.
 */
async function tryFromBlobWorker(page: Page, elsewhere: string): Promise<string> {
  return page.evaluate((target) => {
    const source = `fetch(${JSON.stringify(target)}, { method: 'POST', body: 'secret' }).then(() => postMessage('reached'), () => postMessage('blocked'));`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
    return new Promise<string>((resolve) => {
      worker.onmessage = (event) => resolve(String(event.data));
    });
  }, elsewhere);
}

/**
 * What each running worker and the page got when they tried to reach `elsewhere`. Playwright's
 * Firefox driver cannot evaluate inside module workers at all, so there (`drivable` false) the
 * outcomes stay empty and the policy each script arrives with is what is checked.
 */
async function tryFromEverywhere(page: Page, elsewhere: string, drivable = true) {
  const workers = page.workers();
  const outcomes: string[] = [];
  for (const worker of drivable ? workers : []) {
    outcomes.push(
      await worker.evaluate(
        (target) =>
          fetch(target, { method: 'POST', body: 'secret' }).then(
            () => 'reached',
            () => 'blocked',
          ),
        elsewhere,
      ),
    );
  }
  const fromPage = await page.evaluate(
    (target) =>
      fetch(target).then(
        () => 'reached',
        () => 'blocked',
      ),
    elsewhere,
  );
  // The policy each worker's script arrives with, as the page fetches it (from the service
  // worker once it controls the page).
  const policies = await page.evaluate(
    (urls) => Promise.all(urls.map(async (url) => (await fetch(url)).headers.get('content-security-policy') ?? 'none')),
    workers.map((worker) => worker.url()).filter((url) => url.startsWith('http')),
  );
  return { workers: workers.map((worker) => new URL(worker.url()).protocol), outcomes, fromPage, policies };
}

test('the Content-Security-Policy binds every worker, with no headers from the server, before the service worker is there and once it serves the app', async ({
  page,
  browserName,
}) => {
  let hits = 0;
  const collector = createServer((_request, response) => {
    hits++;
    response.writeHead(200, { 'access-control-allow-origin': '*' }).end('reached');
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const elsewhere = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/collect`;
  const server = spawn(
    process.execPath,
    [
      'scripts/serve.mjs',
      '--port',
      String(PORT),
      '--dir',
      process.env.COFFER_E2E_DIST ?? 'dist',
      '--no-security-headers',
    ],
    { stdio: 'ignore' },
  );
  try {
    const url = `http://127.0.0.1:${PORT}/`;
    await expect.poll(async () => (await fetch(url).catch(() => undefined))?.status, { timeout: 20_000 }).toBe(200);
    for (const path of ['', 'sw.js']) {
      expect((await fetch(url + path)).headers.get('content-security-policy'), path).toBeNull();
    }

    // Before the service worker controls the page, the workers start from blobs. On a real first
    // visit it usually takes over before the first backup; here it is kept from registering, as
    // in a browser without service workers, so that every worker (the Coffer worker and the
    // compression helpers the page starts for it too) starts from a blob.
    await page.addInitScript(() => {
      if (new URLSearchParams(window.location.search).has('no-service-worker'))
        ServiceWorkerContainer.prototype.register = () => new Promise(() => {});
    });
    await page.goto(`${url}?no-service-worker`);
    await startEveryWorker(page);
    const firstVisit = await tryFromEverywhere(page, elsewhere, browserName !== 'firefox');
    console.log('first visit:', firstVisit.workers.join(' '), firstVisit.outcomes.join(' '));
    expect(firstVisit.workers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(firstVisit.workers)).toEqual(new Set(['blob:']));
    if (browserName !== 'firefox') expect(firstVisit.outcomes).toEqual(firstVisit.workers.map(() => 'blocked'));
    expect(await tryFromBlobWorker(page, elsewhere)).toBe('blocked');
    expect(firstVisit.fromPage).toBe('blocked');

    // After a reload the service worker serves the page and every script, with the policy. The
    // Coffer worker and the chat reader start with the page; a backup adds the compression
    // helpers, which the page starts for the Coffer worker.
    await page.goto(url);
    await untilServiceWorkerControls(page);
    await page.reload();
    await untilServiceWorkerControls(page);
    await startEveryWorker(page);
    const served = await tryFromEverywhere(page, elsewhere, browserName !== 'firefox');
    console.log('served by the service worker:', served.workers.join(' '), served.outcomes.join(' '));
    expect(served.workers.length).toBeGreaterThanOrEqual(3);
    expect(new Set(served.workers)).toEqual(new Set(['http:']));
    if (browserName !== 'firefox') expect(served.outcomes).toEqual(served.workers.map(() => 'blocked'));
    expect(served.policies.length).toBe(served.workers.length);
    for (const policy of served.policies) expect(policy).toMatch(APP_POLICY);
    expect(served.fromPage).toBe('blocked');
    expect(hits).toBe(0);
  } finally {
    server.kill();
    collector.close();
  }
});
