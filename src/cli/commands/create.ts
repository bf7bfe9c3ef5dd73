/** `coffer create -o OUT.coffer [unlock options] PATH...` */
import { createWriteStream, rmSync, unlinkSync } from 'node:fs';
import { link, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { displayName } from '../../core/display-name.ts';
import {
  backupBytes,
  type CreateProgress,
  formatRecoveryKey,
  generateRecoveryKey,
  KDF_PRESETS,
  type KdfPreset,
  type SlotSpec,
} from '../../core/index.ts';
import { MAX_PARITY_PERCENT } from '../../core/recovery.ts';
import { nodeAesGcm } from '../aes-gcm.ts';
import { flag, parseCommand, requireOutput, stringOption } from '../args.ts';
import { compressionThreads } from '../compression-threads.ts';
import { creationCredentials, promptNewPassphrase } from '../credentials.ts';
import { DEFLATE_LEVEL, nativeDeflate } from '../deflate.ts';
import { toEntrySources } from '../entry-sources.ts';
import { CliError, EXIT, refused, usageError } from '../exit-codes.ts';
import { earlyFlusher, fsyncFile, lstatOrUndefined, randomSuffix, writeSecretFile } from '../files.ts';
import { errnoCode, fsError, isNodeFsError } from '../fs-errors.ts';
import { COMMAND_HELP } from '../help.ts';
import { fileSpill } from '../parity-spill.ts';
import { threadedCliCoder } from '../parity-threads.ts';
import { interruptSignal, onForcedExit } from '../signals.ts';
import { createUi, humanSize, percent, plural, rate } from '../ui.ts';
import { walkInputs } from '../walk.ts';

const WRITE_HIGH_WATER_MARK = 4 * 1024 * 1024;

export async function runCreate(argv: string[]): Promise<number> {
  const parsed = parseCommand('create', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.create}\n`);
    return EXIT.ok;
  }
  const output = requireOutput(parsed, 'create', 'OUT.coffer');
  if (parsed.positionals.length === 0) {
    throw usageError(
      'create: nothing to back up; give one or more files or folders.',
      'Usage: coffer create -o OUT.coffer PATH...',
    );
  }
  const kdfName = stringOption(parsed, 'kdf', 'create') ?? 'default';
  if (!Object.hasOwn(KDF_PRESETS, kdfName)) {
    throw usageError(`create: --kdf must be "default" or "strong", not ${JSON.stringify(kdfName)}.`);
  }
  // zstd on the threads, as in the app: faster here than DEFLATE on zlib, and smaller (issue 33).
  const compression = stringOption(parsed, 'compression', 'create') ?? 'zstd';
  if (compression !== 'zstd' && compression !== 'deflate') {
    throw usageError(`create: --compression must be "zstd" or "deflate", not ${JSON.stringify(compression)}.`);
  }
  const passphraseFile = stringOption(parsed, 'passphrase-file', 'create');
  const recoveryKeyFile = stringOption(parsed, 'recovery-key-file', 'create');
  const newKeyFile = stringOption(parsed, 'new-recovery-key', 'create');
  if (recoveryKeyFile !== undefined && newKeyFile !== undefined) {
    throw usageError(
      'create: use either --recovery-key-file or --new-recovery-key, not both (one recovery key per backup).',
    );
  }
  const overwrite = flag(parsed, 'overwrite');
  const parity = parityOption(stringOption(parsed, 'parity', 'create'));
  const ui = createUi(flag(parsed, 'quiet'));

  // Refusals first, before any slow work or any file is written.
  const outPath = resolve(output);
  const existing = await lstatOrUndefined(outPath);
  if (existing) {
    if (existing.isDirectory())
      throw refused(`${JSON.stringify(output)} is a folder; give a file name for the backup.`);
    if (!overwrite) {
      throw refused(
        `${JSON.stringify(output)} already exists; nothing was written.`,
        'Choose another name, or add --overwrite to replace it.',
      );
    }
    if (!existing.isFile()) throw refused(`${JSON.stringify(output)} exists and is not a regular file.`);
  }
  const outDir = dirname(outPath);
  const outDirStat = await stat(outDir).catch((error) => {
    throw fsError(error, 'write the backup into', outDir);
  });
  if (!outDirStat.isDirectory()) throw new CliError(EXIT.other, `${JSON.stringify(outDir)} is not a folder.`);
  const keyPath = newKeyFile === undefined ? undefined : resolve(newKeyFile);
  if (keyPath !== undefined) {
    if (keyPath === outPath) throw usageError('create: the backup and the new recovery key need different files.');
    if (await lstatOrUndefined(keyPath)) {
      throw refused(
        `${JSON.stringify(newKeyFile)} already exists; it was left alone and no backup was made.`,
        'Choose a new file for the recovery key.',
      );
    }
  }

  const credentials = await creationCredentials({ passphraseFile, recoveryKeyFile }, keyPath !== undefined);
  const walk = await walkInputs(parsed.positionals, ui, new Set([outPath]));
  if (walk.entries.length === 0) {
    throw new CliError(EXIT.other, 'nothing to back up: every PATH given was skipped.');
  }
  if (credentials.needsPrompt) credentials.passphrase = await promptNewPassphrase();
  const slots: SlotSpec[] = [];
  if (credentials.passphrase !== undefined) {
    slots.push({ kind: 'passphrase', passphrase: credentials.passphrase, kdf: KDF_PRESETS[kdfName as KdfPreset] });
  }
  if (credentials.recoveryKey !== undefined) slots.push({ kind: 'recovery-key', recoveryKey: credentials.recoveryKey });

  // The new key is saved before the backup exists, so there is never a backup whose key was lost.
  let keyCreated = false;
  const temp = join(outDir, `.${basename(outPath)}.partial-${randomSuffix()}`);
  const forget = onForcedExit(() => {
    rmSync(temp, { force: true });
    if (keyCreated && keyPath) unlinkSync(keyPath);
  });
  try {
    if (keyPath !== undefined) {
      const digits = generateRecoveryKey();
      try {
        await writeSecretFile(keyPath, `${formatRecoveryKey(digits)}\n`);
      } catch (error) {
        if (errnoCode(error) === 'EEXIST')
          throw refused(`${JSON.stringify(newKeyFile)} already exists; no backup was made.`);
        throw fsError(error, 'write the recovery key to', keyPath);
      }
      keyCreated = true;
      slots.push({ kind: 'recovery-key', recoveryKey: digits });
    }

    const started = Date.now();
    const onProgress = (progress: CreateProgress) => {
      const share = percent(progress.bytesDone, progress.bytesTotal);
      ui.progress(
        `Backing up ${share} ${humanSize(progress.bytesDone)} of ${humanSize(progress.bytesTotal)}  ${displayName(progress.currentPath)}`,
      );
    };
    const compress = !flag(parsed, 'no-compress');
    const bytes = backupBytes(toEntrySources(walk.entries, { compress, level: DEFLATE_LEVEL, method: compression }), {
      slots,
      compress,
      compression,
      compressor: compression === 'zstd' ? compressionThreads().compress : nativeDeflate(DEFLATE_LEVEL),
      aes: nodeAesGcm,
      parity,
      coder: parity === undefined ? undefined : threadedCliCoder(),
      paritySpill: parity === undefined ? undefined : fileSpill(outDir),
      totalBytes: walk.bytes,
      signal: interruptSignal,
      onProgress,
    });
    const sink = createWriteStream(temp, { flags: 'wx', highWaterMark: WRITE_HIGH_WATER_MARK });
    const flusher = earlyFlusher(temp);
    try {
      await pipeline(Readable.from(flusher.pass(bytes), { highWaterMark: 16 }), sink, { signal: interruptSignal });
      await flusher.settle();
    } catch (error) {
      await flusher.settle().catch(() => {});
      throw isNodeFsError(error) ? fsError(error, 'write', outPath) : error;
    }
    await fsyncFile(temp).catch((error) => {
      throw fsError(error, 'write', outPath);
    });
    await moveIntoPlace(temp, outPath, output, overwrite);
    ui.clearProgress();
    const { size } = await stat(outPath);
    ui.note(
      `Backed up ${plural(walk.files, 'file')} and ${plural(walk.dirs, 'folder')} (${humanSize(walk.bytes)}) to ${output} (${humanSize(size)}${rate(walk.bytes, started)}).`,
    );
    if (keyPath !== undefined) {
      ui.note(
        `The recovery key was saved to ${newKeyFile}. Keep it somewhere safe: it opens this backup${credentials.passphrase === undefined ? ', and nothing else does' : ' without the passphrase'}.`,
      );
    }
    if (walk.skipped > 0)
      ui.note(`${plural(walk.skipped, 'item was', 'items were')} skipped (see the warnings above).`);
    return EXIT.ok;
  } catch (error) {
    ui.clearProgress();
    await rm(temp, { force: true }).catch(() => {});
    if (keyCreated && keyPath) await unlink(keyPath).catch(() => {});
    throw error;
  } finally {
    forget();
  }
}

/** `--parity PCT`: a whole percentage, 0 (header and index copies only) to 100. */
function parityOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= MAX_PARITY_PERCENT)) {
    throw usageError(
      `create: --parity must be a whole percentage from 0 to ${MAX_PARITY_PERCENT}, not ${JSON.stringify(raw)}.`,
      'For example --parity 10: about 10% larger, and any 5 damaged chunks in each run of 55 are rebuilt.',
    );
  }
  return value;
}

/** Renames the finished file to OUT; without --overwrite, never replaces something that appeared meanwhile. */
export async function moveIntoPlace(temp: string, outPath: string, shown: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, outPath).catch((error) => {
      throw fsError(error, 'write', outPath);
    });
    return;
  }
  let linked = false;
  try {
    await link(temp, outPath);
    linked = true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST')
      throw refused(`${JSON.stringify(shown)} appeared while the backup was being written; it was left alone.`);
    // File systems without hard links: check, then rename.
  }
  if (linked) {
    await unlink(temp).catch(() => {});
    return;
  }
  if (await lstatOrUndefined(outPath))
    throw refused(`${JSON.stringify(shown)} appeared while the backup was being written; it was left alone.`);
  await rename(temp, outPath).catch((error) => {
    throw fsError(error, 'write', outPath);
  });
}
