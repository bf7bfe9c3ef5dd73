/**
 * Reading chats from generated message stores in WhatsApp's real schema (see chat-fixtures.ts):
 * both layouts, names from wa.db, every kind of message, search, unknown schemas, the HTML export,
 * and that the database is read in pieces rather than whole.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { CofferError } from '../../src/core/errors.ts';
import { fileSource, loadSqlite, openDatabaseFile } from '../../src/whatsapp/cli/sqlite-node.ts';
import { exportHtml, openChats, openReadOnly, readContacts } from '../../src/whatsapp/core/chats/index.ts';
import type { ChatDatabase, ContactNames } from '../../src/whatsapp/core/chats/types.ts';
import {
  GROUP_SUBJECT,
  generateContacts,
  generateLegacy,
  generateModern,
  HAVE_SCHEMA,
  KNOWN,
  SCHEMA_SOURCE,
} from './chat-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'coffer-chats-'));
const path = (name: string) => join(dir, name);

async function reader(file: string, contacts?: ContactNames): Promise<ChatDatabase> {
  return openChats(await openDatabaseFile(path(file)), contacts);
}

describe.skipIf(!HAVE_SCHEMA)(`chats from generated databases in the schema of ${SCHEMA_SOURCE}`, () => {
  let contacts: ContactNames;
  beforeAll(async () => {
    writeFileSync(path('modern.db'), await generateModern({ bulk: 3000 }));
    writeFileSync(path('legacy.db'), await generateLegacy());
    writeFileSync(path('wa.db'), await generateContacts());
    contacts = readContacts(await openDatabaseFile(path('wa.db')));
  }, 60_000);

  test('the modern layout lists chats with names from wa.db, counts, last messages, newest first', async () => {
    const chats = (await reader('modern.db', contacts)).chats();
    expect(chats.map((c) => [c.name, c.count, c.group])).toEqual([
      ['Erin', 3000, false],
      ['+447700900004', 1, false],
      [GROUP_SUBJECT, 9, true],
      ['דנה', 3, false],
      [KNOWN.chat, 5, false],
    ]);
    expect(chats[2].lastText).toBe('Bob Builder left');
    expect(chats[4].lastText).toBe('IMG-20240301-WA0001.jpg: The view from the top');
  });

  test('without wa.db the chats are named by number', async () => {
    const names = (await reader('modern.db')).chats().map((c) => c.name);
    expect(names).toContain(KNOWN.number);
    expect(names).toContain(GROUP_SUBJECT);
  });

  test('a group shows senders, system events, replies, attachments and deleted messages', async () => {
    const r = await reader('modern.db', contacts);
    const group = r.chats().find((c) => c.group)!;
    const shown = r.messages(group.id, 0, 100).map((m) => [m.kind, m.sender, m.text, m.quote?.text, m.media?.name]);
    expect(shown).toEqual([
      ['system', 'You', 'You created the group', undefined, undefined],
      ['system', 'Bob Builder', `Bob Builder changed the group subject to “${GROUP_SUBJECT}”`, undefined, undefined],
      ['system', KNOWN.chat, `${KNOWN.chat} joined`, undefined, undefined],
      ['text', 'Bob Builder', 'Who brings the tent? ⛺', undefined, undefined],
      ['text', KNOWN.chat, 'I will!', 'Who brings the tent? ⛺', undefined],
      ['media', 'You', '', undefined, 'packing list.pdf'],
      ['media', 'Bob Builder', '', undefined, 'PTT-20240301-WA0002.opus'],
      ['deleted', 'Bob Builder', '', undefined, undefined],
      ['system', 'Bob Builder', 'Bob Builder left', undefined, undefined],
    ]);
    const doc = r.messages(group.id, 5, 1)[0];
    expect(doc.media).toEqual({ kind: 'document', name: 'packing list.pdf', size: 52311, mime: 'application/pdf' });
  });

  test('right-to-left and mixed text come back unchanged', async () => {
    const r = await reader('modern.db', contacts);
    const dana = r.chats().find((c) => c.name === 'דנה')!;
    expect(r.messages(dana.id, 0, 10).map((m) => m.text)).toEqual([
      'שלום! מה שלומך?',
      'مرحبا، كيف حالك؟',
      'Mixed: שלום and hello 123',
    ]);
  });

  test('search finds a message across chats, with its chat, sender and position', async () => {
    const r = await reader('modern.db', contacts);
    const [hit, ...rest] = r.search(KNOWN.search.toUpperCase(), 50);
    expect(rest).toHaveLength(0);
    expect(hit.chatName).toBe(KNOWN.chat);
    expect(hit.message.sender).toBe(KNOWN.chat);
    expect(hit.message.text).toBe(KNOWN.text);
    const position = r.position(hit.message.chatId, hit.message.id);
    expect(r.messages(hit.message.chatId, position, 1)[0].id).toBe(hit.message.id);
    expect(r.search('100%', 5)).toHaveLength(0); // % is literal, not a wildcard
    expect(r.search('2999: ', 5).map((h) => h.chatName)).toEqual(['Erin']);
  });

  test('pages of a long chat are in order and complete', async () => {
    const r = await reader('modern.db', contacts);
    const erin = r.chats()[0];
    const ids: number[] = [];
    for (let offset = 0; offset < erin.count; offset += 700)
      ids.push(...r.messages(erin.id, offset, 700).map((m) => m.id));
    expect(ids).toHaveLength(3000);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(r.messages(erin.id, 2999, 10)[0].text).toMatch(/^3000: /);
  });

  test('the legacy layout (messages, chat_list) reads the same kinds of messages', async () => {
    const r = await reader('legacy.db', contacts);
    expect(r.schema).toBe('legacy');
    const chats = r.chats();
    expect(chats.map((c) => [c.name, c.count])).toEqual([
      [GROUP_SUBJECT, 3],
      [KNOWN.chat, 2],
    ]);
    const alice = r.messages(chats[1].id, 0, 10);
    expect(alice[1].quote).toEqual({ sender: KNOWN.chat, text: KNOWN.text });
    const group = r.messages(chats[0].id, 0, 10);
    expect(group.map((m) => [m.kind, m.text])).toEqual([
      ['system', 'Bob Builder joined'],
      ['text', 'שלום לכולם'],
      ['media', ''],
    ]);
    expect(group[2].media).toEqual({ kind: 'image', name: 'IMG-1.jpg', size: 183204, mime: 'image/jpeg' });
    expect(r.search(KNOWN.search, 10).map((h) => h.message.text)).toEqual([KNOWN.text]);
  });

  test('the export is one self-contained HTML file with the source hash and the export time', async () => {
    const r = await reader('modern.db', contacts);
    const chats = r.chats().filter((c) => c.count < 100);
    const html = [
      ...exportHtml(r, chats, {
        sourceName: 'msgstore.db',
        sha256: 'ab'.repeat(32),
        exportedAt: new Date(Date.UTC(2025, 0, 2, 3, 4)),
      }),
    ].join('');
    expect(html).toContain(`<code class="sha256">${'ab'.repeat(32)}</code>`);
    expect(html).toContain('<time class="exported" datetime="2025-01-02T03:04:00.000Z">2025-01-02 03:04 UTC</time>');
    expect(html).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    expect(html).not.toMatch(/<script|src=|href="http/);
    expect(html).toContain('<p dir="auto">مرحبا، كيف حالك؟</p>');
    expect(html).toContain('[document] <span dir="auto">packing list.pdf</span> (51.1 KiB, application/pdf)');
    expect(html).toContain('This message was deleted.');
    expect(html.match(/<li class="/g)?.length).toBe(18);
    expect(html.match(/<li><a href="#chat/g)?.length).toBe(chats.length); // the table of contents
  });

  test('a database of another kind gets a message naming what is missing', async () => {
    const sqlite3 = (await loadSqlite()) as unknown as {
      oo1: { DB: new (n: string, f: string) => { exec(s: string): void; pointer: number; close(): void } };
      capi: { sqlite3_js_db_export(p: number): Uint8Array };
    };
    const make = (sql: string) => {
      const db = new sqlite3.oo1.DB(':memory:', 'c');
      db.exec(sql);
      const bytes = sqlite3.capi.sqlite3_js_db_export(db.pointer);
      db.close();
      return bytes;
    };
    writeFileSync(path('other.db'), make('CREATE TABLE notes (id INTEGER, body TEXT)'));
    await expect(reader('other.db')).rejects.toThrow(
      'This database is not a WhatsApp message store Coffer can read: the modern (message, chat, jid) layout needs table "message"; table "chat"; table "jid". And the legacy (messages, chat_list) layout needs table "messages"; table "chat_list".',
    );
    writeFileSync(
      path('partial.db'),
      make(
        'CREATE TABLE message (_id INTEGER, chat_row_id INTEGER); CREATE TABLE chat (_id, jid_row_id, subject); CREATE TABLE jid (_id, user, server)',
      ),
    );
    await expect(reader('partial.db')).rejects.toThrow(
      '"from_me", "timestamp", "message_type", "text_data", "sender_jid_row_id" in table "message"',
    );
    writeFileSync(path('text.db'), 'not a database at all, just some text that is long enough to be read'.repeat(100));
    await expect(reader('text.db')).rejects.toThrow(/not an SQLite database Coffer can read/);
    await expect(openDatabaseFile(path('modern.db')).then(readContacts)).rejects.toThrow(
      'This is not a WhatsApp contacts database (wa.db): it has no table "wa_contacts".',
    );
  });

  test('a damaged database gets the reason SQLite gives, as a Coffer error', async () => {
    const bytes = readFileSync(path('modern.db'));
    bytes.fill(0xa5, 4096, bytes.length); // every page but the first (the schema's root) is garbage
    writeFileSync(path('damaged.db'), bytes);
    const failure = await reader('damaged.db').then(
      (r) => r.chats(),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CofferError);
    expect((failure as CofferError).message).toMatch(/malformed|not a database/);
  });

  test('the database is read in pieces: listing chats and a page of the longest reads a fraction of it', async () => {
    const source = fileSource(path('modern.db'));
    let bytesRead = 0;
    const counting = {
      size: source.size,
      read: (offset: number, length: number) => {
        bytesRead += length;
        return source.read(offset, length);
      },
    };
    const db = openReadOnly(await loadSqlite(), counting);
    const r = openChats(db);
    const erin = r.chats()[0];
    r.messages(erin.id, 1500, 50);
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThan(source.size / 2);
    db.close();
    source.close();
  });
});
