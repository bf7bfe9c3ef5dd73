/** zipSize must know the zip's exact size (UTF-8 names, headers, descriptors, Zip64 where needed). */
import { describe, expect, it } from 'vitest';
import type { IndexEntry } from '../../src/core/index.ts';
import { type ZipOptions, zipSize, zipWriter } from '../../src/worker/zip-sink.ts';

type Entry = Pick<IndexEntry, 'path' | 'type' | 'size'>;

async function writtenSize(entries: Entry[], options: ZipOptions = {}): Promise<number> {
  let size = 0;
  const zip = zipWriter(
    {
      write: (bytes) => {
        size += bytes.length;
      },
    },
    options,
  );
  for (const entry of entries) {
    const full = { ...entry, mtime: Date.UTC(2024, 0, 1) } as IndexEntry;
    if (entry.type === 'dir') {
      await zip.sink.directory?.(full);
      continue;
    }
    const file = await zip.sink.file(full);
    for (let left = entry.size; left > 0; left -= 1000) await file.write(new Uint8Array(Math.min(1000, left)));
    await file.close();
  }
  await zip.finish();
  return size;
}

const MIXES: Record<string, Entry[]> = {
  empty: [],
  ascii: [
    { path: 'a.txt', type: 'file', size: 10 },
    { path: 'b', type: 'dir', size: 0 },
    { path: 'b/c.bin', type: 'file', size: 5000 },
  ],
  'accents and Cyrillic': [
    { path: 'ça va', type: 'dir', size: 0 },
    { path: 'ça va/привет.txt', type: 'file', size: 123 },
  ],
  'CJK and emoji (4-byte)': [
    { path: '写真/猫.jpg', type: 'file', size: 2048 },
    { path: '😀 party/🎉.png', type: 'file', size: 0 },
    { path: '😀 party', type: 'dir', size: 0 },
  ],
  'long names': Array.from({ length: 40 }, (_, i) => ({
    path: `${'é'.repeat(100)}/${'漢'.repeat(80)}${i}`,
    type: 'file' as const,
    size: i * 37,
  })),
};

describe('zipSize', () => {
  for (const [label, entries] of Object.entries(MIXES)) {
    it(`equals the size of the zip actually written: ${label}`, async () => {
      expect(zipSize(entries)).toBe(await writtenSize(entries));
    });
    it(`equals it with Zip64 records throughout: ${label}`, async () => {
      expect(zipSize(entries, { forceZip64: true })).toBe(await writtenSize(entries, { forceZip64: true }));
    });
  }

  it('counts the Zip64 end records once there are 65,535 entries or more', async () => {
    const entries = Array.from({ length: 65_535 }, (_, i) => ({ path: `f${i}`, type: 'file' as const, size: 0 }));
    const classic = zipSize(entries.slice(0, -1));
    expect(zipSize(entries)).toBe(classic + 30 + 6 + 16 + 46 + 6 + 76);
    expect(zipSize(entries)).toBe(await writtenSize(entries));
  });

  it('grows a file of 4 GiB or more by its Zip64 fields, with no limit on size', () => {
    const small = zipSize([{ path: 'big.bin', type: 'file', size: 0xffff_fffe }]);
    const large = zipSize([{ path: 'big.bin', type: 'file', size: 0xffff_ffff }]);
    // Both pass 4 GiB, so both end with the Zip64 end records; the larger file also needs its local
    // extra field (20), 8-byte sizes in its descriptor (+8) and a central extra field (4 + 16).
    expect(large - small).toBe(1 + 20 + 8 + 20);
  });
});
