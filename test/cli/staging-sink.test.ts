/**
 * The restore's staging sink with small files made on the writing threads: a file that cannot be
 * made is named (its final path, in the one-line message), the files before it are complete, and
 * nothing is written through a name that is already there.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Staging } from '../../src/cli/restore-staging.ts';
import { stagingSink } from '../../src/cli/staging-sink.ts';
import type { IndexEntry } from '../../src/core/index.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-staging-sink-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entry(path: string, size: number): IndexEntry {
  return { path, type: 'file', size, mtime: Date.UTC(2022, 1, 3), mode: 0o640 } as IndexEntry;
}

async function restoreInto(staging: Staging, files: { path: string; bytes: Uint8Array }[]): Promise<void> {
  const sink = stagingSink(staging, '/home/me/restored', new Set());
  try {
    for (const { path, bytes } of files) {
      const file = await sink.file(entry(path, bytes.length));
      await file.write(bytes.subarray(0, 10));
      await file.write(bytes.subarray(10));
      await file.close();
    }
    await sink.flush();
  } finally {
    await sink.discard();
  }
}

describe('the staging sink', () => {
  it('makes many small files in batches, each whole, with its time and mode', async () => {
    const staging = { root: dir, data: join(dir, 'data') } as Staging;
    const files = Array.from({ length: 100 }, (_, i) => ({
      path: `f${i % 7}/n${i}.txt`,
      bytes: new TextEncoder().encode(`file number ${i} `.repeat(i + 1)),
    }));
    await restoreInto(staging, files);
    for (const { path, bytes } of files) {
      const at = join(staging.data, path);
      expect(readFileSync(at).equals(Buffer.from(bytes))).toBe(true);
      expect(statSync(at).mode & 0o777).toBe(0o640);
      expect(statSync(at).mtime.getTime()).toBe(Date.UTC(2022, 1, 3));
    }
  });

  it('streams a large file in pieces from a refilled buffer, whole, with its time and mode', async () => {
    const staging = { root: dir, data: join(dir, 'data') } as Staging;
    const sink = stagingSink(staging, '/home/me/restored', new Set());
    const piece = new Uint8Array(256 * 1024);
    const expected: Buffer[] = [];
    try {
      const file = await sink.file(entry('big.bin', 12 * piece.length));
      for (let i = 0; i < 12; i++) {
        piece.fill(i * 7);
        await file.write(piece);
        expected.push(Buffer.from(piece));
      }
      await file.close();
      await sink.flush();
    } finally {
      await sink.discard();
    }
    const at = join(staging.data, 'big.bin');
    expect(readFileSync(at).equals(Buffer.concat(expected))).toBe(true);
    expect(statSync(at).mode & 0o777).toBe(0o640);
    expect(statSync(at).mtime.getTime()).toBe(Date.UTC(2022, 1, 3));
  });

  it('names the file it could not make by its final path, and writes nothing through it', async () => {
    const staging = { root: dir, data: join(dir, 'data') } as Staging;
    mkdirSync(join(staging.data, 'docs'), { recursive: true });
    writeFileSync(join(staging.data, 'docs', 'b.txt'), 'already here');
    const bytes = new TextEncoder().encode('restored bytes, more than ten');
    const restoring = restoreInto(staging, [
      { path: 'docs/a.txt', bytes },
      { path: 'docs/b.txt', bytes },
      { path: 'docs/c.txt', bytes },
    ]);
    await expect(restoring).rejects.toThrow('cannot write "/home/me/restored/docs/b.txt": it already exists');
    expect(readFileSync(join(staging.data, 'docs', 'b.txt'), 'utf8')).toBe('already here');
    expect(readFileSync(join(staging.data, 'docs', 'a.txt'), 'utf8')).toBe('restored bytes, more than ten');
  });
});
