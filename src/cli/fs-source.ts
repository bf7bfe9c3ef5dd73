/** The core's RandomAccessSource on a Node file handle: positioned reads and a fast sequential stream. */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { RandomAccessSource } from '../core/index.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { fsError } from './fs-errors.ts';
import { readReusing } from './read-reusing.ts';

const STREAM_HIGH_WATER_MARK = 1024 * 1024;

export interface FileSource extends RandomAccessSource {
  close(): Promise<void>;
}

export interface FileSourceOptions {
  /**
   * The sequential stream refills two buffers instead of handing out a fresh one per read (each
   * piece is valid until the next is asked for). Only for consumers that copy what they keep,
   * such as the core's STREAM reader.
   */
  reuseBuffers?: boolean;
}

export async function openFileSource(path: string, options: FileSourceOptions = {}): Promise<FileSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fsError(error, 'open', path);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new CliError(EXIT.other, `${JSON.stringify(path)} is a folder, not a backup file.`);
    if (!stat.isFile()) throw new CliError(EXIT.other, `${JSON.stringify(path)} is not a regular file.`);
    return fileHandleSource(handle, stat.size, path, options);
  } catch (error) {
    await handle.close().catch(() => {});
    throw fsError(error, 'read', path);
  }
}

export function fileHandleSource(
  handle: FileHandle,
  size: number,
  path: string,
  options: FileSourceOptions = {},
): FileSource {
  const streams = new Set<ReturnType<typeof createReadStream>>();
  return {
    size,
    async read(offset, length) {
      const buffer = new Uint8Array(length);
      let filled = 0;
      try {
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
          if (bytesRead === 0) break; // the file shrank; the core reports it as cut short
          filled += bytesRead;
        }
      } catch (error) {
        throw fsError(error, 'read', path);
      }
      return filled === length ? buffer : buffer.subarray(0, filled);
    },
    stream(offset) {
      if (offset >= size) return [];
      if (options.reuseBuffers) return readAnnotated(readReusing(handle, offset, STREAM_HIGH_WATER_MARK), path);
      const stream = createReadStream(path, {
        fd: handle,
        start: offset,
        end: size - 1,
        autoClose: false,
        highWaterMark: STREAM_HIGH_WATER_MARK,
      });
      streams.add(stream);
      stream.once('close', () => streams.delete(stream));
      return readAnnotated(stream, path);
    },
    async close() {
      for (const stream of streams) stream.destroy();
      await handle.close().catch(() => {});
    },
  };
}

async function* readAnnotated(stream: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (error) {
    throw fsError(error, 'read', path);
  }
}
