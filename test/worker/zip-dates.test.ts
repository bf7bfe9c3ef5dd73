/** Issue 13 item 5: "Restore all" as a .zip must not fail on times outside the DOS date range. */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipDate, zipWriter } from '../../src/worker/zip-sink.ts';

async function zipOf(entries: { path: string; mtime: number }[]): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const out = {
    write: (bytes: Uint8Array) => {
      chunks.push(bytes.slice());
    },
  };
  const zip = zipWriter(out);
  for (const entry of entries) {
    const file = await zip.sink.file({ path: entry.path, type: 'file', size: 2, mtime: entry.mtime, mode: 0 } as never);
    await file.write(new TextEncoder().encode('hi'));
    await file.close();
  }
  await zip.finish();
  const all = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

const TIMES = {
  epoch: 0,
  'before 1970': -86_400_000 * 400,
  '1980-01-01 UTC': Date.UTC(1980, 0, 1),
  '2099-12-31 23:59:59 UTC': Date.UTC(2099, 11, 31, 23, 59, 59),
  '2100-01-01 UTC': Date.UTC(2100, 0, 1),
  'year 9999': Date.UTC(9999, 11, 31),
  'beyond Date': 9e15,
  'not a number': Number.NaN,
};

for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
  describe(`zip dates in ${zone}`, () => {
    it('clamps every time into 1980..2099 local, and the zip is written and readable', async () => {
      process.env.TZ = zone;
      for (const [label, mtime] of Object.entries(TIMES)) {
        const year = zipDate(mtime).getFullYear();
        expect(year, label).toBeGreaterThanOrEqual(1980);
        expect(year, label).toBeLessThanOrEqual(2099);
      }
      const entries = Object.values(TIMES).map((mtime, i) => ({ path: `f${i}.txt`, mtime }));
      const zip = await zipOf(entries);
      expect(Object.keys(unzipSync(zip)).sort()).toEqual(entries.map((e) => e.path).sort());
    });

    it('keeps times inside the range as they are', () => {
      process.env.TZ = zone;
      const mtime = Date.UTC(2024, 5, 1, 12, 0, 0);
      expect(zipDate(mtime).getTime()).toBe(mtime);
    });
  });
}
