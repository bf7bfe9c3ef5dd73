/**
 * Writing a rekeyed backup: the new header, then IN's payload bytes unchanged, into a temporary
 * file beside OUT that is moved into place only when complete (never over an existing file).
 */
import { COPYFILE_EXCL } from 'node:constants';
import { rmSync } from 'node:fs';
import { copyFile, open, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { moveIntoPlace } from './commands/create.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { randomSuffix } from './files.ts';
import { fsError, isNodeFsError } from './fs-errors.ts';
import { interruptSignal, onForcedExit } from './signals.ts';

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

/**
 * When the header changes length, the payload is copied after the new header through two large
 * buffers, the next read overlapping the current write: a stream pipeline's small pieces and
 * per-piece overhead ran at about a fifth of cp's speed (spec 9: the payload is never decrypted).
 */
const COPY_BUFFER = 8 * 1024 * 1024;

async function streamed(file: RekeyedFile, temp: string): Promise<void> {
  const input = await open(file.input, 'r');
  try {
    const output = await open(temp, 'wx');
    try {
      await output.write(file.header, 0, file.header.length, 0);
      const buffers = [Buffer.allocUnsafe(COPY_BUFFER), Buffer.allocUnsafe(COPY_BUFFER)];
      let readAt = file.oldHeaderLength;
      let writeAt = file.header.length;
      let turn = 0;
      let reading = input.read(buffers[turn], 0, COPY_BUFFER, readAt);
      for (;;) {
        const { bytesRead } = await reading;
        if (bytesRead === 0) break;
        interruptSignal.throwIfAborted();
        readAt += bytesRead;
        const filled = buffers[turn];
        turn ^= 1;
        reading = input.read(buffers[turn], 0, COPY_BUFFER, readAt);
        // A failed read while this write runs is still seen: it is awaited on the next turn.
        reading.catch(() => {});
        for (let done = 0; done < bytesRead; ) {
          const { bytesWritten } = await output.write(filled, done, bytesRead - done, writeAt);
          done += bytesWritten;
          writeAt += bytesWritten;
        }
      }
      await output.sync();
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
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
