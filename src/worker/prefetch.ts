/**
 * The worker's create input (issues 15 and 16). Reading a small File costs a round trip to the
 * browser's blob storage that dwarfs its bytes, and the core's writer asks for one file at a
 * time; so the next small files are read while the current ones are compressed and sealed, with
 * the count and the bytes read ahead bounded. A large file's stream is read a few pieces ahead
 * in the same way, so reading overlaps sealing and writing instead of taking turns with them.
 */
import type { EntrySource } from '../core/index.ts';
import type { BackupItem } from './protocol.ts';

/** Files up to this size are read whole, ahead of time. */
const SMALL_FILE = 1024 * 1024;
/** Reads in flight at once (measured in bench/page/tree-io.ts). */
const READS_AHEAD = 32;
/** Bytes read ahead and not yet taken by the writer. */
const BYTES_AHEAD = 32 * 1024 * 1024;
/** Pieces of a large file's stream requested ahead of the writer. */
const PIECES_AHEAD = 3;

type Item = Pick<BackupItem, 'path' | 'type' | 'mtime' | 'file'>;

export async function* prefetchedEntries(items: readonly Item[]): AsyncGenerator<EntrySource> {
  const ahead: { item: Item; bytes?: Promise<Uint8Array>; size: number }[] = [];
  let next = 0;
  let held = 0;
  const fill = () => {
    while (next < items.length && ahead.length < READS_AHEAD) {
      const item = items[next];
      const size = item.file && item.file.size <= SMALL_FILE ? item.file.size : 0;
      if (ahead.length > 0 && held + size > BYTES_AHEAD) return;
      next++;
      held += size;
      const bytes = size > 0 ? (item.file as File).arrayBuffer().then((buffer) => new Uint8Array(buffer)) : undefined;
      // A failed read surfaces when the writer opens the file; until then it is not unhandled.
      bytes?.catch(() => {});
      ahead.push({ item, bytes, size });
    }
  };
  fill();
  while (ahead.length > 0) {
    const { item, bytes, size } = ahead.shift() as (typeof ahead)[number];
    const file = item.file;
    let open: EntrySource['open'];
    if (bytes) {
      open = async () => {
        const data = await bytes;
        held -= size;
        fill();
        return [data];
      };
    } else if (file?.size === 0) {
      open = () => [];
    } else if (file) {
      open = () => readAhead(file.stream() as ReadableStream<Uint8Array>);
    }
    yield { path: item.path, type: item.type, mtime: item.mtime, size: file?.size, open };
    fill();
  }
}

/** A stream's pieces with up to PIECES_AHEAD reads outstanding; cancelled if left early. */
export async function* readAhead(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  const pending: Promise<ReadableStreamReadResult<Uint8Array>>[] = [];
  let ended = false;
  const request = () => {
    while (!ended && pending.length < PIECES_AHEAD) {
      const read = reader.read();
      read.catch(() => {});
      pending.push(read);
      // Reads queue in order, so one that reports done means the rest do too.
      read.then(
        (r) => {
          if (r.done) ended = true;
        },
        () => {
          ended = true;
        },
      );
    }
  };
  try {
    for (;;) {
      request();
      const result = await (pending.shift() as Promise<ReadableStreamReadResult<Uint8Array>>);
      if (result.done) return;
      if (result.value.length > 0) yield result.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
