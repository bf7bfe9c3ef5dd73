/**
 * Reading WhatsApp chats in the tab: a crypt15 of a generated message store (WhatsApp's real
 * schema, made-up conversations, 30,000 messages in one chat; the 100,000+ scale is a bench
 * row) is decrypted in the app, names come from a wa.db.crypt15 opened with the same key, a
 * known message is found with "Search messages", its chat opens at it, and the exports (one
 * chat, all chats) are self-contained HTML; "all chats" is the same file the CLI writes for the
 * same database. A database of another kind gets a message naming what is missing. Skipped,
 * saying so, where ../shared (the schema) is absent.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { GROUP_SUBJECT, generateContacts, generateModern, HAVE_SCHEMA, KNOWN } from '../test/whatsapp/chat-fixtures.ts';
import { makeCrypt15, zlib } from '../test/whatsapp/fixtures.ts';
import {
  expect,
  nextDownload,
  openBackup,
  savedDownload,
  setPassphrase,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

const ROOT = randomBytes(32);
const BULK = 30_000;
let work: string;
let database: Uint8Array;

test.skip(!HAVE_SCHEMA, 'needs ../shared/fixtures/whatsapp/msgstore.db for the WhatsApp schema');

test.beforeAll(async () => {
  work = tempDir('whatsapp-chats');
  database = await generateModern({ bulk: BULK });
  writeFileSync(join(work, 'msgstore.db'), database);
  writeFileSync(
    join(work, 'msgstore.db.crypt15'),
    makeCrypt15({ rootKey: ROOT, payload: zlib(database, 1), newer: true }),
  );
  const contacts = await generateContacts();
  writeFileSync(join(work, 'wa.db'), contacts);
  writeFileSync(join(work, 'wa.db.crypt15'), makeCrypt15({ rootKey: ROOT, payload: zlib(contacts), newer: true }));
});

/** The export with its one time-dependent element taken out. */
const timeless = (html: string) =>
  html.replace(/<time class="exported"[^<]*<\/time>/, '<time class="exported"></time>');

test('decrypt a crypt15, search a message, open its chat there, and export it as the CLI does', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  const requests: string[] = [];
  context.on('request', (request) => {
    // The service worker's first-visit precache fetches every asset after load; that is the
    // app installing itself, not the page or its workers asking for something.
    if (!request.serviceWorker()) requests.push(request.url());
  });
  await page.goto('./');
  // The recorder sees the reader worker load SQLite WASM at start-up, so it would see any later
  // request too. (Not 'networkidle': Playwright's Firefox driver does not settle it here.)
  await expect.poll(() => requests.some((url) => /sqlite3-.*\.wasm$/.test(url)), { timeout: 30_000 }).toBe(true);
  await page.waitForTimeout(1000);
  const loaded = requests.length;
  await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
  await page.getByLabel('Open WhatsApp backup').setInputFiles(join(work, 'msgstore.db.crypt15'));
  await page.getByLabel('WhatsApp key').fill(ROOT.toString('hex'));
  const decrypted = nextDownload(page);
  await page.getByRole('button', { name: 'Decrypt' }).click();
  expect((await decrypted).suggestedFilename()).toBe('msgstore.db');

  await page.getByLabel('Open wa.db for contact names').setInputFiles(join(work, 'wa.db.crypt15'));
  await page.getByRole('button', { name: 'Read chats' }).click();
  const chats = page.getByRole('region', { name: 'Chats', exact: true });
  await expect(chats.getByRole('button', { name: /Erin/ })).toContainText(`${BULK} messages`);
  await expect(chats.getByRole('button', { name: new RegExp(KNOWN.chat) })).toBeVisible();
  await expect(page.getByText('4 contact names from wa.db')).toBeVisible();

  await page.getByLabel('Search messages', { exact: true }).fill(KNOWN.search);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByText('1 message found.')).toBeVisible();
  await page
    .getByRole('list', { name: 'Search results' })
    .getByRole('button', { name: new RegExp(KNOWN.search) })
    .click();
  const messages = page.getByRole('region', { name: `Messages with ${KNOWN.chat}` });
  // The message itself (the reply below it quotes it too) is in view.
  await expect(messages.getByRole('paragraph').filter({ hasText: KNOWN.text })).toBeInViewport();
  await expect(page.getByRole('heading', { name: KNOWN.chat })).toBeVisible();

  const one = nextDownload(page);
  await page.getByRole('button', { name: 'Export this chat' }).click();
  const chatFile = await one;
  expect(chatFile.suggestedFilename()).toBe(`whatsapp-chat-${KNOWN.chat}.html`);
  const chatHtml = readFileSync(await savedDownload(chatFile), 'utf8');
  const sha256 = createHash('sha256').update(database).digest('hex');
  expect(chatHtml).toContain(`<code class="sha256">${sha256}</code>`);
  expect(chatHtml).toContain(`<p dir="auto">${KNOWN.text}</p>`);
  expect(chatHtml).toContain('5 messages');
  await expect(page.getByText(`Exported whatsapp-chat-${KNOWN.chat}.html`)).toBeVisible();

  // The long chat opens at its newest message, and only the rows in view are in the page.
  await chats.getByRole('button', { name: /Erin/ }).click();
  const erin = page.getByRole('region', { name: 'Messages with Erin' });
  await expect(erin.getByText(new RegExp(`^${BULK}: `))).toBeVisible();
  expect(await erin.getByRole('listitem').count()).toBeLessThan(200);

  const all = nextDownload(page, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Export all chats' }).click();
  const allFile = await all;
  expect(allFile.suggestedFilename()).toBe('whatsapp-chats.html');
  const appHtml = readFileSync(await savedDownload(allFile), 'utf8');

  const out = join(work, 'cli-export');
  execFileSync(
    process.execPath,
    [
      resolve('bin/coffer.mjs'),
      'whatsapp',
      'chats',
      join(work, 'msgstore.db'),
      '-o',
      out,
      '--contacts',
      join(work, 'wa.db'),
      '-q',
    ],
    { stdio: 'pipe' },
  );
  const cliHtml = readFileSync(join(out, 'whatsapp-chats.html'), 'utf8');
  expect(appHtml.length).toBeGreaterThan(1_000_000);
  expect(timeless(appHtml) === timeless(cliHtml), 'the app and the CLI write the same export').toBe(true);
  expect(
    requests.slice(loaded).filter((url) => /^https?:/.test(url)),
    'requests after the initial load',
  ).toEqual([]);
});

