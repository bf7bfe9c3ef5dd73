/**
 * The WhatsApp chat reader on a generated message store in WhatsApp's real schema (one chat of
 * `messages` messages, see test/whatsapp/chat-fixtures.ts): opening it and listing the chats, a
 * page of the long chat from its middle, a search across every message (through the same SQLite
 * WASM and read-only VFS as the app's worker, reading the file in pieces), and the CLI export
 * as a person runs it. Needs ../shared/fixtures/whatsapp for the schema.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabaseFile } from '../src/whatsapp/cli/sqlite-node.ts';
import { openChats } from '../src/whatsapp/core/chats/index.ts';
import { generateModern, HAVE_SCHEMA } from '../test/whatsapp/chat-fixtures.ts';
import { type Figure, repeat, timedCommand } from './lib.ts';

const COFFER = join(resolve(import.meta.dirname, '..'), 'bin/coffer.mjs');

export async function benchWhatsAppChats(
  work: string,
  messages: number,
  repeats: number,
  record: (name: string, value: Figure) => void,
  log: (line: string) => void,
): Promise<string | undefined> {
  if (!HAVE_SCHEMA) return 'WhatsApp chats (../shared/fixtures/whatsapp, the schema source, is absent)';
  log(`WhatsApp chats: generating a message store with ${messages} messages in one chat`);
  const dir = join(work, 'whatsapp');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'msgstore.db');
  writeFileSync(path, await generateModern({ bulk: messages }));
  const extra = { messages, databaseMiB: statSync(path).size / 2 ** 20 };
  const time = (task: () => void) => async () => {
    const started = performance.now();
    task();
    return { seconds: (performance.now() - started) / 1000, extra };
  };

  let reader = openChats(await openDatabaseFile(path));
  const long = reader.chats()[0];
  record(
    'whatsapp.chats.list',
    await repeat(
      repeats,
      async () => {
        const started = performance.now();
        reader = openChats(await openDatabaseFile(path)); // a fresh page cache each time
        reader.chats();
        return { seconds: (performance.now() - started) / 1000, extra };
      },
      'ms',
    ),
  );
  record(
    'whatsapp.chats.page',
    await repeat(
      repeats,
      time(() => reader.messages(long.id, long.count >> 1, 100)),
      'ms',
    ),
  );
  record(
    'whatsapp.chats.search',
    await repeat(
      repeats,
      time(() => reader.search('station lunch', 200)),
      'ms',
    ),
  );
  record(
    'whatsapp.chats.export',
    await repeat(repeats, async (attempt) => {
      const out = join(dir, `export-${attempt}`);
      rmSync(out, { recursive: true, force: true });
      const run = await timedCommand(process.execPath, [COFFER, 'whatsapp', 'chats', path, '-o', out, '-q']);
      const html = statSync(join(out, 'whatsapp-chats.html')).size;
      rmSync(out, { recursive: true, force: true });
      return { seconds: run.seconds, extra: { ...extra, htmlMiB: html / 2 ** 20, peakRssMiB: run.peakRss / 2 ** 20 } };
    }),
  );
  return undefined;
}
