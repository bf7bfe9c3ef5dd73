/** `coffer verify IN.coffer [unlock options]`: decrypts and checks every byte; writes nothing. */
import { flag, parseCommand, singleInput } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { COMMAND_HELP } from '../help.ts';
import { needsRepair, repairLines } from '../repair-report.ts';
import { interruptSignal } from '../signals.ts';
import { createUi, humanSize, percent } from '../ui.ts';
import { withOpenedBackup } from './common.ts';

export async function runVerify(argv: string[]): Promise<number> {
  const parsed = parseCommand('verify', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.verify}\n`);
    return EXIT.ok;
  }
  const input = singleInput(parsed, 'verify');
  const ui = createUi(flag(parsed, 'quiet'));
  const { files, bytes, repairs } = await withOpenedBackup(input, parsed, 'verify', ui, async (backup) => {
    await backup.verify({
      signal: interruptSignal,
      onProgress: (progress) =>
        ui.progress(
          `Verifying ${percent(progress.bytesDone, progress.bytesTotal)} ${humanSize(progress.bytesDone)} of ${humanSize(progress.bytesTotal)}`,
        ),
    });
    ui.clearProgress();
    return {
      files: backup.entries.filter((entry) => entry.type === 'file').length,
      bytes: backup.totalSize,
      repairs: needsRepair(backup.repairs) ? repairLines(backup.repairs, backup.layout.chunkCount) : undefined,
    };
  });
  if (repairs) {
    // Every byte checked out after repair, but the file itself is damaged: not a plain OK.
    process.stdout.write(
      `DAMAGED BUT REPAIRABLE: ${files} files, ${bytes} bytes verified after repair in memory; the file itself is damaged:\n${repairs.map((line) => `  - ${line}\n`).join('')}Run "coffer repair ${input} -o NEW.coffer" to write a clean copy.\n`,
    );
    return EXIT.damaged;
  }
  if (!ui.quiet) process.stdout.write(`OK: ${files} files, ${bytes} bytes verified\n`);
  return EXIT.ok;
}
