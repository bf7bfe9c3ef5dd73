/**
 * Issue 30: "Restore all" as a .zip at any size. The app's zip writer (src/worker/zip-sink.ts)
 * streams, into one archive, a file past 4 GiB (the largest input's size plus 1 MiB in a full
 * run; a quick run writes 64 MiB with Zip64 records forced) and more entries than a plain .zip
 * can count (70,000 small files in a full run, 1,000 in a quick one), and tools nobody here wrote
 * must accept it: `unzip -t` (every CRC), Python's zipfile (every name and size) and, where it is
 * installed, `7z t`. The row fails the run if any refuses the archive; its figure is the writer's
 * speed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexEntry } from '../src/core/index.ts';
import { zipSize, zipWriter } from '../src/worker/zip-sink.ts';
import { type Figure, figure, MB } from './lib.ts';

const MiB = 2 ** 20;
/** More entries than a .zip without Zip64 records can count (65,535). */
const MANY_FULL = 70_000;
const MANY_QUICK = 1_000;
/** Every name and size, one per line, hashed: what Python's listing must match. */
const LISTING_SCRIPT =
  'import sys, zipfile, hashlib; z = zipfile.ZipFile(sys.argv[1]); ' +
  'print(len(z.infolist()), hashlib.sha256("\\n".join(f"{i.filename}={i.file_size}" for i in z.infolist()).encode()).hexdigest())';

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
  const sevenZip = have('7z', ['i']);
  const many = force ? MANY_QUICK : MANY_FULL;
  log(
    `Node: a ${(bytes / 2 ** 30).toFixed(2)} GiB file and ${many.toLocaleString('en-US')} small ones restored as one .zip, checked by unzip -t, Python${sevenZip ? ' and 7z' : ''}`,
  );
  const path = join(work, 'zip64.zip');
  /** Every small file's bytes, told apart by its path. */
  const contents = (name: string) => new TextEncoder().encode(`the file ${name}\n`);
  const smallFile = (name: string) => ({ path: name, type: 'file' as const, size: contents(name).length });
  const entries: { path: string; type: 'file' | 'dir'; size: number }[] = [
    { path: 'notes', type: 'dir', size: 0 },
    smallFile('notes/a.txt'),
    { path: 'large.bin', type: 'file', size: bytes },
    smallFile('notes/b.txt'),
    { path: 'many', type: 'dir', size: 0 },
    ...Array.from({ length: many }, (_, i) => smallFile(`many/${String(i).padStart(5, '0')}.txt`)),
  ];
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
      } else await file.write(contents(entry.path));
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
    const python = spawnSync('python3', ['-c', LISTING_SCRIPT, path], { encoding: 'utf8' });
    const listing = entries.map((e) => `${e.path}${e.type === 'dir' ? '/' : ''}=${e.size}`).join('\n');
    const expected = `${entries.length} ${createHash('sha256').update(listing).digest('hex')}`;
    if (python.stdout.trim() !== expected) throw new Error(`Python's zipfile read ${python.stdout}${python.stderr}`);
    if (sevenZip) {
      const seven = spawnSync('7z', ['t', path], { encoding: 'utf8', maxBuffer: 64 * MiB });
      if (seven.status !== 0 || !/Everything is Ok/.test(seven.stdout))
        throw new Error(`7z t refused the .zip: ${seven.stdout.slice(-2000)}${seven.stderr}`);
    }
  } finally {
    rmSync(path, { force: true });
  }
  record(
    'zip64.write',
    figure('MB/s', [bytes / MB / seconds], {
      zipGiB: written / 2 ** 30,
      entries: entries.length,
      checkedByUnzipAndPython: 1,
      checkedBy7z: sevenZip ? 1 : 0,
    }),
  );
}
