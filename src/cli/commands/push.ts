/**
 * `coffer push FILE LOCATION`: sends a backup to a server (or copies it to a local path).
 * LOCATION ending in "/" means FILE's name in that folder. Refused (exit 5) when the name exists
 * there; never leaves anything partial; the copy's size and header (with its MAC) are read back.
 */
import { createReadStream } from 'node:fs';
import { copyFile, link, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readHeader } from '../../core/index.ts';
import type { LocalUpload } from '../../remote/client.ts';
import { parseLocation } from '../../remote/location.ts';
import { flag, parseCommand } from '../args.ts';
import { EXIT, refused, usageError } from '../exit-codes.ts';
import { lstatOrUndefined, randomSuffix } from '../files.ts';
import { errnoCode, fsError } from '../fs-errors.ts';
import { openFileSource } from '../fs-source.ts';
import { COMMAND_HELP } from '../help.ts';
import { openStore } from '../remote/open.ts';
import { interruptSignal } from '../signals.ts';
import { createUi, humanSize, percent } from '../ui.ts';

export async function runPush(argv: string[]): Promise<number> {
  const parsed = parseCommand('push', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.push}\n`);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 2 || parsed.positionals.some((p) => p === '')) {
    throw usageError('push: give the backup file and where to send it.', 'Usage: coffer push FILE LOCATION');
  }
  const [input, target] = parsed.positionals;
  const ui = createUi(flag(parsed, 'quiet'));
  const location = parseLocation(target, 'push', basename(input));

  const source = await openFileSource(input);
  try {
    // Only a Coffer backup is sent: a wrong file is refused before any request is made.
    const header = await readHeader(source);
    const file: LocalUpload = {
      size: source.size,
      header: await source.read(0, header.headerLength),
      part: async (start, end) => (await source.read(start, end - start)) as Uint8Array<ArrayBuffer>,
      whole: (onSent) => countedStream(input, onSent) as unknown as BodyInit,
    };
    if (location.kind === 'file') {
      await copyLocal(input, location.path);
      ui.note(`Copied ${input} (${humanSize(file.size)}) to ${location.path}.`);
      return EXIT.ok;
    }
    const store = openStore(location);
    await store.upload(file, {
      signal: interruptSignal,
      onRetry: (what, attempt, of) =>
        ui.warn(`the connection dropped; sending ${what} again (try ${attempt} of ${of})`),
      onProgress: (sent, total) =>
        ui.progress(`Sending ${percent(sent, total)} ${humanSize(sent)} of ${humanSize(total)}`),
    });
    ui.clearProgress();
    ui.note(
      `Sent ${input} (${humanSize(file.size)}) to ${store.display}; its size and header were read back and match.`,
    );
    return EXIT.ok;
  } finally {
    ui.clearProgress();
    await source.close();
  }
}

/** The file as a request body (undici takes an async iterable), counting what has gone. */
async function* countedStream(path: string, onSent: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const piece of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    sent += (piece as Buffer).length;
    onSent(sent);
    yield piece as Buffer;
  }
}

/** A local copy with the same promises: a temporary file, then a link that fails if taken. */
async function copyLocal(input: string, output: string): Promise<void> {
  if (await lstatOrUndefined(output)) throw refused(`${JSON.stringify(output)} already exists; it was left alone.`);
  const temporary = join(dirname(output), `.${basename(output)}.coffer-push-${randomSuffix()}`);
  try {
    await copyFile(input, temporary);
    await link(temporary, output);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw refused(`${JSON.stringify(output)} already exists; it was left alone.`);
    throw fsError(error, 'copy to', output);
  } finally {
    await unlink(temporary).catch(() => {});
  }
}
