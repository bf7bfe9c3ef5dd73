/**
 * The Chromium half of the benchmark: builds bench/page from the app's modules, serves it on
 * loopback, and drives it with Playwright in a real on-disk profile (so OPFS is on disk, as for a
 * person). Memory is the resident size of this browser's renderer processes (the page, Coffer's
 * worker and any workers it starts all live there), read from /proc while each step runs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium.ts';
import type { BenchData } from './data.ts';
import { type Figure, figure, MB, MiB, repeat, sampleRss } from './lib.ts';
import { TREE_IO_VARIANTS, type TreeIoVariant } from './page/tree-io.ts';

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

/** PIDs of this browser's renderers: the only processes that run page and worker code. */
function rendererPids(profile: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (args.includes('--type=renderer') && args.includes(profile)) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

type Bench = {
  create(o: {
    input: string;
    name: string;
    compress: boolean;
    /** Repair data in percent (spec 11), spilled to a private-storage file as the app does. */
    parity?: number;
  }): Promise<{ seconds: number; bytes: number; size: number }>;
  restore(o: {
    name: string;
    folder: string;
    only?: string;
    zip?: boolean;
  }): Promise<{ seconds: number; listSeconds: number; bytes: number; entries: number }>;
  createSameSize(o: { bytes: number; name: string }): Promise<void>;
  downloadPath(o: { input: string; coffer: boolean }): Promise<{ bytes: number; size: number }>;
  treeIo(variant: TreeIoVariant): Promise<Record<string, number>>;
  clear(): Promise<void>;
  reference(request: Record<string, unknown>): Promise<Record<string, number>>;
};

function call<K extends keyof Bench>(page: Page, method: K, ...args: Parameters<Bench[K]>): ReturnType<Bench[K]> {
  return page.evaluate(
    ([name, rest]) =>
      (
        (window as unknown as { bench: Record<string, (...a: unknown[]) => Promise<unknown>> }).bench[name] as (
          ...a: unknown[]
        ) => Promise<unknown>
      )(...rest),
    [method, args] as const,
  ) as ReturnType<Bench[K]>;
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

    if (want('browser.io')) {
      log('Chromium: Coffer (the app worker, OPFS out)');
      for (const input of ['random', 'text'] as const) {
        const restoreRuns: { seconds: number; bytes: number; grow: number }[] = [];
        record(
          `browser.create.${input}`,
          await repeat(repeats, async () => {
            await call(page, 'clear');
            const sample = memory();
            const run = await call(page, 'create', { input, name: `${input}.coffer`, compress: true });
            const { baseline, peak } = sample.stop();
            const restoreSample = memory();
            const restored = await call(page, 'restore', { name: `${input}.coffer`, folder: `${input}-restored` });
            const restoreMemory = restoreSample.stop();
            if (restored.bytes !== run.bytes) throw new Error(`restored ${restored.bytes} of ${run.bytes} bytes`);
            restoreRuns.push({
              seconds: restored.seconds,
              bytes: restored.bytes,
              grow: (restoreMemory.peak - restoreMemory.baseline) / MiB,
            });
            return {
              seconds: run.seconds,
              bytes: run.bytes,
              extra: { ratio: run.size / run.bytes, rendererGrowthMiB: (peak - baseline) / MiB },
            };
          }),
        );
        record(
          `browser.restore.${input}`,
          figure(
            'MB/s',
            restoreRuns.map((r) => r.bytes / MB / r.seconds),
            {
              rendererGrowthMiB: figure(
                '',
                restoreRuns.map((r) => r.grow),
              ).median,
            },
          ),
        );
      }
    }

    if (want('browser.tree.coffer')) {
      log('Chromium: the 10,000-file tree');
      await call(page, 'clear');
      record(
        'browser.tree.create',
        await repeat(repeats, async () => {
          // Memory must not grow with the number of files beyond the index (issue 15).
          const sample = memory();
          const r = await call(page, 'create', { input: 'tree', name: 'tree.coffer', compress: true });
          const { baseline, peak } = sample.stop();
          return {
            seconds: r.seconds,
            extra: { ratio: r.size / r.bytes, files: data.treeFiles, rendererGrowthMiB: (peak - baseline) / MiB },
          };
        }),
      );
      record(
        'browser.tree.createStored',
        await repeat(repeats, async () =>
          call(page, 'create', { input: 'tree', name: 'tree-stored.coffer', compress: false }).then((r) => ({
            seconds: r.seconds,
          })),
        ),
      );
      await call(page, 'create', { input: 'one', name: 'one.coffer', compress: true });
      record(
        'browser.fixed',
        await repeat(repeats, async () => {
          const run = await call(page, 'restore', {
            name: 'one.coffer',
            folder: 'one-out',
            only: data.treeSample.split('/').pop(),
          });
          return { seconds: run.listSeconds };
        }),
      );
      const treeName = data.tree.split('/').pop() as string;
      const listRuns: number[] = [];
      record(
        'browser.tree.restoreOne',
        await repeat(repeats, async () => {
          const run = await call(page, 'restore', {
            name: 'tree.coffer',
            folder: 'one.bin',
            only: `${treeName}/${data.treeSample}`,
          });
          listRuns.push(run.listSeconds);
          return { seconds: run.seconds };
        }),
      );
      record('browser.tree.list', figure('s', listRuns));
      record(
        'browser.tree.restoreAll',
        await repeat(repeats, async (attempt) => {
          const sample = memory();
          const run = await call(page, 'restore', { name: 'tree.coffer', folder: `tree-restored-${attempt}` });
          const { baseline, peak } = sample.stop();
          if (run.bytes !== data.treeBytes) throw new Error('the tree restore is incomplete');
          return { seconds: run.seconds, extra: { rendererGrowthMiB: (peak - baseline) / MiB } };
        }),
      );
      // A .zip holds at most 65,535 entries (the app refuses more), so the scale run skips it.
      const zipFits = data.treeFiles + Math.ceil(data.treeFiles / 100) + 1 <= 0xffff;
      if (!zipFits) skipped.push('the tree as a .zip (more than 65,535 entries)');
      if (zipFits)
        record(
          'browser.tree.restoreZip',
          await repeat(repeats, async (attempt) => {
            const run = await call(page, 'restore', { name: 'tree.coffer', folder: `tree-${attempt}.zip`, zip: true });
            if (run.bytes !== data.treeBytes) throw new Error('the tree zip is incomplete');
            return { seconds: run.seconds };
          }),
        );
      // One file as large as the tree (the head of the random input): what the zip is compared with.
      if (statSync(data.random).size < data.treeBytes)
        skipped.push('one file as large as the tree (the random input is smaller)');
      else {
        await call(page, 'createSameSize', { bytes: data.treeBytes, name: 'same-size.coffer' });
        record(
          'browser.tree.restoreSameSize',
          await repeat(repeats, async (attempt) => {
            const run = await call(page, 'restore', {
              name: 'same-size.coffer',
              folder: `same-size-${attempt}.bin`,
              only: 'same-size.bin',
            });
            return { seconds: run.seconds };
          }),
        );
      }
    }

    if (want('browser.path')) {
      log('Chromium: the path without pickers, from the call to the finished download (issue 16 a)');
      for (const coffer of [true, false]) {
        record(
          `browser.path.download.${coffer ? 'coffer' : 'io'}`,
          await repeat(repeats, async () => {
            await call(page, 'clear');
            const start = performance.now();
            const downloaded = page.waitForEvent('download', { timeout: 0 });
            const run = await call(page, 'downloadPath', { input: 'random', coffer });
            const download = await downloaded;
            // Resolves once the browser has written the whole download to disk.
            const path = await download.path();
            const seconds = (performance.now() - start) / 1000;
            const size = statSync(path).size;
            await download.delete();
            if (size !== run.size) throw new Error(`downloaded ${size} of ${run.size} bytes`);
            return { seconds, bytes: run.bytes };
          }),
        );
      }
    }

    if (want('browser.tree.io')) {
      log('Chromium: the tree, I/O alone in a worker (the ceilings)');
      await call(page, 'clear');
      const best = { read: [] as number[][], write: [] as number[][] };
      for (const variant of TREE_IO_VARIANTS) {
        const samples: number[] = [];
        for (let i = 0; i < repeats; i++) {
          const run = await call(page, 'treeIo', variant);
          if (run.bytes !== data.treeBytes) throw new Error(`tree I/O moved ${run.bytes} of ${data.treeBytes} bytes`);
          samples.push(run.seconds);
        }
        record(`browser.tree.io.${variant.op}.${variant.how}.${variant.limit}`, figure('s', samples));
        best[variant.op].push(samples);
      }
      // The ceiling of each run is its fastest variant.
      for (const op of ['read', 'write'] as const) {
        const perRun = Array.from({ length: repeats }, (_, i) => Math.min(...best[op].map((s) => s[i])));
        record(`browser.tree.io.${op}Best`, figure('s', perRun));
      }
    }

    if (data.big && want('browser.big')) {
      log('Chromium: memory while backing up and restoring the large file');
      await call(page, 'clear');
      const sample = memory();
      const run = await call(page, 'create', { input: 'big', name: 'big.coffer', compress: true });
      const created = sample.stop();
      const restoreSample = memory();
      const restored = await call(page, 'restore', { name: 'big.coffer', folder: 'big-restored' });
      const restoredMemory = restoreSample.stop();
      if (restored.bytes !== run.bytes) throw new Error('the large restore is incomplete');
      record(
        'browser.big.create',
        figure('MB/s', [run.bytes / MB / run.seconds], {
          bytes: run.bytes,
          rendererGrowthMiB: (created.peak - created.baseline) / MiB,
          rendererBaselineMiB: created.baseline / MiB,
        }),
      );
      record(
        'browser.big.restore',
        figure('MB/s', [restored.bytes / MB / restored.seconds], {
          rendererGrowthMiB: (restoredMemory.peak - restoredMemory.baseline) / MiB,
        }),
      );
      await call(page, 'clear');
      // Issue 28: repair data must not grow the worker's memory with the backup's size.
      log('Chromium: memory while backing up the large file with repair data (10%)');
      const paritySample = memory();
      const withParity = await call(page, 'create', {
        input: 'big',
        name: 'big-parity.coffer',
        compress: true,
        parity: 10,
      });
      const parityMemory = paritySample.stop();
      record(
        'browser.big.createParity',
        figure('MB/s', [withParity.bytes / MB / withParity.seconds], {
          bytes: withParity.bytes,
          rendererGrowthMiB: (parityMemory.peak - parityMemory.baseline) / MiB,
        }),
      );
      await call(page, 'clear');
    }

    if (want('browser.ref.io')) {
      log('Chromium: I/O alone in a worker');
      const ios: Record<string, number>[] = [];
      for (let i = 0; i < repeats; i++) {
        ios.push(await call(page, 'reference', { op: 'io', input: 'random', chunk: 2 ** 18 }));
      }
      for (const key of [
        'readFile',
        'readSlices',
        'writeSync',
        'writeWritable',
        'writeWritable16',
        'memFresh',
        'memReused',
      ]) {
        record(
          `browser.io.${key}`,
          figure(
            'MB/s',
            ios.map((c) => c.bytes / MB / c[key]),
            key === 'readFile' ? { pieceKiB: ios[0].readPieceKiB } : undefined,
          ),
        );
      }
    }

    if (want('browser.ref.cpu')) {
      log('Chromium: raw ceilings and Argon2id in a worker');
      const ceilingBytes = 256 * MiB;
      const ceilings: Record<string, number>[] = [];
      for (let i = 0; i < repeats; i++) {
        ceilings.push(
          await call(page, 'reference', { op: 'ceiling', input: 'random', bytes: ceilingBytes, chunk: 2 ** 18 }),
        );
      }
      for (const key of ['encrypt1', 'encrypt4', 'decrypt1', 'decrypt4']) {
        record(
          `browser.aesgcm.${key}`,
          figure(
            'MB/s',
            ceilings.map((c) => c.bytes / MB / c[key]),
          ),
        );
      }
      for (const level of [1, 2]) {
        const deflates: Record<string, number>[] = [];
        for (let i = 0; i < repeats; i++) {
          deflates.push(await call(page, 'reference', { op: 'deflate', input: 'text', bytes: 64 * MiB, level }));
        }
        const keys: [string, string][] =
          level === 1
            ? [
                ['fflateDeflate', 'fflateSize'],
                ['fflateInflate', ''],
                ['nativeDeflate', 'nativeSize'],
                ['nativeInflate', ''],
              ]
            : [['fflateDeflate', 'fflateSize']];
        for (const [key, sizeKey] of keys) {
          record(
            `browser.${key}${level === 1 ? '' : level}`,
            figure(
              'MB/s',
              deflates.map((d) => d.bytes / MB / d[key]),
              sizeKey ? { ratio: deflates[0][sizeKey] / deflates[0].bytes } : undefined,
            ),
          );
        }
      }
      const zstdRuns: Record<string, number>[] = [];
      for (let i = 0; i < repeats; i++) {
        zstdRuns.push(await call(page, 'reference', { op: 'zstd', input: 'text', bytes: 64 * MiB }));
      }
      const zstdKeys: [string, string][] = [
        ['compress1', 'size1'],
        ['compress2', 'size2'],
        ['compress3', 'size3'],
        ['decompress', ''],
        ['poolCompress', 'poolSize2'],
        ['poolDecompress', ''],
      ];
      for (const [key, sizeKey] of zstdKeys) {
        record(
          `browser.zstd.${key}`,
          figure(
            'MB/s',
            zstdRuns.map((z) => z.bytes / MB / z[key]),
            sizeKey ? { ratio: zstdRuns[0][sizeKey] / zstdRuns[0].bytes } : undefined,
          ),
        );
      }
      for (const preset of want('argon2.strong') ? ['default', 'strong'] : ['default']) {
        record(
          `browser.argon2.${preset}`,
          await repeat(
            repeats,
            async () => ({ seconds: (await call(page, 'reference', { op: 'argon2', preset })).seconds }),
            'ms',
          ),
        );
      }
    }

    if (want('browser.peers')) {
      log('Chromium: peers in a worker, in memory (no I/O), then File in, OPFS out');
      const inMemory: Record<string, number>[] = [];
      for (let i = 0; i < repeats; i++) {
        inMemory.push(await call(page, 'reference', { op: 'peersInMemory', input: 'random', bytes: 256 * MiB }));
      }
      for (const peer of ['sodium', 'typage']) {
        for (const direction of ['Encrypt', 'Decrypt']) {
          record(
            `browser.${peer}.${direction.toLowerCase()}Memory`,
            figure(
              'MB/s',
              inMemory.map((r) => r.bytes / MB / r[`${peer}${direction}`]),
            ),
          );
        }
      }
      for (const peer of ['sodium', 'typage'] as const) {
        const decrypts: number[] = [];
        record(
          `browser.${peer}.encrypt`,
          await repeat(repeats, async () => {
            await call(page, 'clear');
            const enc = await call(page, 'reference', { op: peer, input: 'random', direction: 'encrypt' });
            const dec = await call(page, 'reference', { op: peer, input: 'random', direction: 'decrypt' });
            decrypts.push(dec.bytes / MB / dec.seconds);
            return { seconds: enc.seconds, bytes: enc.bytes };
          }),
        );
        record(`browser.${peer}.decrypt`, figure('MB/s', decrypts));
      }
    }
    await call(page, 'clear');
    if (errors.length > 0) throw new Error(`errors in the benchmark page: ${errors.join('; ')}`);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return { figures, skipped, version };
}
