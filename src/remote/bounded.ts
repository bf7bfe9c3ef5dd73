/**
 * A range answer read with bounds: exactly the range asked for, never a byte more. A hostile or
 * broken server that answers a small range with an endless body is refused as soon as it passes
 * the length asked for, and the rest is cancelled unread, so it can fill neither memory nor disk.
 */
import { type RemoteError, remoteRefused } from './errors.ts';
import { networkError } from './http.ts';

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function wrongAnswer(where: string, what: string): RemoteError {
  return remoteRefused(`${where}: the server ${what}; nothing more was read from it.`);
}

/**
 * A 206 must say it holds bytes [start, end): its Content-Range and any Content-Length agree.
 * Otherwise its body is cancelled unread and the answer refused.
 */
export async function checkRangeHeaders(response: Response, start: number, end: number, where: string): Promise<void> {
  try {
    rangeHeadersAgree(response, start, end, where);
  } catch (error) {
    await response.body?.cancel().catch(() => {});
    throw error;
  }
}

function rangeHeadersAgree(response: Response, start: number, end: number, where: string): void {
  const match = CONTENT_RANGE.exec(response.headers.get('content-range') ?? '');
  if (!match || Number(match[1]) !== start || Number(match[2]) !== end - 1) {
    throw wrongAnswer(where, `answered with another range than bytes ${start}-${end - 1}, the one asked for`);
  }
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > end - start) {
    throw wrongAnswer(where, `announced ${declared} bytes for a range of ${end - start}`);
  }
}

/** The body's pieces, at most `length` bytes in all; more is refused and the rest cancelled. */
export async function* boundedBody(response: Response, length: number, where: string): AsyncGenerator<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let received = 0;
  try {
    for (;;) {
      let piece: ReadableStreamReadResult<Uint8Array>;
      try {
        piece = await reader.read();
      } catch (error) {
        throw networkError(error, where);
      }
      if (piece.done) return;
      if (received + piece.value.length > length) {
        throw wrongAnswer(where, `sent more than the ${length} bytes asked for`);
      }
      received += piece.value.length;
      yield piece.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** A whole answer as text, refused past `limit` bytes (a listing, say). */
export async function boundedText(response: Response, limit: number, where: string): Promise<string> {
  const pieces: Uint8Array[] = [];
  for await (const piece of boundedBody(response, limit, where)) pieces.push(piece);
  return new TextDecoder().decode(await new Blob(pieces as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

/** All of bytes [start, end) of a checked 206 answer; fewer is a dropped connection. */
export async function readRange(response: Response, start: number, end: number, where: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(end - start);
  let filled = 0;
  for await (const piece of boundedBody(response, end - start, where)) {
    bytes.set(piece, filled);
    filled += piece.length;
  }
  if (filled !== bytes.length) {
    throw networkError(new Error(`the connection ended after ${filled} of the ${bytes.length} bytes asked for`), where);
  }
  return bytes;
}
