/** Issue 13 item 18: checkZipLimits must know the zip's exact size (UTF-8 names, headers, descriptors). */
import { describe, expect, it } from 'vitest';
import type { IndexEntry } from '../../src/core/index.ts';
import { checkZipLimits, zipSize, zipWriter } from '../../src/worker/zip-sink.ts';

type Entry = Pick<IndexEntry, 'path' | 'type' | 'size'>;

async function writtenSize(entries: Entry[]): Promise<number> {
  let size = 0;
  const zip = zipWriter({
    write: (bytes) => {
      size += bytes.length;
    },
  });
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
      expect(zipSize(entries).total).toBe(await writtenSize(entries));
    });
  }

  it('refuses a backup whose zip would pass 4 GiB only once names are counted in UTF-8', () => {
    // 60,000 files with 200-character CJK names: 600 bytes each in UTF-8, twice (local and central).
    const count = 60_000;
    const name = (i: number) => `${'漢'.repeat(192)}${String(i).padStart(8, '0')}`;
    const data = 0xffff_ffff - 40_000_000;
    const entries = Array.from({ length: count }, (_, i) => ({
      path: name(i),
      type: 'file' as const,
      size: i === 0 ? data - (count - 1) : 1,
      mtime: 0,
      mode: 0,
    })) as unknown as IndexEntry[];
    expect(zipSize(entries).total).toBeGreaterThan(0xffff_ffff);
    expect(() => checkZipLimits(entries)).toThrow(/too large to download as one \.zip/);
  });

  it('accepts a backup just under the limit', () => {
    const entries = [
      { path: 'big.bin', type: 'file', size: 0xffff_ffff - 200, mtime: 0, mode: 0 },
    ] as unknown as IndexEntry[];
    expect(zipSize(entries).total).toBeLessThanOrEqual(0xffff_ffff);
    expect(() => checkZipLimits(entries)).not.toThrow();
  });
});
