/**
 * The core's RandomAccessSource over a server: each read is one range request, so listing a
 * backup or restoring one file fetches the header, the index and that file's chunks only.
 * The first 64 KiB are fetched once (the header is read in two steps and is small); a sequential
 * stream (verify, full restore, pull) is one open-ended range request that continues from where
 * it stopped if the connection drops.
 */
import type { RandomAccessSource } from '../core/index.ts';
import { boundedBody, checkRangeHeaders, readRange } from './bounded.ts';
import type { RemoteStore } from './client.ts';
import { NetworkError, RemoteError, remoteRefused } from './errors.ts';
import { networkError } from './http.ts';

const FIRST_BLOCK = 64 * 1024;
const STREAM_ATTEMPTS = 4;

export interface RemoteSource extends RandomAccessSource {
  close(): Promise<void>;
}

export async function openRemoteSource(store: RemoteStore, signal?: AbortSignal): Promise<RemoteSource> {
  const size = await store.size(signal);
  if (size === undefined) throw remoteRefused(`there is no backup at ${store.display} (404 Not Found).`);
  let first: Promise<Uint8Array> | undefined;
  const fetchBytes = async (start: number, end: number): Promise<Uint8Array> => {
    const response = await store.range(start, end, signal);
    checkTotal(response, size, store.display);
    return readRange(response, start, end, store.display);
  };
  return {
    size,
    async read(offset, length) {
      if (length === 0) return new Uint8Array(0);
      const end = Math.min(size, offset + length);
      if (end <= FIRST_BLOCK) {
        first ??= fetchBytes(0, Math.min(FIRST_BLOCK, size));
        return (await first).subarray(offset, end);
      }
      return fetchBytes(offset, end);
    },
    stream: (offset) => streamFrom(store, offset, size, signal),
    close: async () => {},
  };
}

/** An object replaced while being read would mix two backups: refuse it as changed. */
function checkTotal(response: Response, size: number, where: string): void {
  const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  if (total !== undefined && Number(total) !== size) {
    throw new RemoteError('changed', `${where} changed while it was being read; try again.`);
  }
}

async function* streamFrom(
  store: RemoteStore,
  offset: number,
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let position = offset;
  for (let attempt = 1; position < size; attempt++) {
    try {
      // Open-ended, as a download resumes; the answer must still be exactly [position, size).
      const response = await store.range(position, undefined, signal);
      await checkRangeHeaders(response, position, size, store.display);
      checkTotal(response, size, store.display);
      // Never more than the object's size, whatever the server keeps sending.
      for await (const piece of boundedBody(response, size - position, store.display)) {
        position += piece.length;
        yield piece;
      }
      if (position < size) throw networkError(new Error('the connection ended early'), store.display);
      return;
    } catch (error) {
      const failure = networkError(error, store.display);
      if (!(failure instanceof NetworkError) || attempt >= STREAM_ATTEMPTS || signal?.aborted) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
    }
  }
}
