/**
 * Generated WhatsApp message stores in the real schema: the CREATE statements are taken from
 * ../shared/fixtures/whatsapp/msgstore.db (a database made by WhatsApp's schema, with no real
 * chats in it) and filled with made-up conversations: emoji, right-to-left text, a group with
 * replies, attachments, a deleted message and system events, and one long chat for scale.
 * Nothing here is anyone's real data. Without ../shared these are not available and the tests
 * that need them skip, saying so.
 */
import { join } from 'node:path';
import { loadSqlite } from '../../src/whatsapp/cli/sqlite-node.ts';
import { HAVE_SHARED, SHARED } from './fixtures.ts';

export const HAVE_SCHEMA = HAVE_SHARED;
export const SCHEMA_SOURCE = join(SHARED, 'msgstore.db');

interface Stmt {
  bind(values: unknown[]): Stmt;
  step(): boolean;
  reset(clear?: boolean): Stmt;
  get(index: number): unknown;
  finalize(): void;
}
interface WritableDb {
  pointer: number;
  exec(sql: string | { sql: string; bind?: unknown[]; rowMode?: string; returnValue?: string }): unknown;
  prepare(sql: string): Stmt;
  close(): void;
}
interface Wasm {
  oo1: { DB: new (name: string, flags: string) => WritableDb };
  capi: { sqlite3_js_db_export(pointer: number): Uint8Array };
}

/** What the tests look for. */
export const KNOWN = {
  search: 'blue flowerpot',
  text: 'The spare key is under the blue flowerpot 🔑',
  chat: 'Alice Example',
  number: '+447700900001',
};
export const BASE_TIME = Date.UTC(2024, 2, 1, 9, 0, 0);
const MINUTE = 60_000;

export const JIDS = {
  alice: '447700900001@s.whatsapp.net',
  bob: '447700900002@s.whatsapp.net',
  dana: '972500000003@s.whatsapp.net',
  stranger: '447700900004@s.whatsapp.net',
  group: '120363000000000001@g.us',
  erin: '447700900006@s.whatsapp.net',
};
export const GROUP_SUBJECT = 'Family 👨‍👩‍👧 trip';

async function wasm(): Promise<Wasm> {
  return (await loadSqlite()) as unknown as Wasm;
}

/** A database made by running these statements in an empty one, as the bytes of its file. */
export async function databaseOf(statements: string[]): Promise<Uint8Array> {
  const sqlite3 = await wasm();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  try {
    for (const sql of statements) db.exec(sql);
    return sqlite3.capi.sqlite3_js_db_export(db.pointer);
  } finally {
    db.close();
  }
}

/** The fixture's CREATE statements, without the full-text indexes (virtual tables and their shadow tables). */
async function realSchema(): Promise<string[]> {
  const sqlite3 = await wasm();
  const { openDatabaseFile } = await import('../../src/whatsapp/cli/sqlite-node.ts');
  const source = await openDatabaseFile(SCHEMA_SOURCE);
  try {
    const rows = source.all(
      "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END",
    );
    const virtual = rows.filter((r) => /^CREATE VIRTUAL/i.test(String(r.sql))).map((r) => String(r.name));
    const shadow = (name: string) => virtual.some((v) => name === v || name.startsWith(`${v}_`));
    void sqlite3;
    return rows
      .filter((r) => !shadow(String(r.name)) && !virtual.some((v) => String(r.sql).includes(` ${v} `)))
      .map((r) => String(r.sql));
  } finally {
    source.close();
  }
}

/** A tiny deterministic PRNG, so every run makes the same database. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = ['see', 'you', 'at', 'the', 'station', 'tomorrow', 'lunch', 'great', 'thanks', 'photo', 'train', 'late'];
const EMOJI = ['😀', '🎉', '👍🏽', '❤️', '🇬🇧', '🙈'];

export interface GeneratedOptions {
  /** Messages in the long chat with Erin. */
  bulk?: number;
  /** Gives the stranger's message this timestamp, written as it is into the SQL (a hostile value). */
  strangerTimestamp?: string;
}

