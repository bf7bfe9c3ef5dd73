/** `coffer keygen -o FILE`: a new recovery key, saved with mode 0600. */
import { resolve } from 'node:path';
import { formatRecoveryKey, generateRecoveryKey } from '../../core/index.ts';
import { flag, parseCommand, requireOutput } from '../args.ts';
import { EXIT, refused, usageError } from '../exit-codes.ts';
import { writeSecretFile } from '../files.ts';
import { errnoCode, fsError } from '../fs-errors.ts';
import { COMMAND_HELP } from '../help.ts';

export async function runKeygen(argv: string[]): Promise<number> {
  const parsed = parseCommand('keygen', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.keygen}\n`);
    return EXIT.ok;
  }
  const output = requireOutput(parsed, 'keygen', 'FILE');
  if (parsed.positionals.length > 0)
    throw usageError(`keygen: unexpected argument ${JSON.stringify(parsed.positionals[0])}.`);
  try {
    await writeSecretFile(resolve(output), `${formatRecoveryKey(generateRecoveryKey())}\n`);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') {
      throw refused(
        `${JSON.stringify(output)} already exists; it was left alone.`,
        'Choose a new file name for the key.',
      );
    }
    throw fsError(error, 'write the recovery key to', output);
  }
  if (!flag(parsed, 'quiet')) {
    process.stderr.write(
      `A new recovery key was saved to ${output} (readable only by you).\n` +
        'Keep a copy somewhere safe, away from your backups: a backup locked only with this key cannot be\n' +
        'opened by anyone (including you) if the key is lost.\n' +
        `Use it with: coffer create --recovery-key-file ${output} -o OUT.coffer PATH...\n`,
    );
  }
  return EXIT.ok;
}
