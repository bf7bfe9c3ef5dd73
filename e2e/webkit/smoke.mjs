#!/usr/bin/env node
/**
 * The WebKit smoke run (issue 14): Debian's WebKitWebDriver drives MiniBrowser under Xvfb
 * (Playwright cannot drive Debian's WebKit build; see ../shared/reference/engines.md). Against the
 * BUILT app it makes a small backup (the download is captured through the same test-only hook the
 * Firefox tests use, on the app's real download code), checks it with the command-line tool, then
 * opens a CLI-made backup, lists it, restores one file, verifies it and restores all as a .zip.
 *
 * Each step is a feature of the support matrix; results go to --json (see scripts/support-matrix.mjs).
 * Exit 0 when every step passed, 1 when one failed; a machine without the driver or Xvfb records
 * every step as skipped with that reason (exit 0 unless --require, which CI's .ci/run implies
 * by installing both).
 * Usage: node e2e/webkit/smoke.mjs [--json FILE] [--dist DIR] [--port N] [--require]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import { Builder, By, until } from 'selenium-webdriver';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    dist: { type: 'string', default: 'dist' },
    port: { type: 'string', default: process.env.COFFER_WEBKIT_PORT },
    require: { type: 'boolean', default: false },
  },
});

const MINIBROWSER = process.env.COFFER_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const PASSPHRASE = 'orbit lantern cactus symphony 42';
const STEP_TIMEOUT = 60_000;

/** The steps, in order; each needs the ones before it. Names are the support matrix's feature ids. */
const STEPS = [
  ['load', 'The built app loads and says it holds files in memory (no OPFS under automation)'],
  ['backup', 'Back up two files with a passphrase; the download opens with the command-line tool'],
  ['open', 'Open a backup made by the command-line tool, unlock with its recovery key, list it'],
  ['restore-file', 'Restore one file (a download) with the same bytes'],
  ['verify', 'Verify the opened backup'],
  ['restore-zip', 'Restore all as a .zip with every file intact'],
  ['vault', 'On this device: says Safari may evict storage after about 7 days, and keeps nothing without OPFS'],
];

const results = [];
const started = performance.now();
const processes = [];
const scratch = mkdtempSync(join(tmpdir(), 'coffer-webkit-'));

function record(feature, status, reason, ms) {
  results.push({ feature, title: STEPS.find(([id]) => id === feature)[1], status, reason, ms: Math.round(ms) });
  console.log(
    `  ${status === 'passed' ? '✓' : status === 'skipped' ? '-' : '✘'} [webkit] ${feature}${reason ? ` (${reason})` : ''}`,
  );
}

function writeReport(browser) {
  if (!values.json) return;
  writeFileSync(values.json, `${JSON.stringify({ engine: 'webkit', browser, results }, null, 2)}\n`);
}

function missingTools() {
  for (const tool of ['Xvfb', 'WebKitWebDriver']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  if (spawnSync('test', ['-x', MINIBROWSER]).status !== 0) return `${MINIBROWSER} is missing`;
  return undefined;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function start(command, args, env = {}, stdout = 'ignore') {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'ignore'] });
  processes.push(child);
  return child;
}

/** Resolves once `child` prints a line matching `pattern` (or rejects when it exits first). */
function waitForOutput(child, pattern, timeout = 15_000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} from ${child.spawnfile} in ${timeout} ms`)),
      timeout,
    );
    child.stdout.on('data', (data) => {
      seen += data;
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.on('exit', (code) => reject(new Error(`${child.spawnfile} exited (${code}): ${seen.slice(-300)}`)));
  });
}

async function waitForHttp(url, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${url} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function coffer(args, env = {}) {
  const result = spawnSync(process.execPath, ['bin/coffer.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`coffer ${args[0]} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

// --- Page helpers (WebDriver classic: XPath by visible label, as a person finds the controls) ---

const byLabel = (label) => By.xpath(`//label[normalize-space(text())=${JSON.stringify(label)}]//input`);
const byInputName = (name) => By.css(`input[aria-label=${JSON.stringify(name)}]`);
const byButton = (name) =>
  By.xpath(`//button[normalize-space()=${JSON.stringify(name)} or @aria-label=${JSON.stringify(name)}]`);

/** The element, once it is there (the app renders after each step's work). */
function find(driver, locator) {
  return driver.wait(until.elementLocated(locator), STEP_TIMEOUT, `${locator} did not appear`);
}