/** A modern msgstore.db (message, chat, jid, message_media, message_quoted, message_system). */
export async function generateModern(options: GeneratedOptions = {}): Promise<Uint8Array> {
  const sqlite3 = await wasm();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  try {
    for (const sql of await realSchema()) db.exec(sql);
    db.exec('BEGIN');
    const jidIds = new Map<string, number>();
    const addJid = db.prepare(
      'INSERT INTO jid (_id, user, server, agent, device, type, raw_string) VALUES (?, ?, ?, 0, 0, ?, ?)',
    );
    Object.values(JIDS).forEach((jid, i) => {
      const [user, server] = jid.split('@');
      jidIds.set(jid, 100 + i);
      addJid.bind([100 + i, user, server, server === 'g.us' ? 1 : 0, jid]).step();
      addJid.reset(true);
    });
    addJid.finalize();
    const chatIds = new Map<string, number>();
    const addChat = db.prepare('INSERT INTO chat (_id, jid_row_id, subject, hidden) VALUES (?, ?, ?, 0)');
    [JIDS.alice, JIDS.dana, JIDS.group, JIDS.stranger, JIDS.erin].forEach((jid, i) => {
      chatIds.set(jid, 100 + i);
      addChat.bind([100 + i, jidIds.get(jid), jid === JIDS.group ? GROUP_SUBJECT : null]).step();
      addChat.reset(true);
    });
    addChat.finalize();

    let id = 100;
    let time = BASE_TIME;
    const addMessage = db.prepare(
      'INSERT INTO message (_id, chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, message_type, text_data, sort_id) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)',
    );
    const message = (chat: string, fromMe: boolean, text: string | null, type = 0, sender?: string) => {
      id++;
      time += MINUTE;
      addMessage
        .bind([
          id,
          chatIds.get(chat),
          fromMe ? 1 : 0,
          `K${id}`,
          sender ? jidIds.get(sender) : null,
          time,
          type,
          text,
          id,
        ])
        .step();
      addMessage.reset(true);
      return id;
    };
    const media = db.prepare(
      'INSERT INTO message_media (message_row_id, chat_row_id, file_path, file_size, mime_type, media_name) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const quote = db.prepare(
      'INSERT INTO message_quoted (message_row_id, chat_row_id, parent_message_chat_row_id, from_me, sender_jid_row_id, key_id, timestamp, message_type, text_data) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)',
    );
    const system = db.prepare('INSERT INTO message_system (message_row_id, action_type) VALUES (?, ?)');
    const run = (stmt: Stmt, values: unknown[]) => {
      stmt.bind(values).step();
      stmt.reset(true);
    };

    message(JIDS.alice, false, 'Hi! Are you coming on Saturday? 🎉');
    message(JIDS.alice, true, 'Yes! 😀 What time?');
    const known = message(JIDS.alice, false, KNOWN.text);
    const reply = message(JIDS.alice, true, 'Thanks, got it 👍🏽');
    run(quote, [reply, chatIds.get(JIDS.alice), chatIds.get(JIDS.alice), 0, null, `K${known}`, time, KNOWN.text]);
    const photo = message(JIDS.alice, false, 'The view from the top', 1);
    run(media, [
      photo,
      chatIds.get(JIDS.alice),
      'Media/WhatsApp Images/IMG-20240301-WA0001.jpg',
      183_204,
      'image/jpeg',
      null,
    ]);

    message(JIDS.dana, false, 'שלום! מה שלומך?');
    message(JIDS.dana, true, 'مرحبا، كيف حالك؟');
    message(JIDS.dana, false, 'Mixed: שלום and hello 123');

    message(JIDS.group, true, null, 7);
    run(system, [id, 11]);
    message(JIDS.group, false, GROUP_SUBJECT, 7, JIDS.bob);
    run(system, [id, 1]);
    message(JIDS.group, false, null, 7, JIDS.alice);
    run(system, [id, 4]);
    const question = message(JIDS.group, false, 'Who brings the tent? ⛺', 0, JIDS.bob);
    const answer = message(JIDS.group, false, 'I will!', 0, JIDS.alice);
    run(quote, [
      answer,
      chatIds.get(JIDS.group),
      chatIds.get(JIDS.group),
      0,
      jidIds.get(JIDS.bob),
      `K${question}`,
      time,
      'Who brings the tent? ⛺',
    ]);
    const doc = message(JIDS.group, true, null, 9);
    run(media, [
      doc,
      chatIds.get(JIDS.group),
      'Media/WhatsApp Documents/packing list.pdf',
      52_311,
      'application/pdf',
      'packing list.pdf',
    ]);
    const voice = message(JIDS.group, false, null, 2, JIDS.bob);
    run(media, [
      voice,
      chatIds.get(JIDS.group),
      'Media/WhatsApp Voice Notes/PTT-20240301-WA0002.opus',
      9_876,
      'audio/ogg; codecs=opus',
      null,
    ]);
    message(JIDS.group, false, null, 15, JIDS.bob);
    message(JIDS.group, false, null, 7, JIDS.bob);
    run(system, [id, 5]);

    message(JIDS.stranger, false, 'Hello, is this the bike for sale?');

    const random = prng(42);
    for (let i = 0; i < (options.bulk ?? 500); i++) {
      const words = Array.from(
        { length: 3 + Math.floor(random() * 12) },
        () => WORDS[Math.floor(random() * WORDS.length)],
      );
      if (random() < 0.2) words.push(EMOJI[Math.floor(random() * EMOJI.length)]);
      message(JIDS.erin, random() < 0.5, `${i + 1}: ${words.join(' ')}`);
    }
    for (const stmt of [addMessage, media, quote, system]) stmt.finalize();
    if (options.strangerTimestamp !== undefined) {
      db.exec(
        `UPDATE message SET timestamp = ${options.strangerTimestamp} WHERE chat_row_id = ${chatIds.get(JIDS.stranger)}`,
      );
    }
    db.exec('COMMIT');
    return sqlite3.capi.sqlite3_js_db_export(db.pointer);
  } finally {
    db.close();
  }
}

