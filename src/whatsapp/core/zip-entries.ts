/**
 * The files of a ZIP that arrives as a stream (the inside of a multi-file WhatsApp backup), as
 * backup entries, pulled one at a time: each file's data is inflated while the backup writer
 * reads it, so nothing is held whole. fflate's streaming Unzip reads the local headers (data
 * descriptors included); stored and DEFLATE entries are supported.
 */
import { Unzip, UnzipInflate } from 'fflate';
import { CofferError } from '../../core/errors.ts';
import type { EntrySource } from '../../core/writer.ts';

type Event = { file: string } | { data: Uint8Array; final: boolean } | { error: unknown };

function damaged(detail: string): CofferError {
  return new CofferError('payload_damaged', `The ZIP inside this backup cannot be read: ${detail}.`);
}

/** `mtime` is used for every entry: a streaming ZIP reader does not see the central directory's dates. */
export async function* zipEntries(bytes: AsyncIterable<Uint8Array>, mtime: number): AsyncGenerator<EntrySource> {
  const events: Event[] = [];
  const unzip = new Unzip((file) => {
    events.push({ file: file.name });
    file.ondata = (error, data, final) => {
      events.push(error ? { error } : { data, final });
    };
    try {
      file.start();
    } catch (error) {
      events.push({ error });
    }
  });
  unzip.register(UnzipInflate);
  const input = bytes[Symbol.asyncIterator]();
  let ended = false;
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (error) {
      events.push({ error });
    }
  };
  /** Feeds input until there is an event to look at; false at the end of everything. */
  const more = async (): Promise<boolean> => {
    while (events.length === 0) {
      if (ended) return false;
      const next = await input.next();
      if (next.done) {
        ended = true;
        push(new Uint8Array(0), true);
      } else {
        push(next.value, false);
      }
    }
    return true;
  };
  const failure = (event: { error: unknown }) =>
    damaged(event.error instanceof Error ? event.error.message : String(event.error));

  try {
    while (await more()) {
      const event = events.shift() as Event;
      if ('error' in event) throw failure(event);
      if ('data' in event) continue; // the rest of a file nobody read
      const name = event.file;
      if (name.endsWith('/')) {
        yield { path: name.slice(0, -1), type: 'dir', mtime };
        continue;
      }
      yield {
        path: name,
        type: 'file',
        mtime,
        open: async function* () {
          for (;;) {
            if (!(await more())) throw damaged(`it ends inside ${JSON.stringify(name)}`);
            const next = events[0];
            if ('file' in next) return;
            events.shift();
            if ('error' in next) throw failure(next);
            if (next.data.length > 0) yield next.data;
            if (next.final) return;
          }
        },
      };
    }
  } finally {
    await input.return?.(undefined);
  }
}
