/**
 * `coffer whatsapp chats DB -o DIR [--contacts WA_DB]`: the chats of a decrypted msgstore.db as
 * the same self-contained HTML file the app's "Export all chats" makes, DIR/whatsapp-chats.html.
 * DIR must be new or empty; the file appears only when complete.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rm, rmdir, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, refused, usageError } from '../../cli/exit-codes.ts';
import { fsyncFile, lstatOrUndefined, randomSuffix } from '../../cli/files.ts';
import { fsError } from '../../cli/fs-errors.ts';
import { COMMAND_HELP } from '../../cli/help.ts';
import { interruptSignal, onForcedExit } from '../../cli/signals.ts';
import { createUi, plural } from '../../cli/ui.ts';
import { type ChatDatabase, exportHtml, openChats, readContacts } from '../core/chats/index.ts';
import { openDatabaseFile } from './sqlite-node.ts';

/** The export's file name, in the app's downloads and in DIR alike. */
export const EXPORT_NAME = 'whatsapp-chats.html';
const USAGE = 'Usage: coffer whatsapp chats DB -o DIR [--contacts WA_DB]';

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        output: { type: 'string', short: 'o' },
        contacts: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw usageError(
      `whatsapp chats: ${(error as Error).message}`,
      'Run "coffer whatsapp chats --help" for its options.',
    );
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 1024 * 1024, signal: interruptSignal }))
    hash.update(piece as Buffer);
  return hash.digest('hex');
}

async function checkReadable(path: string, what: string): Promise<void> {
  const found = await lstatOrUndefined(resolve(path));
  if (!found) throw usageError(`whatsapp chats: ${JSON.stringify(path)} does not exist.`, `Give the ${what}.`);
}

export async function runWhatsappChats(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(`${COMMAND_HELP['whatsapp chats']}\n`);
    return EXIT.ok;
  }
  if (!values.output) throw usageError('whatsapp chats: -o DIR is required.', USAGE);
  if (positionals.length !== 1 || positionals[0] === '') {
    throw usageError(
      positionals.length === 0
        ? 'whatsapp chats: which database? Give the decrypted msgstore.db.'
        : `whatsapp chats: expected one database, got ${positionals.length}.`,
      USAGE,
    );
  }
  const input = positionals[0];
  const ui = createUi(values.quiet === true);
  await checkReadable(input, 'decrypted msgstore.db (coffer whatsapp IN -o msgstore.db makes it)');
  if (values.contacts !== undefined) await checkReadable(values.contacts, 'wa.db');

  const dir = resolve(values.output);
  const existing = await lstatOrUndefined(dir);
  if (existing && (!existing.isDirectory() || (await readdir(dir)).length > 0)) {
    throw refused(
      `${JSON.stringify(values.output)} already exists${existing.isDirectory() ? ' and is not empty' : ''}; nothing was written.`,
      'Give a new or empty folder for DIR.',
    );
  }

  const contactsDb = values.contacts === undefined ? undefined : await openDatabaseFile(values.contacts);
  const db = await openDatabaseFile(input);
  let made = false;
  const target = join(dir, EXPORT_NAME);
  const temp = join(dir, `.${EXPORT_NAME}.partial-${randomSuffix()}`);
  const forget = onForcedExit(() => {
    void rm(temp, { force: true });
  });
  try {
    const contacts = contactsDb ? readContacts(contactsDb) : undefined;
    const reader: ChatDatabase = openChats(db, contacts);
    ui.progress('Reading the chats…');
    const chats = reader.chats();
    ui.progress('Hashing the database…');
    const sha256 = await sha256Of(input);
    if (!existing) {
      await mkdir(dir).catch((error) => {
        throw fsError(error, 'create the folder', dir);
      });
      made = true;
    }
    const file = await open(temp, 'wx', 0o600).catch((error) => {
      throw fsError(error, 'write', target);
    });
    let written = 0;
    try {
      const meta = { sourceName: basename(input), sha256, exportedAt: new Date() };
      for (const piece of exportHtml(reader, chats, meta)) {
        interruptSignal.throwIfAborted();
        await file.write(piece);
        written += piece.length;
        ui.progress(`Writing ${EXPORT_NAME}: ${Math.round(written / 1024)} KiB`);
      }
    } finally {
      await file.close();
    }
    await fsyncFile(temp);
    await link(temp, target).catch((error) => {
      throw fsError(error, 'write', target);
    });
    await unlink(temp).catch(() => {});
    ui.clearProgress();
    const messages = chats.reduce((sum, chat) => sum + chat.count, 0);
    ui.note(
      `Exported ${plural(chats.length, 'chat')} (${plural(messages, 'message')}, ${reader.schema} schema) from ${basename(input)} to ${join(values.output, EXPORT_NAME)}.`,
    );
    return EXIT.ok;
  } catch (error) {
    ui.clearProgress();
    await rm(temp, { force: true }).catch(() => {});
    if (made) await rmdir(dir).catch(() => {});
    throw error;
  } finally {
    forget();
    db.close();
    contactsDb?.close();
  }
}
