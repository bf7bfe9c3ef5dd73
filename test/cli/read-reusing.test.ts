/**
 * Reading files one after another through the same two buffers (read-reusing.ts): each file's
 * bytes come out whole, the next file reuses the last one's buffers, and a read stopped early
 * keeps its buffers, so the piece its consumer still holds is not overwritten.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReusing } from '../../src/cli/read-reusing.ts';

const PIECE = 64 * 1024;
let dir: string;
const a = randomBytes(3 * PIECE + 100);
const b = randomBytes(2 * PIECE + 7);

async function readAll(path: string): Promise<{ bytes: Buffer; buffers: Set<ArrayBufferLike> }> {
  const handle = await open(path, 'r');
  const pieces: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  try {
    for await (const piece of readReusing(handle, 0, PIECE)) {
      buffers.add(piece.buffer);
      pieces.push(Buffer.from(piece));
    }
  } finally {
    await handle.close();
  }
  return { bytes: Buffer.concat(pieces), buffers };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-read-reusing-'));
  await writeFile(join(dir, 'a'), a);
  await writeFile(join(dir, 'b'), b);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readReusing', () => {
  it('reads files one after another whole, the second through the first one’s buffers', async () => {
    const first = await readAll(join(dir, 'a'));
    const second = await readAll(join(dir, 'b'));
    expect(first.bytes.equals(a)).toBe(true);
    expect(second.bytes.equals(b)).toBe(true);
    expect([...second.buffers].every((buffer) => first.buffers.has(buffer))).toBe(true);
  });

  it('does not hand on the buffers of a read stopped early, whose piece may still be held', async () => {
    const handle = await open(join(dir, 'a'), 'r');
    let held: Uint8Array | undefined;
    try {
      for await (const piece of readReusing(handle, 0, PIECE)) {
        held = piece;
        break;
      }
    } finally {
      await handle.close();
    }
    const before = Buffer.from(held as Uint8Array);
    const next = await readAll(join(dir, 'b'));
    expect(next.bytes.equals(b)).toBe(true);
    expect(next.buffers.has((held as Uint8Array).buffer)).toBe(false);
    expect(Buffer.from(held as Uint8Array).equals(before)).toBe(true);
  });
});
