/**
 * `coffer pull LOCATION -o FILE`: fetches a backup from a server into a new local file. The bytes
 * go to a temporary file beside FILE, which appears only when they are all there (size checked,
 * header parsed, data flushed); FILE is never overwritten (exit 5).
 */
import { unlinkSync } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readHeader } from '../../core/index.ts';
import { parseLocation } from '../../remote/location.ts';
import { openRemoteSource } from '../../remote/source.ts';
import { flag, parseCommand, requireOutput } from '../args.ts';
import { CliError, EXIT, refused, usageError } from '../exit-codes.ts';
import { lstatOrUndefined, randomSuffix } from '../files.ts';
import { errnoCode, fsError } from '../fs-errors.ts';
import { COMMAND_HELP } from '../help.ts';
import { openStore } from '../remote/open.ts';
import { interruptSignal, onForcedExit } from '../signals.ts';
import { createUi, humanSize, percent } from '../ui.ts';

export async function runPull(argv: string[]): Promise<number> {
  const parsed = parseCommand('pull', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.pull}\n`);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] === '') {
    throw usageError('pull: give one location to fetch.', 'Usage: coffer pull LOCATION -o FILE');
  }
  const output = requireOutput(parsed, 'pull', 'FILE');
  const location = parseLocation(parsed.positionals[0], 'pull');
  if (location.kind === 'file') {
    throw usageError(
      'pull: LOCATION is a local path; copy it with your file manager or cp.',
      'Usage: coffer pull LOCATION -o FILE',
    );
  }
  const ui = createUi(flag(parsed, 'quiet'));
  if (await lstatOrUndefined(output)) throw refused(`${JSON.stringify(output)} already exists; it was left alone.`);

  const source = await openRemoteSource(openStore(location), interruptSignal);
  // Refuse what is not a Coffer backup before writing anything.
  await readHeader(source);
  const temporary = join(dirname(output), `.${basename(output)}.coffer-pull-${randomSuffix()}`);
  const forget = onForcedExit(() => {
    try {
      unlinkSync(temporary);
    } catch {}
  });
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temporary, 'wx', 0o600).catch((error) => {
      throw fsError(error, 'write', output);
    });
    let written = 0;
    for await (const piece of source.stream?.(0) ?? []) {
      if (interruptSignal.aborted) throw new CliError(EXIT.interrupted, 'cancelled; nothing was left half-written.');
      // Never past the size the server announced: an endless body cannot fill the disk.
      if (written + piece.length > source.size) {
        throw new CliError(
          EXIT.other,
          `${location.display}: the server sent more than the ${source.size} bytes it announced.`,
        );
      }
      await handle.write(piece);
      written += piece.length;
      ui.progress(`Fetching ${percent(written, source.size)} ${humanSize(written)} of ${humanSize(source.size)}`);
    }
    if (written !== source.size) {
      throw new CliError(EXIT.other, `${location.display}: the server sent ${written} bytes, not ${source.size}.`);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await link(temporary, output).catch((error) => {
      if (errnoCode(error) === 'EEXIST')
        throw refused(`${JSON.stringify(output)} appeared meanwhile; it was left alone.`);
      throw fsError(error, 'write', output);
    });
  } finally {
    ui.clearProgress();
    await handle?.close().catch(() => {});
    await unlink(temporary).catch(() => {});
    forget();
  }
  ui.note(
    `Fetched ${location.display} (${humanSize(source.size)}) to ${output}. Check it with: coffer verify ${output}`,
  );
  return EXIT.ok;
}
