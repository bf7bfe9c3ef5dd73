/** Opening a backup file for the reading commands. */
import { type Header, type OpenedBackup, readHeader } from '../../core/index.ts';
import type { Parsed } from '../args.ts';
import { stringOption } from '../args.ts';
import { openBackup, type UnlockOptions } from '../credentials.ts';
import { type FileSource, openFileSource } from '../fs-source.ts';
import type { Ui } from '../ui.ts';

export function unlockOptions(parsed: Parsed, command: string): UnlockOptions {
  return {
    passphraseFile: stringOption(parsed, 'passphrase-file', command),
    recoveryKeyFile: stringOption(parsed, 'recovery-key-file', command),
  };
}

/** Opens the file, reads its header, runs `use`, and always closes the file. */
export async function withHeader<T>(
  input: string,
  use: (source: FileSource, header: Header) => Promise<T>,
): Promise<T> {
  // Coffer backups are read by the core's STREAM reader, which copies each piece it keeps.
  const source = await openFileSource(input, { reuseBuffers: true });
  try {
    const header = await readHeader(source);
    return await use(source, header);
  } finally {
    await source.close();
  }
}

/** Opens and unlocks the backup (index read and every path checked), then runs `use`. */
export async function withOpenedBackup<T>(
  input: string,
  parsed: Parsed,
  command: string,
  ui: Ui,
  use: (backup: OpenedBackup, source: FileSource) => Promise<T>,
): Promise<T> {
  const options = unlockOptions(parsed, command);
  return withHeader(input, async (source, header) => {
    const backup = await openBackup(source, header, options, ui, command);
    return use(backup, source);
  });
}