test('a database that is not a WhatsApp message store is refused, naming what is missing', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
  await page.getByLabel('Open msgstore.db').setInputFiles(join(work, 'wa.db'));
  await expect(page.getByText('Coffer cannot read the chats in this database.')).toBeVisible();
  await expect(
    page.getByText(/the modern \(message, chat, jid\) layout needs table "message"; table "chat"; table "jid"/),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Chats', exact: true })).toHaveCount(0);
});

test('a msgstore.db inside a .coffer backup opens in the chat reader from the Restore tab', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('./');
  await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
  await page.getByLabel('Open WhatsApp backup').setInputFiles(join(work, 'msgstore.db.crypt15'));
  await page.getByLabel('WhatsApp key').fill(ROOT.toString('hex'));
  await setPassphrase(page);
  const sealed = nextDownload(page);
  await page.getByRole('button', { name: 'Seal as a Coffer backup' }).click();
  const backup = await savedDownload(await sealed);

  await page.getByRole('button', { name: 'Restore' }).click();
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'Read chats in msgstore.db' }).click();
  const chats = page.getByRole('region', { name: 'Chats', exact: true });
  await expect(chats.getByRole('button', { name: new RegExp(KNOWN.number.replace('+', '\\+')) })).toBeVisible();
  await page.getByLabel('Search messages', { exact: true }).fill(KNOWN.search);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Search results' })).toContainText(KNOWN.text);
});

test('a msgstore.db opened directly reads in the tab, with no accessibility violations in either theme', async ({
  page,
}) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto('./');
    await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
    await page.getByLabel('Open msgstore.db').setInputFiles(join(work, 'msgstore.db'));
    await page
      .getByRole('region', { name: 'Chats', exact: true })
      .getByRole('button', { name: /Family/ })
      .click();
    const group = page.getByRole('region', { name: `Messages with ${GROUP_SUBJECT}` });
    await expect(group.getByText('This message was deleted.')).toBeVisible();
    await expect(group.getByText('packing list.pdf')).toBeVisible();
    await expect(group.getByText('Who brings the tent? ⛺').first()).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
  }
});
