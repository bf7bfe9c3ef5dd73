/**
 * Where passphrases and recovery keys come from: COFFER_PASSPHRASE, --passphrase-file,
 * --recovery-key-file, or a prompt without echo when stdin is a terminal. Secrets are never
 * printed.
 */
import { readFile } from 'node:fs/promises';
import { isatty } from 'node:tty';
import {
  CofferError,
  type Credentials,
  type Header,
  isCofferError,
  OpenedBackup,
  parseRecoveryKey,
  type RandomAccessSource,
} from '../core/index.ts';
import { keyFromKit } from '../core/recovery-kit.ts';
import { nodeAesGcm } from './aes-gcm.ts';
import { cliCoder } from './erasure.ts';
import { CliError, EXIT, usageError } from './exit-codes.ts';
import { fsError } from './fs-errors.ts';
import { nodeSegmentInflate } from './segment-inflate.ts';

/** The Reed–Solomon coder, loaded only for files that have parity (version 3, spec 11). */
function coderFor(header: Header | undefined) {
  return header && header.version >= 3 ? cliCoder() : undefined;
}

import { compressionThreads } from './compression-threads.ts';
import type { Ui } from './ui.ts';

export const ENV_PASSPHRASE = 'COFFER_PASSPHRASE';

export interface UnlockOptions {
  passphraseFile?: string;
  recoveryKeyFile?: string;
}

const NO_UNLOCK_HINT = `Set ${ENV_PASSPHRASE}, or use --passphrase-file F or --recovery-key-file F.`;

export function canPrompt(): boolean {
  return isatty(0);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// Strict: a lossy decode would turn different invalid bytes into the same U+FFFD, so two
// different files would open the same backup.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The first line of the file, without its line break; exit 2 if the file is not valid UTF-8. */
export async function readPassphraseFile(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fsError(error, 'read the passphrase file', path);
  }
  let text: string;
  try {
    text = stripBom(strictUtf8.decode(bytes));
  } catch {
    throw usageError(
      `the passphrase file ${JSON.stringify(path)} is not valid UTF-8 text; nothing was done.`,
      'Save it as UTF-8 (the passphrase on its first line).',
    );
  } finally {
    bytes.fill(0);
  }
  const newline = text.indexOf('\n');
  const line = newline === -1 ? text : text.slice(0, newline);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The 64 digits, or key_typo (exit 3) before any decryption is attempted. */
export async function readRecoveryKeyFile(path: string): Promise<string> {
  let text: string;
  try {
    text = stripBom(await readFile(path, 'utf8'));
  } catch (error) {
    throw fsError(error, 'read the recovery key file', path);
  }
  try {
    // A recovery kit saved by the app works as it is: its key line is read, the rest ignored.
    return parseRecoveryKey(keyFromKit(text) ?? text);
  } catch (error) {
    if (isCofferError(error)) {
      throw new CofferError(error.code, `${error.message} (recovery key file ${JSON.stringify(path)})`);
    }
    throw error;
  }
}

/** --passphrase-file wins over COFFER_PASSPHRASE; an empty variable counts as unset. */
export async function givenPassphrase(options: UnlockOptions): Promise<string | undefined> {
  if (options.passphraseFile !== undefined) return readPassphraseFile(options.passphraseFile);
  const env = process.env[ENV_PASSPHRASE];
  return env === undefined || env === '' ? undefined : env;
}

export async function givenCredentials(options: UnlockOptions): Promise<Credentials> {
  const credentials: Credentials = {};
  // The key file first: a typo in it is reported before any slow passphrase work.
  if (options.recoveryKeyFile !== undefined)
    credentials.recoveryKey = await readRecoveryKeyFile(options.recoveryKeyFile);
  const passphrase = await givenPassphrase(options);
  if (passphrase !== undefined) credentials.passphrase = passphrase;
  return credentials;
}

function cancelled(): CofferError {
  return new CofferError('cancelled', 'Cancelled.');
}

/** Reads one line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let input = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(input);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(cancelled());
        if (ch === '\u0004') return input === '' ? finish(cancelled()) : finish();
        if (ch === '\u007f' || ch === '\b') {
          input = Array.from(input).slice(0, -1).join('');
        } else if (ch === '\u0015') {
          input = '';
        } else if (ch === '\u001b') {
          return; // an escape sequence (arrow keys and the like): ignore the rest of it
        } else if (ch >= ' ') {
          input += ch;
        }
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** Asks twice until both match and are non-empty (three tries). */
export async function promptNewPassphrase(): Promise<string> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const first = await promptHidden('New passphrase: ');
    if (first === '') {
      process.stderr.write('The passphrase must not be empty.\n');
      continue;
    }
    const second = await promptHidden('Repeat the passphrase: ');
    if (first === second) return first;
    process.stderr.write('The two passphrases differ. Try again.\n');
  }
  throw usageError('no passphrase was set (the two entries differed or were empty).');
}

