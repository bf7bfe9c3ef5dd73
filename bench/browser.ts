/**
 * The Chromium half of the benchmark: builds bench/page from the app's modules, serves it on
 * loopback, and drives it with Playwright in a real on-disk profile (so OPFS is on disk, as for a
 * person). Memory is the resident size of this browser's renderer processes (the page, Coffer's
 * worker and any workers it starts all live there), read from /proc while each step runs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium.ts';
import { bigFileMemory, createAndRestore, pathRows, treeIoCeilings, treeWithCoffer } from './browser-coffer.ts';
import { call, type PageBench, rendererPids } from './browser-page.ts';
import { cpuReference, ioReference, peerTools } from './browser-reference.ts';
import type { BenchData } from './data.ts';
import { type Figure, sampleRss } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface BrowserResults {
  figures: Record<string, Figure>;
  skipped: string[];
  version: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

function serve(dir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let path = normalize(join(dir, decodeURIComponent(url.pathname)));
    if (!path.startsWith(dir + sep) && path !== dir) return void response.writeHead(403).end();
    if (url.pathname.endsWith('/')) path = join(path, 'index.html');
    if (!existsSync(path)) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    response.end(readFileSync(path));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

export async function runBrowser(
  data: BenchData,
  work: string,
  repeats: number,
  log: (line: string) => void,
  want: (group: string) => boolean = () => true,
): Promise<BrowserResults> {
  const figures: Record<string, Figure> = {};
  const skipped: string[] = [];
  const record = (name: string, value: Figure) => {
    figures[name] = value;
    const extra = value.extra ? ` ${JSON.stringify(value.extra)}` : '';
    log(`  ${name}: ${value.median.toFixed(value.unit === 'MB/s' ? 0 : 3)} ${value.unit}${extra}`);
  };
  const outDir = join(work, 'page');
  await build({ configFile: join(ROOT, 'bench/vite.config.ts'), build: { outDir } });
  const server = await serve(outDir);
  const profile = mkdtempSync(join(tmpdir(), 'coffer-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
  });
  let version = '';
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The page asks for no favicon, but the browser does; nothing else may fail.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
        errors.push(`${message.text()} (${message.location().url})`);
      }
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForSelector('body[data-ready="true"]');
    version = /Chrome\/([\d.]+)/.exec(await page.evaluate(() => navigator.userAgent))?.[1] ?? '';
    await page.locator('#random').setInputFiles(data.random);
    await page.locator('#text').setInputFiles(data.text);
    await page.locator('#tree').setInputFiles(data.tree);
    await page.locator('#one').setInputFiles(join(data.tree, data.treeSample));
    if (data.big) await page.locator('#big').setInputFiles(data.big);
    const memory = () => sampleRss(() => rendererPids(profile));
    const bench: PageBench = { page, data, repeats, log, record, memory, skipped };

    if (want('browser.io')) await createAndRestore(bench);

    if (want('browser.tree.coffer')) await treeWithCoffer(bench);

    if (want('browser.path')) await pathRows(bench);

    if (want('browser.tree.io')) await treeIoCeilings(bench);

    if (data.big && want('browser.big')) await bigFileMemory(bench);

    if (want('browser.ref.io')) await ioReference(bench);

    if (want('browser.ref.cpu')) await cpuReference(bench, want);

    if (want('browser.peers')) await peerTools(bench);
    await call(page, 'clear');
    if (errors.length > 0) throw new Error(`errors in the benchmark page: ${errors.join('; ')}`);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return { figures, skipped, version };
}