/** A legacy msgstore.db: the fixture's own `messages` table and messages_quotes, with a chat_list. */
export async function generateLegacy(): Promise<Uint8Array> {
  const sqlite3 = await wasm();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  try {
    for (const sql of await realSchema()) {
      if (/^CREATE TABLE (messages|messages_quotes) /.test(sql)) db.exec(sql);
    }
    db.exec(
      'CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, message_table_id INTEGER, subject TEXT, creation INTEGER, sort_timestamp INTEGER)',
    );
    db.exec({
      sql: 'INSERT INTO chat_list (key_remote_jid, subject) VALUES (?, NULL), (?, ?)',
      bind: [JIDS.alice, JIDS.group, GROUP_SUBJECT],
    });
    const add = db.prepare(
      'INSERT INTO messages (key_remote_jid, key_from_me, key_id, status, data, timestamp, media_wa_type, media_size, media_name, media_mime_type, remote_resource, quoted_row_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let n = 0;
    const row = (values: unknown[]) => {
      n++;
      add
        .bind([
          values[0],
          values[1],
          `L${n}`,
          ...values.slice(2, 3),
          values[3],
          BASE_TIME + n * MINUTE,
          ...values.slice(4),
        ])
        .step();
      add.reset(true);
    };
    // jid, from_me, status, data, media_wa_type, media_size, media_name, mime, remote_resource, quoted_row_id
    row([JIDS.alice, 0, 0, KNOWN.text, '0', 0, null, null, null, 0]);
    db.exec({
      sql: "INSERT INTO messages_quotes (_id, key_remote_jid, key_from_me, key_id, data, timestamp, remote_resource) VALUES (1, ?, 0, 'L1', ?, ?, NULL)",
      bind: [JIDS.alice, KNOWN.text, BASE_TIME],
    });
    row([JIDS.alice, 1, 0, 'Thanks 👍🏽', '0', 0, null, null, null, 1]);
    row([JIDS.group, 0, 6, null, '0', 4, null, null, JIDS.bob, 0]);
    row([JIDS.group, 0, 0, 'שלום לכולם', '0', 0, null, null, JIDS.bob, 0]);
    row([JIDS.group, 1, 0, null, '1', 183_204, 'IMG-1.jpg', 'image/jpeg', null, 0]);
    add.finalize();
    return sqlite3.capi.sqlite3_js_db_export(db.pointer);
  } finally {
    db.close();
  }
}

/** A wa.db with names for Alice, Bob and Dana (not for the stranger, nor Erin's display name: her wa_name). */
export async function generateContacts(): Promise<Uint8Array> {
  const sqlite3 = await wasm();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  try {
    db.exec(
      'CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL, is_whatsapp_user BOOLEAN NOT NULL, status TEXT, number TEXT, raw_contact_id INTEGER, display_name TEXT, phone_type INTEGER, phone_label TEXT, unseen_msg_count INTEGER, photo_ts INTEGER, thumb_ts INTEGER, photo_id_timestamp INTEGER, given_name TEXT, family_name TEXT, wa_name TEXT, sort_name TEXT, nickname TEXT, company TEXT, title TEXT, status_timestamp INTEGER)',
    );
    db.exec({
      sql: 'INSERT INTO wa_contacts (jid, is_whatsapp_user, display_name, wa_name) VALUES (?, 1, ?, NULL), (?, 1, ?, NULL), (?, 1, ?, NULL), (?, 1, NULL, ?)',
      bind: [JIDS.alice, KNOWN.chat, JIDS.bob, 'Bob Builder', JIDS.dana, 'דנה', JIDS.erin, 'Erin'],
    });
    return sqlite3.capi.sqlite3_js_db_export(db.pointer);
  } finally {
    db.close();
  }
}
