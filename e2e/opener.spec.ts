/**
 * The one-file offline opener (dist/coffer-opener.html) opened from disk, as a person who saved
 * it would: file://, no server, no service worker. Runs in Chromium and Firefox.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { backupBytes, bytesSource, OpenedBackup } from '../src/core/index.ts';
import { buildRecoveryKit } from '../src/core/recovery-kit.ts';
import { expect, makeTree, nextDownload, PASSPHRASE, profileTest, savedDownload, tempDir, test } from './helpers.ts';

const OPENER = resolve(process.env.COFFER_E2E_DIST ?? 'dist', 'coffer-opener.html');
const OPENER_URL = pathToFileURL(OPENER).href;

function coffer(args: string[]): void {
  execFileSync(process.execPath, ['bin/coffer.mjs', ...args], {
    env: { ...process.env, COFFER_PASSPHRASE: PASSPHRASE },
  });
}

interface Fixture {
  backup: string;
  keyFile: string;
  files: Record<string, Buffer>;
}

/** A folder with text, an empty file, an empty folder and 3 MiB of random bytes (12 chunks). */
function makeBackup(): Fixture {
  const { root, files: text } = makeTree();
  const big = randomBytes(3 * 1024 * 1024 + 123);
  mkdirSync(join(root, 'media'), { recursive: true });
  writeFileSync(join(root, 'media/random.bin'), big);
  const dir = tempDir('opener');
  const backup = join(dir, 'photos.coffer');
  const keyFile = join(dir, 'key.txt');
  coffer(['create', '-q', '-o', backup, '--new-recovery-key', keyFile, root]);
  const files: Record<string, Buffer> = { 'media/random.bin': big };
  for (const [path, content] of Object.entries(text)) files[path] = Buffer.from(content);
  return { backup, keyFile, files };
}

let fixture: Fixture;
test.beforeAll(() => {
  fixture = makeBackup();
});

