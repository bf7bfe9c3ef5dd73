/**
 * `coffer rekey IN -o OUT [unlock options] [--set-passphrase-file F] [--new-recovery-key F |
 * --add-recovery-key-file F] [--remove passphrase|recovery-key]`: a copy of IN that unlocks
 * differently. The file key stays, so only the header changes; IN is never modified.
 */
import { stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { wipe } from '../../core/bytes.ts';
import {
  type Credentials,
  checkPlan,
  formatRecoveryKey,
  generateRecoveryKey,
  type Header,
  isCofferError,
  KDF_PRESETS,
  type KdfPreset,
  kindsAfter,
  openFileKey,
  type PortableKind,
  payloadLayout,
  type RekeyChanges,
  rekeyHeader,
  type SlotSpec,
} from '../../core/index.ts';
import { flag, type Parsed, parseCommand, requireOutput, singleInput, stringList, stringOption } from '../args.ts';
import {
  canPrompt,
  givenCredentials,
  promptCredentials,
  promptNewPassphrase,
  readPassphraseFile,
  readRecoveryKeyFile,
  slotKinds,
} from '../credentials.ts';
import { CliError, EXIT, refused, usageError } from '../exit-codes.ts';
import { lstatOrUndefined, writeSecretFile } from '../files.ts';
import { errnoCode, fsError } from '../fs-errors.ts';
import { COMMAND_HELP } from '../help.ts';
import { writeRekeyed } from '../rekey-output.ts';
import { createUi, type Ui } from '../ui.ts';
import { unlockOptions, withHeader } from './common.ts';

export const ENV_NEW_PASSPHRASE = 'COFFER_NEW_PASSPHRASE';
const REMOVABLE: readonly PortableKind[] = ['passphrase', 'recovery-key'];

interface Request {
  input: string;
  output: string;
  newPassphrase?: string;
  /** Ask for the new passphrase in the terminal once IN has been unlocked. */
  promptPassphrase: boolean;
  newKeyFile?: string;
  addedKey?: string;
  remove: PortableKind[];
  kdf?: KdfPreset;
}

export async function runRekey(argv: string[]): Promise<number> {
  const parsed = parseCommand('rekey', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.rekey}\n`);
    return EXIT.ok;
  }
  const request = await readRequest(parsed);
  const ui = createUi(flag(parsed, 'quiet'));
  const outPath = resolve(request.output);
  const keyPath = request.newKeyFile === undefined ? undefined : resolve(request.newKeyFile);
  await refuseExisting(request, outPath, keyPath);

  return withHeader(request.input, async (source, header) => {
    payloadLayout(header, source.size); // a cut-off IN is reported now, not copied
    const changes = plannedChanges(header, request);
    try {
      checkPlan(header, changes);
    } catch (error) {
      if (isCofferError(error) && error.code === 'invalid_input') throw refused(error.message);
      throw error;
    }
    const credentials = await unlockCredentials(parsed, header);
    const newHeader = await rekeyWithRetries(header, credentials, changes, ui, request);
    let keyCreated = false;
    try {
      if (keyPath !== undefined) {
        const digits = (changes.add ?? []).find((spec) => spec.kind === 'recovery-key');
        await saveNewKey(keyPath, request.newKeyFile as string, digits);
        keyCreated = true;
      }
      await writeRekeyed({
        input: request.input,
        oldHeaderLength: header.headerLength,
        inputSize: source.size,
        header: newHeader.bytes,
        outPath,
        shownOut: request.output,
      });
    } catch (error) {
      if (keyCreated && keyPath) await unlink(keyPath).catch(() => {});
      throw error;
    }
    ui.note(`Wrote ${request.output}: it opens with ${describeKinds(kindsAfter(header, newHeader.changes))}.`);
    if (request.newKeyFile !== undefined) {
      ui.note(`The new recovery key was saved to ${request.newKeyFile}. Keep it somewhere safe.`);
    }
    ui.note(
      `${request.input} was left as it is, and it still opens the old way: delete old copies you no longer want.`,
    );
    return EXIT.ok;
  });
}

async function readRequest(parsed: Parsed): Promise<Request> {
  const input = singleInput(parsed, 'rekey');
  const output = requireOutput(parsed, 'rekey', 'OUT.coffer');
  const setFile = stringOption(parsed, 'set-passphrase-file', 'rekey');
  const newKeyFile = stringOption(parsed, 'new-recovery-key', 'rekey');
  const addKeyFile = stringOption(parsed, 'add-recovery-key-file', 'rekey');
  const kdfName = stringOption(parsed, 'kdf', 'rekey');
  if (kdfName !== undefined && !Object.hasOwn(KDF_PRESETS, kdfName)) {
    throw usageError(`rekey: --kdf must be "default" or "strong", not ${JSON.stringify(kdfName)}.`);
  }
  if (newKeyFile !== undefined && addKeyFile !== undefined) {
    throw usageError('rekey: use either --new-recovery-key or --add-recovery-key-file, not both.');
  }
  const remove: PortableKind[] = [];
  for (const value of stringList(parsed, 'remove')) {
    if (!REMOVABLE.includes(value as PortableKind)) {
      throw usageError(`rekey: --remove takes "passphrase" or "recovery-key", not ${JSON.stringify(value)}.`);
    }
    if (!remove.includes(value as PortableKind)) remove.push(value as PortableKind);
  }
  let newPassphrase: string | undefined;
  if (setFile !== undefined) {
    newPassphrase = await readPassphraseFile(setFile);
    if (newPassphrase === '') throw usageError(`rekey: the first line of ${JSON.stringify(setFile)} is empty.`);
  } else {
    const env = process.env[ENV_NEW_PASSPHRASE];
    if (env !== undefined && env !== '') newPassphrase = env;
  }
  if (newPassphrase !== undefined && remove.includes('passphrase')) {
    throw usageError(
      `rekey: --remove passphrase and a new passphrase (--set-passphrase-file or ${ENV_NEW_PASSPHRASE}) contradict each other.`,
    );
  }
  if ((newKeyFile !== undefined || addKeyFile !== undefined) && remove.includes('recovery-key')) {
    throw usageError('rekey: --remove recovery-key and a new recovery key contradict each other.');
  }
  const addedKey = addKeyFile === undefined ? undefined : await readRecoveryKeyFile(addKeyFile);
  const nothingAsked = newPassphrase === undefined && newKeyFile === undefined && !addKeyFile && remove.length === 0;
  if (nothingAsked && !canPrompt()) {
    throw usageError(
      'rekey: nothing to change was given (and there is no terminal to ask for a new passphrase).',
      `Use --set-passphrase-file F (or ${ENV_NEW_PASSPHRASE}), --new-recovery-key F, --add-recovery-key-file F or --remove passphrase|recovery-key.`,
    );
  }
  return {
    input,
    output,
    newPassphrase,
    promptPassphrase: nothingAsked,
    newKeyFile,
    addedKey,
    remove,
    kdf: kdfName as KdfPreset | undefined,
  };
}

async function refuseExisting(request: Request, outPath: string, keyPath: string | undefined): Promise<void> {
  if (await lstatOrUndefined(outPath)) {
    throw refused(`${JSON.stringify(request.output)} already exists; nothing was written.`, 'Choose another name.');
  }
  // The parent folder is followed like create's and repair's (a symlinked folder is fine); only
  // OUT itself must not exist, as a file or a link.
  const outDir = await stat(dirname(outPath)).catch((error) => {
    throw fsError(error, 'write the new backup into', dirname(outPath));
  });
  if (!outDir.isDirectory()) throw new CliError(EXIT.other, `${JSON.stringify(dirname(outPath))} is not a folder.`);
  if (keyPath === undefined) return;
  if (keyPath === outPath || keyPath === resolve(request.input)) {
    throw usageError('rekey: the new recovery key needs a file of its own.');
  }
  if (await lstatOrUndefined(keyPath)) {
    throw refused(`${JSON.stringify(request.newKeyFile)} already exists; it was left alone and nothing was written.`);
  }
}

/** Keeps the old passphrase slot's Argon2 cost when it is at least the default preset. */
function passphraseKdf(header: Header, preset: KdfPreset | undefined) {
  if (preset) return KDF_PRESETS[preset];
  const old = header.slots.find((slot) => slot.kind === 'passphrase');
  const base = KDF_PRESETS.default;
  if (old?.kind === 'passphrase' && old.kdf.memoryKiB >= base.memoryKiB && old.kdf.iterations >= base.iterations) {
    return old.kdf;
  }
  return base;
}

/** The changes, with a placeholder for a passphrase still to be typed (its kind is what counts here). */
function plannedChanges(header: Header, request: Request): RekeyChanges {
  const add: SlotSpec[] = [];
  const passphrase = request.newPassphrase ?? (request.promptPassphrase ? '(to be typed)' : undefined);
  if (passphrase !== undefined) add.push({ kind: 'passphrase', passphrase, kdf: passphraseKdf(header, request.kdf) });
  if (request.addedKey !== undefined) add.push({ kind: 'recovery-key', recoveryKey: request.addedKey });
  if (request.newKeyFile !== undefined) add.push({ kind: 'recovery-key', recoveryKey: generateRecoveryKey() });
  return { add, remove: request.remove };
}

async function unlockCredentials(parsed: Parsed, header: Header): Promise<Credentials | undefined> {
  const given = await givenCredentials(unlockOptions(parsed, 'rekey'));
  if (given.passphrase !== undefined || given.recoveryKey !== undefined) return given;
  const kinds = slotKinds(header);
  if (kinds.size === 0) {
    throw new CliError(EXIT.damaged, 'This backup has no key slot this version of Coffer can open. Update Coffer.');
  }
  if (!canPrompt()) {
    throw usageError(
      'rekey: no way to open the backup was given (and there is no terminal to ask).',
      'Set COFFER_PASSPHRASE, or use --passphrase-file F or --recovery-key-file F.',
    );
  }
  return undefined;
}

/** Unlocks (asking up to three times in a terminal) and builds the new header. */
async function rekeyWithRetries(
  header: Header,
  given: Credentials | undefined,
  planned: RekeyChanges,
  ui: Ui,
  request: Request,
): Promise<{ bytes: Uint8Array; changes: RekeyChanges }> {
  for (let attempt = 1; ; attempt++) {
    const credentials = given ?? (await promptCredentials(slotKinds(header)));
    try {
      let changes = planned;
      if (request.promptPassphrase) {
        // The new passphrase is asked for only once the old credential has proved right.
        wipe(await openFileKey(header, credentials));
        const passphrase = await promptNewPassphrase();
        changes = { ...planned, add: [{ kind: 'passphrase', passphrase, kdf: passphraseKdf(header, request.kdf) }] };
      }
      return { bytes: await rekeyHeader(header, credentials, changes), changes };
    } catch (error) {
      const retry = isCofferError(error) && (error.code === 'wrong_key' || error.code === 'key_typo');
      if (given !== undefined || !retry || attempt >= 3) throw error;
      ui.warn(error.message);
    }
  }
}

async function saveNewKey(keyPath: string, shown: string, spec: SlotSpec | undefined): Promise<void> {
  if (spec?.kind !== 'recovery-key') throw new Error('no new recovery key was planned');
  try {
    await writeSecretFile(keyPath, `${formatRecoveryKey(spec.recoveryKey)}\n`);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw refused(`${JSON.stringify(shown)} already exists; nothing was written.`);
    throw fsError(error, 'write the recovery key to', keyPath);
  }
}

function describeKinds(kinds: string[]): string {
  const names = kinds.map((kind) =>
    kind === 'passphrase'
      ? 'a passphrase'
      : kind === 'recovery-key'
        ? 'a recovery key'
        : kind === 'passkey'
          ? 'a passkey'
          : 'a key of a kind this version of Coffer does not know',
  );
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