export type KnownKind = 'passphrase' | 'recovery-key';

export function slotKinds(header: Header): Set<KnownKind> {
  const kinds = new Set<KnownKind>();
  for (const slot of header.slots) if (slot.kind === 'passphrase' || slot.kind === 'recovery-key') kinds.add(slot.kind);
  return kinds;
}

function describeKinds(kinds: Set<KnownKind>): string {
  if (kinds.has('passphrase') && kinds.has('recovery-key')) return 'a passphrase or a recovery key';
  if (kinds.has('recovery-key')) return 'its recovery key';
  return 'its passphrase';
}

export async function promptCredentials(kinds: Set<KnownKind>): Promise<Credentials> {
  if (kinds.has('passphrase')) {
    const question = kinds.has('recovery-key')
      ? 'Passphrase (or press Enter to type the recovery key instead): '
      : 'Passphrase: ';
    const passphrase = await promptHidden(question);
    if (passphrase !== '' || !kinds.has('recovery-key')) return { passphrase };
  }
  return { recoveryKey: await promptHidden('Recovery key: ') };
}

/**
 * Opens the backup with the credentials given, or asks for them in a terminal (up to three
 * tries). Without either: exit 2 naming the options.
 */
export async function openBackup(
  source: RandomAccessSource,
  header: Header,
  options: UnlockOptions,
  ui: Ui,
  command: string,
): Promise<OpenedBackup> {
  const given = await givenCredentials(options);
  if (given.passphrase !== undefined || given.recoveryKey !== undefined) {
    return OpenedBackup.open(source, given, header, {
      aes: nodeAesGcm,
      inflate: nodeSegmentInflate,
      zstd: compressionThreads().decompress,
      coder: coderFor(header),
    });
  }
  const kinds = slotKinds(header);
  if (kinds.size === 0) {
    throw new CofferError(
      'unsupported_version',
      header.slots.some((slot) => slot.kind === 'passkey')
        ? 'This backup opens only with its passkey, in the Coffer app in a browser.'
        : 'This backup has no key slot this version of Coffer can open. Update Coffer to open it.',
    );
  }
  if (!canPrompt()) {
    throw new CliError(
      EXIT.usage,
      `${command}: this backup needs ${describeKinds(kinds)}, and none was given (and there is no terminal to ask).`,
      kinds.has('passphrase') ? NO_UNLOCK_HINT : 'Use --recovery-key-file F.',
    );
  }
  for (let attempt = 1; ; attempt++) {
    const credentials = await promptCredentials(kinds);
    try {
      return await OpenedBackup.open(source, credentials, header, {
        aes: nodeAesGcm,
        inflate: nodeSegmentInflate,
        zstd: compressionThreads().decompress,
        coder: coderFor(header),
      });
    } catch (error) {
      const retry = isCofferError(error) && (error.code === 'wrong_key' || error.code === 'key_typo');
      if (!retry || attempt >= 3) throw error;
      ui.warn(error.message);
    }
  }
}

export interface NewBackupUnlock {
  passphrase?: string;
  /** An existing key from --recovery-key-file (digits). */
  recoveryKey?: string;
  /** Nothing was given, but a terminal can be asked (call promptNewPassphrase when ready). */
  needsPrompt: boolean;
}

/**
 * Credentials for `create`, before any new recovery key is added. Reads the files given (so a
 * typo is reported early) and checks that some way to unlock exists, without prompting yet.
 */
export async function creationCredentials(options: UnlockOptions, willAddNewKey: boolean): Promise<NewBackupUnlock> {
  const result: NewBackupUnlock = { needsPrompt: false };
  if (options.recoveryKeyFile !== undefined) result.recoveryKey = await readRecoveryKeyFile(options.recoveryKeyFile);
  const passphrase = await givenPassphrase(options);
  if (passphrase !== undefined) {
    if (passphrase === '') {
      throw usageError(`the first line of ${JSON.stringify(options.passphraseFile)} is empty; a passphrase is needed.`);
    }
    result.passphrase = passphrase;
  }
  if (result.passphrase !== undefined || result.recoveryKey !== undefined || willAddNewKey) return result;
  if (!canPrompt()) {
    throw usageError(
      'create: no way to unlock the new backup was given (and there is no terminal to ask for a passphrase).',
      `Set ${ENV_PASSPHRASE}, or use --passphrase-file F, --recovery-key-file F or --new-recovery-key F.`,
    );
  }
  result.needsPrompt = true;
  return result;
}
