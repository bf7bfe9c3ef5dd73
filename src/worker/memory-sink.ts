/**
 * The `memory` output: where the browser offers no private file system, a command's file is
 * collected in the worker, bounded by MEMORY_OUTPUT_LIMIT, and posted back with the result.
 */
import { CofferError } from '../core/index.ts';
import type { ByteSink } from './byte-sink.ts';
import { MEMORY_OUTPUT_LIMIT } from './protocol.ts';

let memoryOutput: Blob | undefined;

/** Collects the bytes in memory when there is no file system to stream to; bounded, so it fails clearly. */
export function memorySink(): ByteSink {
  let parts: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  let written: File | undefined;
  memoryOutput = undefined;
  return {
    copiesBytes: true,
    write(bytes) {
      size += bytes.length;
      if (size > MEMORY_OUTPUT_LIMIT)
        throw new CofferError(
          'limit_exceeded',
          `This browser gives Coffer no private storage here, so files are held in memory, up to ${MEMORY_OUTPUT_LIMIT / 2 ** 30} GiB; this one is larger.`,
        );
      parts.push(bytes.slice() as Uint8Array<ArrayBuffer>);
    },
    async close() {
      written = new File(parts, 'output');
      parts = [];
      memoryOutput = written;
    },
    async abort() {
      parts = [];
      memoryOutput = undefined;
    },
    file: async () => written ?? new File(parts, 'output'),
  };
}

/** The file the last command wrote to a `memory` output, once; posted back with its result. */
export function takeMemoryOutput(): Blob | undefined {
  const output = memoryOutput;
  memoryOutput = undefined;
  return output;
}