async function waitForText(driver, text) {
  await driver.wait(
    async () => (await driver.executeScript('return document.body.innerText')).includes(text),
    STEP_TIMEOUT,
    `"${text}" did not appear`,
  );
}

/** Installs the test-only download observer that src/ui/shared/download.ts calls. */
async function observeDownloads(driver) {
  await driver.executeScript(
    `window.__cofferDownloads = [];
     window.__cofferDownloadObserver = (blob, name) => window.__cofferDownloads.push({ blob, name });
     window.__cofferErrors = [];
     addEventListener('error', (event) => window.__cofferErrors.push(String(event.message)));
     addEventListener('unhandledrejection', (event) => window.__cofferErrors.push(String(event.reason)));`,
  );
}

/** Uncaught errors and rejections in the page since the observer was installed. */
async function pageErrors(driver) {
  return (await driver.executeScript('return window.__cofferErrors ?? []')).join('; ');
}

/** Waits for download number `index` and copies its bytes out of the page. */
async function download(driver, index) {
  await driver.wait(
    async () => (await driver.executeScript('return window.__cofferDownloads.length')) > index,
    STEP_TIMEOUT,
    'no download started',
  );
  const { name, base64 } = await driver.executeScript(
    `const { blob, name } = window.__cofferDownloads[arguments[0]];
     return blob.arrayBuffer().then((buffer) => {
       const bytes = new Uint8Array(buffer);
       let binary = '';
       for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
       return { name, base64: btoa(binary) };
     });`,
    index,
  );
  return { name, bytes: Buffer.from(base64, 'base64') };
}

function expectEqual(actual, expected, what) {
  if (!Buffer.from(actual).equals(Buffer.from(expected))) throw new Error(`${what} differs from the original`);
}

// --- The run ---

async function smoke(driver, appUrl, files) {
  const steps = {
    async load() {
      await driver.get(appUrl);
      await driver.wait(until.elementLocated(By.css('[data-testid="memory-mode"]')), STEP_TIMEOUT);
      await waitForText(driver, 'held in memory until it downloads: up to 1 GiB');
      await observeDownloads(driver);
    },
    async backup() {
      await find(driver, byInputName('Add files')).sendKeys(`${files.text}\n${files.binary}`);
      await waitForText(driver, '2 files');
      await find(driver, byLabel('Passphrase')).sendKeys(PASSPHRASE);
      await find(driver, byLabel('Confirm passphrase')).sendKeys(PASSPHRASE);
      await waitForText(driver, 'Strong enough');
      await find(driver, byButton('Create backup')).click();
      const made = await download(driver, 0);
      await waitForText(driver, 'Read back and checked');
      if (!made.name.endsWith('.coffer')) throw new Error(`the backup was named ${made.name}`);
      const path = join(scratch, made.name);
      writeFileSync(path, made.bytes);
      const listed = JSON.parse(coffer(['list', path, '--json'], { COFFER_PASSPHRASE: PASSPHRASE }));
      const paths = listed.map((entry) => entry.path).sort();
      if (paths.join() !== 'notes.txt,photo.bin') throw new Error(`the CLI lists ${paths.join()}`);
      coffer(['verify', path], { COFFER_PASSPHRASE: PASSPHRASE });
    },
    async open() {
      await find(driver, byInputName('Open backup')).sendKeys(files.cliBackup);
      await find(driver, byLabel('Recovery key')).sendKeys(readFileSync(files.cliKey, 'utf8').trim());
      await find(driver, byButton('Unlock')).click();
      await driver.wait(until.elementLocated(By.css('ul[aria-label="Backup contents"]')), STEP_TIMEOUT);
      const listed = await find(driver, By.css('ul[aria-label="Backup contents"]')).getText();
      for (const name of ['notes.txt', 'photo.bin', 'deep.txt']) {
        if (!listed.includes(name)) throw new Error(`the list lacks ${name}`);
      }
    },
    async 'restore-file'() {
      await find(driver, byButton('Download tree/photo.bin')).click();
      const got = await download(driver, 1);
      if (got.name !== 'photo.bin') throw new Error(`the download was named ${got.name}`);
      expectEqual(got.bytes, readFileSync(files.binary), 'photo.bin');
    },
    async verify() {
      await find(driver, byButton('Verify backup')).click();
      await waitForText(driver, 'Verified: all 3 files');
    },
    async 'restore-zip'() {
      await find(driver, byButton('Restore all')).click();
      const zip = unzipSync(new Uint8Array((await download(driver, 2)).bytes));
      expectEqual(zip['tree/photo.bin'], readFileSync(files.binary), 'tree/photo.bin in the zip');
      expectEqual(zip['tree/notes.txt'], readFileSync(files.text), 'tree/notes.txt in the zip');
      expectEqual(zip['tree/sub/deep.txt'], readFileSync(files.deep), 'tree/sub/deep.txt in the zip');
    },
    async vault() {
      await find(driver, byButton('On this device')).click();
      await waitForText(driver, 'after about 7 days without a visit');
      await waitForText(driver, 'a cache, not your only copy');
      await find(driver, byButton('Back up')).click();
      const keep = await find(driver, By.xpath('//label[contains(., "Keep a copy on this device")]//input'));
      // The panel learns about storage a moment after it renders: wait for the answer.
      await driver
        .wait(async () => !(await keep.isEnabled()), 10_000)
        .catch(() => {
          throw new Error('"Keep a copy on this device" is offered without private storage');
        });
    },
  };
  let failed = false;
  for (const [id] of STEPS) {
    if (failed) {
      record(id, 'skipped', 'an earlier WebKit step failed', 0);
      continue;
    }
    const t0 = performance.now();
    try {
      await steps[id]();
      const errors = await pageErrors(driver);
      if (errors) throw new Error(`uncaught errors in the page: ${errors}`);
      record(id, 'passed', undefined, performance.now() - t0);
    } catch (error) {
      failed = true;
      const message = `${error?.name ?? 'Error'}: ${error?.message ?? error}`.split('\n')[0];
      record(id, 'failed', message, performance.now() - t0);
    }
  }
}

