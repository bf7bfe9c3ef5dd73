/** Sequential file reading without a fresh buffer per piece, or per file. */
import type { FileHandle } from 'node:fs/promises';

/**
 * The buffers of the last read that ran to its end, kept for the next one. Files are read one
 * after another (a folder of photos): two fresh 1 MiB buffers per file cost their page faults
 * every time, which made 1,000 files of 1 MiB take 1.6 s to back up against 0.9 s for one file
 * of 1 GiB. Only one read holds them at a time; another running at once gets its own.
 */
let spare: Buffer[] | undefined;

function takeBuffers(pieceSize: number): Buffer[] {
  if (spare && spare[0].length === pieceSize) {
    const buffers = spare;
    spare = undefined;
    return buffers;
  }
  return [Buffer.allocUnsafe(pieceSize), Buffer.allocUnsafe(pieceSize)];
}

/**
 * Reads a file to its end into two buffers in turn, the next read already running while the
 * consumer handles the current piece. A piece is valid only until the next one is asked for
 * (the core's writer copies what it keeps). Reusing the buffers matters: a stream that hands out
 * a fresh buffer per read spends most of its time faulting in new memory.
 */
export async function* readReusing(handle: FileHandle, start: number, pieceSize: number): AsyncGenerator<Uint8Array> {
  const buffers = takeBuffers(pieceSize);
  const readInto = (buffer: Buffer, position: number) => handle.read(buffer, 0, buffer.length, position);
  let position = start;
  let turn = 0;
  let next = readInto(buffers[turn], position);
  let finished = false;
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) {
        finished = true;
        return;
      }
      const piece = buffers[turn].subarray(0, bytesRead);
      position += bytesRead;
      turn ^= 1;
      next = readInto(buffers[turn], position);
      yield piece;
    }
  } finally {
    // An early stop leaves one read running: let it finish before the handle is closed.
    await next.catch(() => {});
    // Only a read that ran to its end gives its buffers on: the consumer has asked past its last
    // piece, so it holds none of them. One stopped early may still hold its last piece.
    if (finished) spare = buffers;
  }
}
