/**
 * A large file's writes behind the reader (write-behind.ts): in order and whole, from copies (the
 * reader may refill its buffer), with the bytes waiting bounded, and a failed write said at the
 * next write or when it settles, with nothing written after it.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBehind } from '../../src/cli/write-behind.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-write-behind-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeBehind', () => {
  it('writes every piece in order, from copies, to the file', async () => {
    const path = join(dir, 'out');
    const fd = openSync(path, 'w');
    const behind = writeBehind(fd, undefined, 1024);
    const buffer = new Uint8Array(300);
    const expected: number[] = [];
    for (let i = 0; i < 20; i++) {
      // The same buffer refilled for each piece, as the reader's are.
      buffer.fill(i);
      await behind.write(buffer);
      expected.push(...buffer);
    }
    expect(await behind.settled()).toBeUndefined();
    closeSync(fd);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(expected))).toBe(true);
  });

  it('lets no more than its bound wait', async () => {
    const started: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = async (_fd: number, pieces: readonly Uint8Array[]) => {
      started.push(pieces[0].length);
      await gate;
    };
    const behind = writeBehind(3, slow, 1000);
    await behind.write(new Uint8Array(400));
    await behind.write(new Uint8Array(400));
    let third = false;
    const writing = behind.write(new Uint8Array(400)).then(() => {
      third = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toBe(false);
    release();
    await writing;
    expect(third).toBe(true);
    expect(await behind.settled()).toBeUndefined();
  });

  it('says a failed write at the next write and when settled, and writes nothing after it', async () => {
    const written: number[] = [];
    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const failing = async (_fd: number, pieces: readonly Uint8Array[]) => {
      if (written.length === 1) throw full;
      written.push(pieces[0][0]);
    };
    const behind = writeBehind(3, failing, 10_000);
    await behind.write(Uint8Array.of(1));
    await behind.write(Uint8Array.of(2));
    await behind.write(Uint8Array.of(3)).catch(() => {});
    expect(await behind.settled()).toBe(full);
    await expect(behind.write(Uint8Array.of(4))).rejects.toBe(full);
    expect(written).toEqual([1]);
  });
});
