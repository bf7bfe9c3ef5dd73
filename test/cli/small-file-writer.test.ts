/**
 * Restored small files made on the writing threads: each file whole, with its time and mode,
 * from pieces that are views into shared buffers; and a batch that meets an existing name stops
 * there, says which file, and never writes through it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmallFileWriteError, smallFileWriter } from '../../src/cli/small-file-writer.ts';
import { seededBytes } from '../core/helpers.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-small-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DATE = new Date('2021-03-04T05:06:07.000Z');

describe('the small-file writer', () => {
  it('makes every file of a batch byte for byte, with its time and mode, from views into one buffer', async () => {
    const shared = seededBytes(64 * 1024, 3);
    const files = Array.from({ length: 40 }, (_, i) => ({
      path: join(dir, `f${i}.bin`),
      // Two pieces each, views into the same buffer (as a decrypted chunk's files are); one empty file.
      pieces: i === 7 ? [] : [shared.subarray(i * 100, i * 100 + 50), shared.subarray(i * 1000, i * 1000 + i * 30)],
      sync: i % 10 === 0,
      date: i === 5 ? undefined : DATE,
      mode: i % 2 === 0 ? 0o644 : 0o600,
    }));
    const writer = smallFileWriter(2);
    try {
      await Promise.all([writer.write(files.slice(0, 25)), writer.write(files.slice(25))]);
    } finally {
      await writer.close();
    }
    for (const [i, file] of files.entries()) {
      const expected = Buffer.concat(file.pieces);
      expect(readFileSync(file.path).equals(expected), file.path).toBe(true);
      const stat = statSync(file.path);
      expect(stat.mode & 0o777).toBe(file.mode);
      if (i !== 5) expect(stat.mtime.getTime()).toBe(DATE.getTime());
    }
    expect(readFileSync(files[7].path).length).toBe(0);
    // The buffer the pieces were viewed from is untouched (the batch is copied, then transferred).
    expect(shared.length).toBe(64 * 1024);
  });

  it('stops a batch at an existing name, says which file, and leaves that file as it was', async () => {
    const taken = join(dir, 'taken.txt');
    writeFileSync(taken, 'mine');
    const file = (name: string) => ({
      path: join(dir, name),
      pieces: [new TextEncoder().encode(`restored ${name}`)],
      sync: false,
      date: DATE,
      mode: 0o644,
    });
    const writer = smallFileWriter(1);
    let failure: unknown;
    try {
      await writer.write([file('a.txt'), file('taken.txt'), file('c.txt')]).catch((error) => {
        failure = error;
      });
    } finally {
      await writer.close();
    }
    expect(failure).toBeInstanceOf(SmallFileWriteError);
    const error = failure as SmallFileWriteError;
    expect(error.index).toBe(1);
    expect((error.failure as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(readFileSync(taken, 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('restored a.txt');
    expect(() => statSync(join(dir, 'c.txt'))).toThrow();
  });
});
