/**
 * A backup at a place, read by the Coffer worker through a MessagePort to the places worker,
 * which alone may reach the place (the Coffer worker's policy admits no place). Each read is a
 * range request there; what comes back is the ciphertext of that range, nothing more.
 */
import { CofferError, type RandomAccessSource } from '../core/index.ts';
import type { RemoteBackupInput } from './protocol.ts';

export interface RangeRequest {
  id: number;
  offset: number;
  length: number;
}

export type RangeReply = { id: number; bytes: Uint8Array } | { id: number; message: string };

export function isRemoteInput(input: unknown): input is RemoteBackupInput {
  return (input as { kind?: unknown } | undefined)?.kind === 'remote';
}

/** Sequential reads are this large, two in flight, so a full restore is few requests. */
const STREAM_PIECE = 4 * 1024 * 1024;

export function portSource(input: RemoteBackupInput): RandomAccessSource {
  const { port, size } = input;
  const waiting = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  port.onmessage = ({ data }: MessageEvent<RangeReply>) => {
    const pending = waiting.get(data.id);
    if (!pending) return;
    waiting.delete(data.id);
    if ('bytes' in data) pending.resolve(data.bytes);
    else pending.reject(new CofferError('io', data.message));
  };
  const read = (offset: number, length: number): Promise<Uint8Array> => {
    const end = Math.min(size, offset + length);
    if (end <= offset) return Promise.resolve(new Uint8Array(0));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      port.postMessage({ id, offset, length: end - offset } satisfies RangeRequest);
    });
  };
  async function* stream(offset: number): AsyncGenerator<Uint8Array> {
    const ahead: Promise<Uint8Array>[] = [];
    let next = offset;
    const fill = () => {
      while (ahead.length < 2 && next < size) {
        ahead.push(read(next, STREAM_PIECE));
        next += STREAM_PIECE;
      }
    };
    fill();
    while (ahead.length > 0) {
      const piece = await (ahead.shift() as Promise<Uint8Array>);
      fill();
      yield piece;
    }
  }
  return { size, read, stream };
}

/** The places worker's side: answers range requests on `port` from `source`. */
export function serveRanges(
  port: MessagePort,
  source: RandomAccessSource,
  messageOf: (error: unknown) => string,
): void {
  port.onmessage = async ({ data }: MessageEvent<RangeRequest>) => {
    try {
      const bytes = await source.read(data.offset, data.length);
      // Small reads may be views of the source's cached first block: send a copy, not that buffer.
      const owned = bytes.byteLength <= 64 * 1024 ? bytes.slice() : bytes;
      port.postMessage({ id: data.id, bytes: owned } satisfies RangeReply, [owned.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ id: data.id, message: messageOf(error) } satisfies RangeReply);
    }
  };
}
