/**
 * Parity encoded on a thread (create): the same file byte for byte as encoded in line, stripes
 * sealed in order however the encodings finish, and a failed encoding fails the backup.
 */
import { describe, expect, it } from 'vitest';
import { cliCoder } from '../../src/cli/erasure.ts';
import { withParityThread } from '../../src/cli/parity-threads.ts';
import type { ErasureCoder } from '../../src/core/recovery.ts';
import { makeBackup, seededBytes, seededRandom } from '../core/helpers.ts';

// 300 KiB of noise in 1 KiB chunks: 301 chunks, seven stripes (the last of one chunk) of m = 5.
const ENTRIES = [{ path: 'n.bin', type: 'file' as const, data: seededBytes(300 * 1024, 9), pieceSize: 7000 }];

function backup(coder: ErasureCoder): Promise<Uint8Array> {
  return makeBackup(ENTRIES, { compress: false, parity: 10, coder, random: seededRandom(5) });
}

/** encodeAway on this thread, each answer delayed so that later stripes finish first. */
function shuffledCoder(): ErasureCoder {
  const inner = cliCoder();
  let call = 0;
  return {
    ...inner,
    encodeAway(shards, k, m) {
      const delay = [30, 0, 15, 5][call++ % 4];
      return new Promise((resolve) =>
        setTimeout(() => {
          inner.encode(shards, k, m);
          resolve(shards);
        }, delay),
      );
    },
  };
}

describe('parity on a thread', () => {
  it('writes the same backup as parity encoded in line (the thread running from the sources)', async () => {
    const inline = await backup(cliCoder());
    const threaded = await backup(withParityThread(cliCoder()));
    expect(Buffer.from(threaded).equals(Buffer.from(inline))).toBe(true);
  });

  it('seals stripes in order when their encodings finish out of order', async () => {
    const inline = await backup(cliCoder());
    expect(Buffer.from(await backup(shuffledCoder())).equals(Buffer.from(inline))).toBe(true);
  });

  it('fails the backup when an encoding fails', async () => {
    const failing: ErasureCoder = {
      ...cliCoder(),
      encodeAway: () => Promise.reject(new Error('the thread went away')),
    };
    await expect(backup(failing)).rejects.toThrow('the thread went away');
  });
});
