/** `coffer whatsapp IN -o OUT (--key HEX | --key-file F)`: decrypt a WhatsApp backup with the person's own key. */
import { createWriteStream, rmSync } from 'node:fs';
import { link, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { flag, parseCommand, requireOutput, stringOption } from '../../cli/args.ts';
import { CliError, EXIT, refused, usageError } from '../../cli/exit-codes.ts';
import { fsyncFile, lstatOrUndefined, randomSuffix } from '../../cli/files.ts';
import { errnoCode, fsError, isNodeFsError } from '../../cli/fs-errors.ts';
import { openFileSource } from '../../cli/fs-source.ts';
import { COMMAND_HELP } from '../../cli/help.ts';
import { nodeInflate } from '../../cli/inflate.ts';
import { interruptSignal, onForcedExit } from '../../cli/signals.ts';
import { createUi, humanSize, percent, plural, rate } from '../../cli/ui.ts';
import { isCofferError } from '../../core/errors.ts';
import {
  FORMAT_DESCRIPTIONS,
  parseWhatsAppKey,
  parseWhatsAppKeyFile,
  readWhatsAppHeader,
  WhatsAppDecryption,
  type WhatsAppKey,
  type WhatsAppSummary,
} from '../core/index.ts';

const WRITE_HIGH_WATER_MARK = 4 * 1024 * 1024;

export const ENV_WHATSAPP_KEY = 'COFFER_WHATSAPP_KEY';

type KeySource = { kind: 'hex'; text: string; from: string } | { kind: 'file'; path: string };

async function readStdin(): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

/** Where the key comes from: --key, --key-file F (or - for standard input), or COFFER_WHATSAPP_KEY. */
function keySource(keyHex: string | undefined, keyFile: string | undefined): KeySource {
  const env = process.env[ENV_WHATSAPP_KEY];
  const given = [keyHex, keyFile].filter((value) => value !== undefined).length;
  if (given > 1) {
    throw usageError(
      'whatsapp: give either --key or --key-file, not both.',
      'Run "coffer whatsapp --help" for which key opens which backup.',
    );
  }
  if (keyHex !== undefined) return { kind: 'hex', text: keyHex, from: '--key' };
  if (keyFile !== undefined) return { kind: 'file', path: keyFile };
  if (env !== undefined && env !== '') return { kind: 'hex', text: env, from: ENV_WHATSAPP_KEY };
  throw usageError(
    `whatsapp: give the key: --key-file F (- for standard input), ${ENV_WHATSAPP_KEY}, or --key with the 64 digits WhatsApp showed.`,
    'Run "coffer whatsapp --help" for which key opens which backup.',
  );
}

async function readKey(source: KeySource): Promise<WhatsAppKey> {
  const shown =
    source.kind === 'hex' ? source.from : source.path === '-' ? 'standard input' : JSON.stringify(source.path);
  try {
    if (source.kind === 'hex') return parseWhatsAppKey(source.text);
    const bytes =
      source.path === '-'
        ? await readStdin()
        : new Uint8Array(
            await readFile(source.path).catch((error) => {
              throw fsError(error, 'read the key file', source.path);
            }),
          );
    try {
      return parseWhatsAppKeyFile(bytes);
    } finally {
      bytes.fill(0);
    }
  } catch (error) {
    if (isCofferError(error) && error.code === 'invalid_input')
      throw usageError(`whatsapp: ${shown}: ${error.message}`);
    throw error;
  }
}

function describeContent(summary: WhatsAppSummary): string {
  if (summary.content === 'sqlite') {
    const tables = summary.tables === undefined ? 'tables not counted' : plural(summary.tables, 'table');
    return `an SQLite database (${tables})`;
  }
  if (summary.content === 'zip') return `a ZIP of the backup's files${summary.multiFile ? ' (multi-file backup)' : ''}`;
  return summary.inflated ? 'data that is neither an SQLite database nor a ZIP' : 'data';
}

export async function runWhatsapp(argv: string[]): Promise<number> {
  // `coffer whatsapp chats DB -o DIR`; a backup file called "chats" is still ./chats.
  if (argv[0] === 'chats') return (await import('./whatsapp-chats.ts')).runWhatsappChats(argv.slice(1));
  const parsed = parseCommand('whatsapp', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.whatsapp}\n`);
    return EXIT.ok;
  }
  const output = requireOutput(parsed, 'whatsapp', 'OUT');
  if (parsed.positionals.length !== 1 || parsed.positionals[0] === '') {
    throw usageError(
      parsed.positionals.length === 0
        ? 'whatsapp: which backup? Give the .crypt15, .crypt14 or .crypt12 file.'
        : `whatsapp: expected one backup file, got ${parsed.positionals.length}.`,
      'Usage: coffer whatsapp IN -o OUT (--key HEX | --key-file F)',
    );
  }
  const input = parsed.positionals[0];
  const keyHex = stringOption(parsed, 'key', 'whatsapp');
  const keyFile = stringOption(parsed, 'key-file', 'whatsapp');
  const keySpec = keySource(keyHex, keyFile);
  const ui = createUi(flag(parsed, 'quiet'));
  if (keyHex !== undefined && !ui.quiet) {
    ui.warn(
      `--key puts the key on the process list, where other users of this computer can see it; use --key-file F, --key-file - (standard input) or ${ENV_WHATSAPP_KEY} instead.`,
    );
  }

  const outPath = resolve(output);
  const existing = await lstatOrUndefined(outPath);
  if (existing) {
    throw refused(`${JSON.stringify(output)} already exists; nothing was written.`, 'Choose another name for OUT.');
  }
  const outDir = dirname(outPath);
  const outDirStat = await stat(outDir).catch((error) => {
    throw fsError(error, 'write into', outDir);
  });
  if (!outDirStat.isDirectory()) throw new CliError(EXIT.other, `${JSON.stringify(outDir)} is not a folder.`);
  const key = await readKey(keySpec);

  const source = await openFileSource(input);
  const temp = join(outDir, `.${basename(outPath)}.partial-${randomSuffix()}`);
  const forget = onForcedExit(() => rmSync(temp, { force: true }));
  try {
    const header = await readWhatsAppHeader(source, basename(input));
    const started = Date.now();
    const decryption = new WhatsAppDecryption(source, header, key, {
      inflate: nodeInflate,
      signal: interruptSignal,
      onProgress: ({ bytesDone, bytesTotal }) =>
        ui.progress(`Decrypting ${percent(bytesDone, bytesTotal)} ${humanSize(bytesDone)} of ${humanSize(bytesTotal)}`),
    });
    const sink = createWriteStream(temp, { flags: 'wx', mode: 0o600, highWaterMark: WRITE_HIGH_WATER_MARK });
    try {
      await pipeline(Readable.from(decryption, { highWaterMark: 4 }), sink, { signal: interruptSignal });
    } catch (error) {
      throw isNodeFsError(error) ? fsError(error, 'write', outPath) : error;
    }
    const summary = decryption.summary;
    if (!summary) throw new Error('the decryption ended without a result');
    await fsyncFile(temp).catch((error) => {
      throw fsError(error, 'write', outPath);
    });
    await moveIntoPlace(temp, outPath, output);
    ui.clearProgress();
    const version = summary.appVersion ? `, WhatsApp ${summary.appVersion}` : '';
    ui.note(
      `Decrypted ${basename(input)} (${FORMAT_DESCRIPTIONS[summary.format]}${version}): ${describeContent(summary)}, ${humanSize(summary.size)}, written to ${output}${rate(source.size, started)}.`,
    );
    return EXIT.ok;
  } catch (error) {
    ui.clearProgress();
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  } finally {
    forget();
    await source.close();
  }
}

/** Never replaces something that appeared at OUT meanwhile. */
async function moveIntoPlace(temp: string, outPath: string, shown: string): Promise<void> {
  try {
    await link(temp, outPath);
    await unlink(temp).catch(() => {});
    return;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST')
      throw refused(`${JSON.stringify(shown)} appeared while the backup was being decrypted; it was left alone.`);
    // File systems without hard links: check, then rename.
  }
  if (await lstatOrUndefined(outPath))
    throw refused(`${JSON.stringify(shown)} appeared while the backup was being decrypted; it was left alone.`);
  await rename(temp, outPath).catch((error) => {
    throw fsError(error, 'write', outPath);
  });
}
