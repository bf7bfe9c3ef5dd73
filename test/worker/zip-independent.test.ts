/**
 * The .zip of "Restore all", read by tools nobody here wrote: Info-ZIP's `unzip -t` and Python's
 * zipfile. Each runs where it is installed and is reported skipped otherwise (.ci/run installs both).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IndexEntry } from '../../src/core/index.ts';
import { type ZipOptions, zipSize, zipWriter } from '../../src/worker/zip-sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'coffer-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (tool: string, args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
const UNZIP = has('unzip', ['-v']);
const PYTHON = has('python3', ['-c', 'import zipfile']);

type Item = { path: string; type: 'file' | 'dir'; data?: Uint8Array; aborted?: boolean };

/** Writes the items through the zip sink as a restore would, into a file; returns its path. */
async function makeZip(name: string, items: Item[], options: ZipOptions = {}): Promise<string> {
  const chunks: Uint8Array[] = [];
  // The copy is taken in write, so the writer reuses its batch buffer, as for the app's sinks.
  const zip = zipWriter({ write: (bytes) => void chunks.push(bytes.slice()), copiesBytes: true }, options);
  for (const item of items) {
    const entry = { path: item.path, type: item.type, size: item.data?.length ?? 0, mtime: Date.UTC(2024, 5, 1) };
    if (item.type === 'dir') {
      await zip.sink.directory?.(entry as IndexEntry);
      continue;
    }
    const file = await zip.sink.file(entry as IndexEntry);
    const data = item.data ?? new Uint8Array(0);
    for (let at = 0; at < data.length; at += 4096) await file.write(data.subarray(at, at + 4096));
    if (item.aborted) await file.abort?.();
    else await file.close();
  }
  await zip.finish();
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

/** Python's zipfile: every CRC checked (testzip), then each entry's name and bytes as JSON. */
function pythonRead(path: string): { bad: string | null; entries: { name: string; size: number; sha: string }[] } {
  const script = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    entries = [{"name": i.filename, "size": i.file_size, "sha": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]
print(json.dumps({"bad": bad, "entries": entries}))
`;
  const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

function unzipTest(path: string): { status: number | null; output: string } {
  const run = spawnSync('unzip', ['-tq', path], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const MIX: Item[] = [
  { path: 'docs', type: 'dir' },
  { path: 'docs/report.txt', type: 'file', data: new TextEncoder().encode('quarterly numbers\n'.repeat(500)) },
  { path: 'docs/empty.txt', type: 'file' },
  { path: '写真/猫 😀.bin', type: 'file', data: bytes(70_000, 7) },
];

describe.each([
  ['classic records', {}],
  ['Zip64 records throughout', { forceZip64: true }],
] as [string, ZipOptions][])('a restore as .zip with %s', (label, options) => {
  it.skipIf(!PYTHON)('is read by Python zipfile: every CRC, name and byte', async () => {
    const path = await makeZip(`mix-${label}.zip`, MIX, options);
    const read = pythonRead(path);
    expect(read.bad).toBeNull();
    expect(read.entries.map((e) => e.name)).toEqual(['docs/', 'docs/report.txt', 'docs/empty.txt', '写真/猫 😀.bin']);
    expect(read.entries.map((e) => e.size)).toEqual([0, 9000, 0, 70_000]);
  });

  it.skipIf(!UNZIP)('passes unzip -t', async () => {
    const path = await makeZip(`mix-unzip-${label}.zip`, MIX, options);
    const { status, output } = unzipTest(path);
    expect(output).toMatch(/No errors detected/);
    expect(status).toBe(0);
  });
});

describe('a restore as .zip with more than 65,535 entries', () => {
  const count = 70_000;
  const items: Item[] = Array.from({ length: count }, (_, i) => ({
    path: `many/${String(i).padStart(5, '0')}.txt`,
    type: 'file',
    data: new TextEncoder().encode(`file ${i}\n`),
  }));
  let path = '';
  const made = async () => {
    path ||= await makeZip('many.zip', items);
    return path;
  };

  it('is exactly the size zipSize said', async () => {
    const entries = items.map((item) => ({ path: item.path, type: item.type, size: item.data?.length ?? 0 }));
    const written = statSync(await made()).size;
    expect(written).toBe(zipSize(entries));
  });

  it.skipIf(!PYTHON)('lists all 70,000 in Python zipfile, every CRC right', async () => {
    const read = pythonRead(await made());
    expect(read.bad).toBeNull();
    expect(read.entries).toHaveLength(count);
    expect(read.entries[count - 1]!.name).toBe('many/69999.txt');
  });

  it.skipIf(!UNZIP)('passes unzip -t, and unzip lists all 70,000', async () => {
    const { status, output } = unzipTest(await made());
    expect(output).toMatch(/No errors detected/);
    expect(status).toBe(0);
    const listing = spawnSync('unzip', ['-l', path], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(listing.stdout.trim().split('\n').at(-1)).toMatch(/\b70000 files$/);
  });
});

describe('a file that salvage gives up on midway', () => {
  it.skipIf(!PYTHON)('is left out of the archive the tools see, and the rest reads', async () => {
    const path = await makeZip('salvaged.zip', [
      { path: 'kept.txt', type: 'file', data: new TextEncoder().encode('kept\n') },
      { path: 'lost.bin', type: 'file', data: bytes(10_000, 3), aborted: true },
      { path: 'after.txt', type: 'file', data: new TextEncoder().encode('after\n') },
    ]);
    const read = pythonRead(path);
    expect(read.bad).toBeNull();
    expect(read.entries.map((e) => e.name)).toEqual(['kept.txt', 'after.txt']);
  });
});
