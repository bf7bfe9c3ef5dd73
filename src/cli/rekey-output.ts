/**
 * Writing a rekeyed backup: the new header, then IN's payload bytes unchanged, into a temporary
 * file beside OUT that is moved into place only when complete (never over an existing file).
 */
import { COPYFILE_EXCL } from 'node:constants';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { copyFile, open, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { moveIntoPlace } from './commands/create.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { fsyncFile, randomSuffix } from './files.ts';
import { fsError, isNodeFsError } from './fs-errors.ts';
import { interruptSignal, onForcedExit } from './signals.ts';

const READ_HIGH_WATER_MARK = 4 * 1024 * 1024;

export interface RekeyedFile {
  input: string;
  /** IN's header length and size when its header was read. */
  oldHeaderLength: number;
  inputSize: number;
  header: Uint8Array;
  outPath: string;
  shownOut: string;
}

/**
 * When the header keeps its length (the usual change of passphrase), the whole file is copied
 * with copyFile, which the kernel can do without passing the bytes through us (copy_file_range,
 * or a reflink), and then the header is overwritten in place.
 */
async function copyThenPatch(file: RekeyedFile, temp: string): Promise<void> {
  await copyFile(file.input, temp, COPYFILE_EXCL);
  const handle = await open(temp, 'r+');
  try {
    await handle.write(file.header, 0, file.header.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function* headerThenPayload(file: RekeyedFile): AsyncGenerator<Uint8Array> {
  yield file.header;
  yield* createReadStream(file.input, { start: file.oldHeaderLength, highWaterMark: READ_HIGH_WATER_MARK });
}

async function streamed(file: RekeyedFile, temp: string): Promise<void> {
  const sink = createWriteStream(temp, { flags: 'wx' });
  await pipeline(Readable.from(headerThenPayload(file)), sink, { signal: interruptSignal });
  await fsyncFile(temp);
}

export async function writeRekeyed(file: RekeyedFile): Promise<void> {
  const temp = join(dirname(file.outPath), `.${basename(file.outPath)}.partial-${randomSuffix()}`);
  const forget = onForcedExit(() => rmSync(temp, { force: true }));
  try {
    try {
      if (file.header.length === file.oldHeaderLength) await copyThenPatch(file, temp);
      else await streamed(file, temp);
    } catch (error) {
      throw isNodeFsError(error) ? fsError(error, 'write', file.outPath) : error;
    }
    // A backup that changed while it was copied would pair the new header with other bytes.
    const after = await stat(file.input);
    const written = await stat(temp);
    const expected = file.inputSize - file.oldHeaderLength + file.header.length;
    if (after.size !== file.inputSize || written.size !== expected) {
      throw new CliError(
        EXIT.other,
        `${JSON.stringify(file.input)} changed while it was being copied; nothing was written.`,
      );
    }
    await moveIntoPlace(temp, file.outPath, file.shownOut, false);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  } finally {
    forget();
  }
}