/** Every request the page makes; a page opened from disk must make none but its own file. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

async function openFromDisk(page: Page, backup: string): Promise<void> {
  await page.goto(OPENER_URL);
  await page.getByLabel('Open backup').setInputFiles(backup);
}

const ROOT = 'Fotos été';

test('opens a backup from file:// with its passphrase and restores all (zip) and one file, offline', async ({
  page,
  context,
}) => {
  const requests = recordRequests(page);
  await context.setOffline(true);
  await openFromDisk(page, fixture.backup);
  await expect(page.getByText('Unlock it with its passphrase or its recovery key.')).toBeVisible();
  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  const list = page.getByRole('list', { name: 'Backup contents' });
  await expect(list).toContainText('empty folder/');
  await expect(list).toContainText(`${ROOT}/media/random.bin`);

  const zipDownload = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await zipDownload)));
  for (const [path, content] of Object.entries(fixture.files)) {
    expect(Buffer.from(zip[`${ROOT}/${path}`]).equals(content), path).toBe(true);
  }
  expect(Object.keys(zip)).toContain(`${ROOT}/empty folder/`);
  await expect(page.getByRole('status')).toContainText('Restored everything into photos.zip');

  const one = nextDownload(page);
  await page.getByRole('button', { name: `Download ${ROOT}/media/random.bin` }).click();
  const saved = await one;
  expect(saved.suggestedFilename()).toBe('random.bin');
  expect(readFileSync(await savedDownload(saved)).equals(fixture.files['media/random.bin'])).toBe(true);

  // Nothing but the page itself was loaded (downloads are blob: URLs made in the page; Firefox
  // does not report the file:// page itself as a request), and the page fetched no resource.
  expect(requests.filter((url) => url !== OPENER_URL && !url.startsWith('blob:'))).toEqual([]);
  expect(await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name))).toEqual([]);
  expect(await page.evaluate(() => navigator.serviceWorker?.controller ?? null)).toBeNull();
});

test('opens a zstd backup, as the app writes by default, with the codec inside the file', async ({ page, context }) => {
  const dir = tempDir('opener-zstd');
  const lines = Array.from(
    { length: 60_000 },
    (_, i) => `[${i % 28}/03/2024] Sam: message ${(i * 2654435761) % 99991}\n`,
  );
  const text = Buffer.from(lines.join(''));
  writeFileSync(join(dir, 'chat.txt'), text);
  const backup = join(dir, 'chat.coffer');
  coffer(['create', '-q', '--compression', 'zstd', '-o', backup, join(dir, 'chat.txt')]);
  const opened = await OpenedBackup.open(bytesSource(new Uint8Array(readFileSync(backup))), { passphrase: PASSPHRASE });
  expect(opened.entries.map((entry) => entry.method)).toEqual([2]);

  const requests = recordRequests(page);
  await context.setOffline(true);
  await openFromDisk(page, backup);
  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  const one = nextDownload(page);
  await page.getByRole('button', { name: 'Download chat.txt' }).click();
  expect(readFileSync(await savedDownload(await one)).equals(text)).toBe(true);
  expect(requests.filter((url) => url !== OPENER_URL && !url.startsWith('blob:'))).toEqual([]);
});

test('refuses what is not a backup, unlocks with the recovery key or the kit, and says plainly what is wrong', async ({
  page,
}) => {
  const notBackup = join(tempDir('not-coffer'), 'notes.coffer');
  writeFileSync(notBackup, 'just some text, not a backup\n'.repeat(10));
  await openFromDisk(page, notBackup);
  await expect(page.getByRole('alert')).toContainText('This file is not a Coffer backup.');
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeHidden();

  await page.getByLabel('Open backup').setInputFiles(fixture.backup);
  await page.getByLabel('Passphrase').fill('not the passphrase at all');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toContainText('That does not unlock this backup.');

  const key =
    readFileSync(fixture.keyFile, 'utf8')
      .match(/\d{4}( ?\d{4}){15}/)?.[0]
      .replace(/ /g, '') ?? '';
  expect(key).toHaveLength(64);
  await page.getByLabel('Passphrase').fill('');
  const typo = `${key.slice(0, 10)}${(Number(key[10]) + 1) % 10}${key.slice(11)}`;
  await page.getByLabel('Recovery key', { exact: true }).fill(typo);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toContainText('That recovery key has a typo.');

  const kit = join(tempDir('kit'), 'kit.txt');
  writeFileSync(kit, buildRecoveryKit(key, { date: '2026-12-03', sources: ['photos'], appAddress: 'https://x/' }));
  await page.getByLabel('Or choose the recovery kit').setInputFiles(kit);
  await expect(page.getByLabel('Recovery key', { exact: true })).toHaveValue(/^\d{4}( \d{4}){15}$/);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText(`${ROOT}/ça va.md`);
  await expect(page.getByRole('alert')).toBeEmpty();
});

test('a cut-short backup says incomplete and an altered one damaged, in the same words as the app', async ({
  page,
}) => {
  const bytes = readFileSync(fixture.backup);
  const dir = tempDir('opener-variants');
  const cases = [
    {
      name: 'cut-1',
      make: () => bytes.subarray(0, bytes.length - 1),
      headline: /^This backup is incomplete: the file ends early\./,
    },
    {
      name: 'cut-1000',
      make: () => bytes.subarray(0, bytes.length - 1000),
      headline: /^This backup is incomplete: the file ends early\./,
    },
    {
      name: 'altered',
      make: () => {
        const copy = Buffer.from(bytes);
        copy[copy.length - 40] ^= 0x10;
        return copy;
      },
      headline: /^This backup is damaged or has been altered\./,
    },
  ];
  for (const { name, make, headline } of cases) {
    const path = join(dir, `${name}.coffer`);
    writeFileSync(path, make());
    await openFromDisk(page, path);
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    const alert = page.getByRole('alert');
    await expect(alert, name).toHaveText(headline);
    // The headline is the first line; the technical detail comes after it, never instead.
    await expect(alert.locator('p').first(), name).toHaveText(headline);
  }
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing in the opener (${colorScheme}), and at 390 px nothing is wider than the screen`, async ({
    page,
  }) => {
    const violations = async () =>
      (await new AxeBuilder({ page }).analyze()).violations.map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(', ')}`,
      );
    const widest = () =>
      page.evaluate(() =>
        Math.max(...Array.from(document.querySelectorAll('body *'), (node) => node.getBoundingClientRect().right)),
      );
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme });
    await page.goto(OPENER_URL);
    expect(await violations()).toEqual([]);
    // A name of 150 characters without a space, as a camera or an export may make.
    const { root } = makeTree();
    const long = `${'a'.repeat(146)}.txt`;
    writeFileSync(join(root, long), 'long name');
    const backup = join(tempDir('opener-long'), 'long.coffer');
    coffer(['create', '-q', '-o', backup, root]);
    await page.getByLabel('Open backup').setInputFiles(backup);
    await page.getByLabel('Passphrase').fill('wrong passphrase');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('alert')).toContainText('That does not unlock this backup.');
    expect(await violations()).toEqual([]);
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText(long);
    expect(await violations()).toEqual([]);
    expect(await widest()).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
}

test('a backup with a passkey says the passkey works in the app, and opens with its recovery key', async ({ page }) => {
  const key = '1'.repeat(60);
  // Any 64 digits divisible by 9973 are a valid key; find the check digits as the app does.
  const check = (9973n - ((BigInt(key) * 10000n) % 9973n)) % 9973n;
  const recoveryKey = key + check.toString().padStart(4, '0');
  const parts: Uint8Array[] = [];
  const content = new TextEncoder().encode('kept safe\n');
  const entries = [{ path: 'note.txt', type: 'file' as const, mtime: Date.now(), open: () => [content] }];
  const slots = [
    { kind: 'recovery-key' as const, recoveryKey },
    {
      kind: 'passkey' as const,
      prfOutput: new Uint8Array(32).fill(7),
      rpIdHash: new Uint8Array(32).fill(1),
      prfSalt: new Uint8Array(32).fill(2),
      credentialId: new Uint8Array(16).fill(3),
    },
  ];
  for await (const piece of backupBytes(entries, { slots })) parts.push(piece);
  const backup = join(tempDir('passkey'), 'with-passkey.coffer');
  writeFileSync(backup, Buffer.concat(parts));

  await openFromDisk(page, backup);
  await expect(page.getByText(/It also has a passkey: .* open this backup in the app\./)).toBeVisible();
  await expect(page.getByLabel('Passphrase')).toBeHidden();
  await page.getByLabel('Recovery key', { exact: true }).fill(recoveryKey);
  await page.getByRole('button', { name: 'Unlock' }).click();
  const one = nextDownload(page);
  await page.getByRole('button', { name: 'Download note.txt' }).click();
  expect(readFileSync(await savedDownload(await one), 'utf8')).toBe('kept safe\n');
});

profileTest('streams to a file the person picks where the browser offers a save picker', async ({ page }) => {
  // A stand-in for showSaveFilePicker that records what the opener writes and whether it closed.
  await page.addInitScript(() => {
    const w = window as unknown as { __picked: { name: string; parts: Uint8Array[]; closed: boolean }[] };
    w.__picked = [];
    Object.assign(window, {
      showSaveFilePicker: async ({ suggestedName }: { suggestedName: string }) => {
        const record = { name: suggestedName, parts: [] as Uint8Array[], closed: false };
        w.__picked.push(record);
        return {
          createWritable: async () => ({
            write: async (bytes: Uint8Array) => void record.parts.push(bytes.slice()),
            close: async () => {
              record.closed = true;
            },
            abort: async () => {},
          }),
        };
      },
    });
  });
  await openFromDisk(page, fixture.backup);
  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('button', { name: `Download ${ROOT}/data/numbers.csv` }).click();
  await expect(page.getByRole('status')).toContainText(`Restored ${ROOT}/data/numbers.csv`);
  const picked = await page.evaluate(async () => {
    const [record] = (window as unknown as { __picked: { name: string; parts: Uint8Array[]; closed: boolean }[] })
      .__picked;
    const text = await new Blob(record.parts as Uint8Array<ArrayBuffer>[]).text();
    return { name: record.name, closed: record.closed, text };
  });
  expect(picked).toEqual({ name: 'numbers.csv', closed: true, text: fixture.files['data/numbers.csv'].toString() });
});

test('the file is self-contained, allows no network and states its true size', async () => {
  const html = readFileSync(OPENER, 'utf8');
  expect(html).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)=/i);
  const policy = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
  expect(policy).toContain("default-src 'none'");
  expect(policy).not.toMatch(/connect-src|'self'|https?:/);
  const size = statSync(OPENER).size;
  expect(html).toContain(`${size.toLocaleString('en-US')} bytes`);
});

test('the app offers the opener as a download of the very same file', async ({ page, context }) => {
  await page.goto('./');
  const link = page.getByRole('link', { name: 'Download the offline opener' });
  await expect(link).toHaveAttribute('download', 'coffer-opener.html');
  const served = await page.evaluate(
    async (href) => (await fetch(href)).text(),
    (await link.getAttribute('href')) ?? '',
  );
  expect(served).toBe(readFileSync(OPENER, 'utf8'));
  // Opened straight from the site, the site's policy blocks its inline code (which the browser
  // reports, so in a page outside the fixture's error check): it says what to do instead.
  const onSite = await context.newPage();
  await onSite.goto('./coffer-opener.html');
  await expect(onSite.getByText('If this message stays, the opener could not start here.')).toBeVisible();
  await expect(onSite.getByLabel('Open backup')).toBeHidden();
});
