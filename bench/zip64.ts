/**
 * Issue 30: "Restore all" as a .zip at any size. The app's zip writer (src/worker/zip-sink.ts)
 * streams a file past 4 GiB (the largest input's size plus 1 MiB in a full run; a quick run
 * writes 64 MiB with Zip64 records forced) and a few small entries to disk, and tools nobody here
 * wrote must accept it: `unzip -t` (every CRC) and Python's zipfile (the listing and the sizes).
 * The row fails the run if either refuses the archive; its figure is the writer's speed.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexEntry } from '../src/core/index.ts';
import { zipSize, zipWriter } from '../src/worker/zip-sink.ts';
import { type Figure, figure, MB } from './lib.ts';

const MiB = 2 ** 20;

function have(tool: string, args: string[]): boolean {
  return spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
}

export async function runZip64(
  work: string,
  bytes: number,
  force: boolean,
  log: (line: string) => void,
  record: (name: string, value: Figure) => void,
  skipped: string[],
): Promise<void> {
  if (!have('unzip', ['-v']) || !have('python3', ['-c', 'import zipfile'])) {
    skipped.push('zip64 (unzip or python3 is not installed)');
    return;
  }
  log(`Node: a ${(bytes / 2 ** 30).toFixed(2)} GiB file restored as a .zip, checked by unzip -t and Python`);
  const path = join(work, 'zip64.zip');
  const entries = [
    { path: 'notes', type: 'dir', size: 0 },
    { path: 'notes/a.txt', type: 'file', size: 6 },
    { path: 'large.bin', type: 'file', size: bytes },
    { path: 'notes/b.txt', type: 'file', size: 6 },
  ] as const;
  const fd = openSync(path, 'w');
  const start = performance.now();
  try {
    const zip = zipWriter({ write: (piece) => void writeSync(fd, piece) }, { forceZip64: force });
    const block = new Uint8Array(MiB).map((_, i) => (i * 2654435761) >>> 24);
    for (const entry of entries) {
      const full = { ...entry, mtime: Date.UTC(2026, 0, 1) } as unknown as IndexEntry;
      if (entry.type === 'dir') {
        await zip.sink.directory?.(full);
        continue;
      }
      const file = await zip.sink.file(full);
      if (entry.path === 'large.bin') {
        for (let left = bytes; left > 0; left -= MiB) await file.write(left >= MiB ? block : block.subarray(0, left));
      } else await file.write(new TextEncoder().encode('small\n'));
      await file.close();
    }
    await zip.finish();
  } finally {
    closeSync(fd);
  }
  const seconds = (performance.now() - start) / 1000;
  const written = statSync(path).size;
  try {
    if (written !== zipSize(entries, { forceZip64: force }))
      throw new Error(`the .zip is ${written} bytes, not the ${zipSize(entries, { forceZip64: force })} predicted`);
    const unzip = spawnSync('unzip', ['-tq', path], { encoding: 'utf8' });
    if (unzip.status !== 0) throw new Error(`unzip -t refused the .zip: ${unzip.stdout}${unzip.stderr}`);
    const python = spawnSync(
      'python3',
      [
        '-c',
        'import sys, zipfile; print(" ".join(f"{i.filename}={i.file_size}" for i in zipfile.ZipFile(sys.argv[1]).infolist()))',
        path,
      ],
      { encoding: 'utf8' },
    );
    const expected = entries.map((e) => `${e.path}${e.type === 'dir' ? '/' : ''}=${e.size}`).join(' ');
    if (python.stdout.trim() !== expected) throw new Error(`Python's zipfile read ${python.stdout}${python.stderr}`);
  } finally {
    rmSync(path, { force: true });
  }
  record(
    'zip64.write',
    figure('MB/s', [bytes / MB / seconds], { zipGiB: written / 2 ** 30, checkedByUnzipAndPython: 1 }),
  );
}
