/** Opening a backup file for the reading commands. */
import { type Header, type OpenedBackup, type RandomAccessSource, readHeader } from '../../core/index.ts';
import { parseLocation } from '../../remote/location.ts';
import { openRemoteSource } from '../../remote/source.ts';
import type { Parsed } from '../args.ts';
import { stringOption } from '../args.ts';
import { openBackup, type UnlockOptions } from '../credentials.ts';
import { type FileSource, openFileSource } from '../fs-source.ts';
import { openStore } from '../remote/open.ts';
import { interruptSignal } from '../signals.ts';
import type { Ui } from '../ui.ts';

type Source = RandomAccessSource & { close(): Promise<void> };

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

/**
 * Like withHeader, for a local path or a location on a server (`webdav+http(s)://`, `s3://`),
 * which is then read by range requests: only the bytes an operation needs are fetched.
 */
export async function withLocationHeader<T>(
  input: string,
  command: string,
  use: (source: Source, header: Header) => Promise<T>,
): Promise<T> {
  const location = parseLocation(input, command);
  if (location.kind === 'file') return withHeader(location.path, use);
  const source = await openRemoteSource(openStore(location), interruptSignal);
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
  use: (backup: OpenedBackup, source: Source) => Promise<T>,
): Promise<T> {
  const options = unlockOptions(parsed, command);
  return withLocationHeader(input, command, async (source, header) => {
    const backup = await openBackup(source, header, options, ui, command);
    return use(backup, source);
  });
}
