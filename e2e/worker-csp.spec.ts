/**
 * The no-network promise holds in the workers too, on a host that sends no headers (issue 28,
 * item 10). A `<meta>` policy does not reach a worker started from its own script URL; Coffer
 * starts every worker from a blob that imports its script, so each inherits the page's policy.
 * Here the app is served with no security headers at all, and each worker (the Coffer worker,
 * the chat reader and the compression helpers) tries to reach a server on another origin.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBackup, expect, setPassphrase, test } from './helpers.ts';

const PORT = 4421;

test('the Content-Security-Policy blocks requests to other origins from every worker, with no headers from the server', async ({
  page,
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
    const plain = await fetch(url);
    expect(plain.headers.get('content-security-policy')).toBeNull();
    await page.goto(url);
    // A backup with compression starts the Coffer worker and its helpers; the chat reader's
    // worker starts with the page.
    await page.getByLabel('Add files').setInputFiles({
      name: 'words.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('compress me '.repeat(50_000)),
    });
    await setPassphrase(page);
    await createBackup(page);
    const workers = page.workers();
    expect(workers.length).toBeGreaterThanOrEqual(2);
    const outcomes: string[] = [];
    for (const worker of workers) {
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
    console.log(
      `workers tried: ${workers.length} (${workers.map((worker) => worker.url().split('/').pop()).join(', ')})`,
    );
    const fromPage = await page.evaluate(
      (target) =>
        fetch(target).then(
          () => 'reached',
          () => 'blocked',
        ),
      elsewhere,
    );
    expect({ fromPage, outcomes, hits }).toEqual({
      fromPage: 'blocked',
      outcomes: workers.map(() => 'blocked'),
      hits: 0,
    });
  } finally {
    server.kill();
    collector.close();
  }
});
