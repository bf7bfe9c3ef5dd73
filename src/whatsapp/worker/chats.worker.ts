/**
 * The chat reader's worker: SQLite WASM reading a msgstore.db File in 64 KiB pieces with
 * FileReaderSync (the VFS is synchronous, and so is FileReaderSync in a worker), so a 1 GiB
 * database is never loaded whole. Queries run one after another, as messages arrive.
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { createSHA256 } from 'hash-wasm';
import { CofferError, isCofferError } from '../../core/errors.ts';
import { fileSource, openSink } from '../../worker/browser-io.ts';
import type { WhatsAppKeyInput, WorkerErrorCode } from '../../worker/protocol.ts';
import {
  type ChatDatabase,
  type ChatSummary,
  exportHtml,
  type OpenDatabase,
  openChats,
  openReadOnly,
  type PageSource,
  readContacts,
  type SqliteWasm,
} from '../core/chats/index.ts';
import { parseWhatsAppKey, parseWhatsAppKeyFile, readWhatsAppHeader, WhatsAppDecryption } from '../core/index.ts';
import { isSqliteHeader } from '../core/sqlite.ts';
import type { ChatsCommand, ChatsMessage, ChatsResult } from './chats-protocol.ts';

/** A wa.db is a few MiB; one decrypted into memory is refused past this. */
const MAX_CONTACTS_BYTES = 256 * 1024 * 1024;

/**
 * SQLite looks for its own OPFS file system at start-up, which needs cross-origin isolation this
 * app does not use (the reader reads Files), and warns on every page load that it is missing
 * (issue 31 item 8). That one expected warning is dropped; any other still reaches the console.
 */
(self as { sqlite3ApiConfig?: object }).sqlite3ApiConfig = {
  warn: (...args: unknown[]) => {
    if (!String(args[0]).startsWith('Ignoring inability to install OPFS')) console.warn(...args);
  },
};

let loading: Promise<SqliteWasm> | undefined;
const sqlite = () => {
  loading ??= sqlite3InitModule({ print: () => {}, printErr: () => {} });
  return loading;
};
// The page starts this worker right after start-up: fetching sqlite3.wasm now means reading
// chats later makes no network request (the app's rule), and works if the network is gone.
void sqlite().catch(() => {
  loading = undefined; // Tried again, with its error shown, when a database is opened.
});

function blobSource(blob: Blob): PageSource {
  const reader = new FileReaderSync();
  return {
    size: blob.size,
    read: (offset, length) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length))),
  };
}

function bytesSource(bytes: Uint8Array): PageSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

interface Session {
  db: OpenDatabase;
  contactsDb?: OpenDatabase;
  reader: ChatDatabase;
  chats: ChatSummary[];
  file: File;
  name: string;
}
let session: Session | undefined;

function current(): Session {
  if (!session) throw new CofferError('invalid_input', 'Open a msgstore.db first.');
  return session;
}

async function readKey(input: WhatsAppKeyInput) {
  if ('hex' in input) return parseWhatsAppKey(input.hex);
  return parseWhatsAppKeyFile(new Uint8Array(await input.file.arrayBuffer()));
}

/** wa.db as it is, or decrypted (into memory: it is small) from wa.db.crypt15/14/12. */
async function contactsSource(file: File, key: WhatsAppKeyInput | undefined): Promise<PageSource> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (isSqliteHeader(head)) return blobSource(file);
  if (!key)
    throw new CofferError(
      'invalid_input',
      `${file.name} is encrypted: type the WhatsApp key (or open the key file) first.`,
    );
  const source = fileSource(file);
  const header = await readWhatsAppHeader(source, file.name);
  const decryption = new WhatsAppDecryption(source, header, await readKey(key), {});
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const piece of decryption) {
    size += piece.length;
    if (size > MAX_CONTACTS_BYTES)
      throw new CofferError('limit_exceeded', `${file.name} is too large for a contacts database.`);
    parts.push(piece.slice());
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytesSource(bytes);
}

function close(): void {
  session?.db.close();
  session?.contactsDb?.close();
  session = undefined;
}

async function sha256Of(file: File): Promise<string> {
  const hash = await createSHA256();
  hash.init();
  const reader = (file.stream() as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
  }
  return hash.digest('hex');
}

async function handle(command: ChatsCommand): Promise<ChatsResult> {
  switch (command.type) {
    case 'open': {
      close();
      const wasm = await sqlite();
      const contactsDb = command.contacts
        ? openReadOnly(wasm, await contactsSource(command.contacts, command.key))
        : undefined;
      const db = openReadOnly(wasm, blobSource(command.file));
      try {
        const contacts = contactsDb ? readContacts(contactsDb) : undefined;
        const reader = openChats(db, contacts);
        const chats = reader.chats();
        session = { db, contactsDb, reader, chats, file: command.file, name: command.name };
        return { type: 'opened', schema: reader.schema, chats, contacts: contacts?.size ?? 0 };
      } catch (error) {
        db.close();
        contactsDb?.close();
        throw error;
      }
    }
    case 'messages':
      return { type: 'messages', messages: current().reader.messages(command.chatId, command.offset, command.limit) };
    case 'position':
      return { type: 'position', position: current().reader.position(command.chatId, command.messageId) };
    case 'search':
      return { type: 'search', hits: current().reader.search(command.text, command.limit) };
    case 'close':
      close();
      return { type: 'closed' };
    case 'export': {
      const { reader, chats, file, name } = current();
      const ids = command.chatIds;
      const wanted = ids === 'all' ? chats : chats.filter((chat) => ids.includes(chat.id));
      const sha256 = await sha256Of(file);
      const sink = await openSink(command.output);
      const encoder = new TextEncoder();
      let size = 0;
      try {
        for (const piece of exportHtml(reader, wanted, { sourceName: name, sha256, exportedAt: new Date() })) {
          const bytes = encoder.encode(piece);
          size += bytes.length;
          await sink.write(bytes);
        }
        await sink.close();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      return { type: 'exported', size, sha256 };
    }
  }
}

function failureOf(error: unknown): { code: WorkerErrorCode; message: string } {
  if (isCofferError(error)) return { code: error.code, message: error.message };
  if (error instanceof DOMException && error.name === 'NotReadableError')
    return { code: 'io', message: 'The database file can no longer be read: it was moved, changed or removed.' };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

self.onmessage = async (event: MessageEvent<{ id: number; command: ChatsCommand }>) => {
  const { id, command } = event.data;
  let reply: ChatsMessage;
  try {
    reply = { id, type: 'result', result: await handle(command) };
  } catch (error) {
    reply = { id, type: 'error', ...failureOf(error) };
  }
  self.postMessage(reply);
};
