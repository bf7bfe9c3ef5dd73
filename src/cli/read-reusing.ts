/** Sequential file reading without a fresh buffer per piece. */
import type { FileHandle } from 'node:fs/promises';

/**
 * Reads a file to its end into two buffers in turn, the next read already running while the
 * consumer handles the current piece. A piece is valid only until the next one is asked for
 * (the core's writer copies what it keeps). Reusing the buffers matters: a stream that hands out
 * a fresh buffer per read spends most of its time faulting in new memory.
 */
export async function* readReusing(handle: FileHandle, start: number, pieceSize: number): AsyncGenerator<Uint8Array> {
  const buffers = [Buffer.allocUnsafe(pieceSize), Buffer.allocUnsafe(pieceSize)];
  const readInto = (buffer: Buffer, position: number) => handle.read(buffer, 0, buffer.length, position);
  let position = start;
  let turn = 0;
  let next = readInto(buffers[turn], position);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      const piece = buffers[turn].subarray(0, bytesRead);
      position += bytesRead;
      turn ^= 1;
      next = readInto(buffers[turn], position);
      yield piece;
    }
  } finally {
    // An early stop leaves one read running: let it finish before the handle is closed.
    await next.catch(() => {});
  }
}
