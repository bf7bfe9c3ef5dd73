/** Where a restore's entries go (spec 5): the sink interfaces readers write into. */
import type { IndexEntry } from './index-codec.ts';

export interface RestoreProgress {
  bytesDone: number;
  bytesTotal: number;
  currentPath: string;
}

export interface FileSink {
  write(bytes: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
  /** Called instead of close when restoring fails midway. */
  abort?(): void | Promise<void>;
}

export interface RestoreSink {
  directory?(entry: IndexEntry): void | Promise<void>;
  file(entry: IndexEntry): FileSink | Promise<FileSink>;
}

export interface RestoreOptions {
  /** Entries to restore; all when absent. */
  only?: readonly IndexEntry[];
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
}

/** A sink that discards everything: restoring into it is verification. */
export const discardSink: RestoreSink = { file: () => ({ write() {}, close() {} }) };