function makeFiles() {
  const tree = join(scratch, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  const files = {
    text: join(tree, 'notes.txt'),
    // Over one 256 KiB chunk, so reading crosses chunk boundaries.
    binary: join(tree, 'photo.bin'),
    deep: join(tree, 'sub', 'deep.txt'),
    cliBackup: join(scratch, 'cli-made.coffer'),
    cliKey: join(scratch, 'cli.key'),
  };
  writeFileSync(files.text, 'hello from WebKit\n'.repeat(100));
  const binary = new Uint8Array(600_000);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + (i >> 9)) & 0xff;
  writeFileSync(files.binary, binary);
  writeFileSync(files.deep, 'nested\n');
  coffer(['create', '-o', files.cliBackup, '--new-recovery-key', files.cliKey, tree]);
  return files;
}

async function main() {
  console.log('\nWebKit smoke run (WebKitWebDriver + MiniBrowser under Xvfb)');
  const missing = missingTools();
  if (missing) {
    for (const [id] of STEPS) record(id, 'skipped', missing, 0);
    writeReport(undefined);
    return values.require ? 1 : 0;
  }
  let driver;
  let browser;
  try {
    const files = makeFiles();
    const xvfb = start('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {}, 'pipe');
    const [, display] = await waitForOutput(xvfb, /^(\d+)\n/);
    const driverPort = await freePort();
    const webdriver = start('WebKitWebDriver', [`--port=${driverPort}`], { DISPLAY: `:${display}` });
    const appPort = Number(values.port ?? (await freePort()));
    start(process.execPath, ['scripts/serve.mjs', '--port', String(appPort), '--dir', values.dist]);
    await waitForHttp(`http://127.0.0.1:${appPort}/`);
    await waitForHttp(`http://127.0.0.1:${driverPort}/status`).catch(async () => {
      throw new Error(`WebKitWebDriver did not start: exit ${webdriver.exitCode}`);
    });
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${driverPort}`)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      })
      .build();
    const caps = await driver.getCapabilities();
    browser = `${caps.get('browserName')} ${caps.get('browserVersion')}`;
    await smoke(driver, `http://127.0.0.1:${appPort}/`, files);
  } catch (error) {
    const done = new Set(results.map((result) => result.feature));
    for (const [id] of STEPS) if (!done.has(id)) record(id, 'failed', `setup: ${error?.message ?? error}`, 0);
  } finally {
    await driver?.quit().catch(() => {});
    for (const child of processes.reverse()) child.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
  writeReport(browser);
  const failed = results.filter((result) => result.status === 'failed').length;
  const passed = results.filter((result) => result.status === 'passed').length;
  console.log(`  WebKit: ${passed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
