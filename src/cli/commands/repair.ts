/** `coffer repair IN.coffer -o OUT.coffer [unlock options]`: a clean copy of a backup with parity. */
import { createWriteStream, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { flag, parseCommand, requireOutput, singleInput } from '../args.ts';
import { EXIT, refused } from '../exit-codes.ts';
import { fsyncFile, lstatOrUndefined, randomSuffix } from '../files.ts';
import { fsError, isNodeFsError } from '../fs-errors.ts';
import { COMMAND_HELP } from '../help.ts';
import { fileSpill } from '../parity-spill.ts';
import { needsRepair, repairLines } from '../repair-report.ts';
import { interruptSignal, onForcedExit } from '../signals.ts';
import { createUi } from '../ui.ts';
import { withOpenedBackup } from './common.ts';
import { moveIntoPlace } from './create.ts';

export async function runRepair(argv: string[]): Promise<number> {
  const parsed = parseCommand('repair', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.repair}\n`);
    return EXIT.ok;
  }
  const input = singleInput(parsed, 'repair');
  const output = requireOutput(parsed, 'repair', 'OUT.coffer');
  const ui = createUi(flag(parsed, 'quiet'));
  const outPath = resolve(output);
  if (outPath === resolve(input)) throw refused('repair: OUT must be a new file, not IN itself; nothing was written.');
  if (await lstatOrUndefined(outPath)) {
    throw refused(
      `${JSON.stringify(output)} already exists; nothing was written.`,
      'Repair writes a new file: choose another name.',
    );
  }
  return withOpenedBackup(input, parsed, 'repair', ui, async (backup) => {
    if (!backup.recoveryLayout) {
      throw refused(
        'this backup was made without parity (format version 1), so there is nothing to repair it from; nothing was written.',
        'Run "coffer verify" to check it, or "coffer restore --salvage" to restore every file that is intact.',
      );
    }
    const temp = join(dirname(outPath), `.${randomSuffix()}.coffer-repair`);
    const forget = onForcedExit(() => rmSync(temp, { force: true }));
    try {
      const sink = createWriteStream(temp, { flags: 'wx' });
      try {
        await pipeline(Readable.from(backup.repairedFile(interruptSignal, fileSpill(dirname(outPath)))), sink, {
          signal: interruptSignal,
        });
      } catch (error) {
        throw isNodeFsError(error) ? fsError(error, 'write', outPath) : error;
      }
      await fsyncFile(temp);
      await moveIntoPlace(temp, outPath, output, false);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    } finally {
      forget();
    }
    const lines = repairLines(backup.repairs, backup.layout.chunkCount);
    if (needsRepair(backup.repairs)) {
      ui.note(
        `Repaired ${input} into ${output}:\n${lines.map((line) => `  - ${line}\n`).join('')}The new file has fresh parity.`,
      );
    } else ui.note(`Nothing needed repairing; ${output} is an exact copy of ${input}.`);
    return EXIT.ok;
  });
}
