/**
 * Salvage (spec 10): every entry whose chunks are intact is restored byte for byte; every entry
 * with a stored byte in a damaged chunk is named as lost and never handed to the sink as complete.
 */
import { describe, expect, it } from 'vitest';
import { OpenedBackup } from '../../src/core/reader.ts';
import { bytesSource } from '../../src/core/source.ts';
import { makeBackup, memorySink, RECOVERY_KEY, type SimpleEntry, seededBytes } from './helpers.ts';

const C = 1024; // chunkSizeLog2 10 in makeBackup
const SEALED = C + 16;

const ENTRIES: SimpleEntry[] = [
  { path: 'docs', type: 'dir' },
  { path: 'docs/a.bin', type: 'file', data: seededBytes(3000, 1) }, // plaintext 0..3000: chunks 0-2
  { path: 'docs/empty', type: 'file', data: new Uint8Array(0) },
  { path: 'docs/b.bin', type: 'file', data: seededBytes(500, 2) }, // 3000..3500: chunk 2-3
  { path: 'docs/c.bin', type: 'file', data: seededBytes(4000, 3) }, // 3500..7500: chunks 3-7
  { path: 'docs/d.bin', type: 'file', data: seededBytes(100, 4) }, // 7500..7600: chunk 7
  { path: 'docs/e.bin', type: 'file', data: seededBytes(2000, 5) }, // 7600..9600: chunks 7-9; index in 9
];

async function damaged(chunks: number[]) {
  const bytes = (await makeBackup(ENTRIES, { compress: false })).slice();
  const headerLength = new DataView(bytes.buffer).getUint32(12, true);
  for (const chunk of chunks) bytes[headerLength + chunk * SEALED + 100] ^= 0x55;
  return OpenedBackup.open(bytesSource(bytes), { recoveryKey: RECOVERY_KEY });
}

describe('salvage', () => {
  it('restores everything and reports nothing lost from an intact backup', async () => {
    const backup = await damaged([]);
    const { sink, files } = memorySink();
    const report = await backup.salvage(sink);
    expect(report.lost).toEqual([]);
    expect(report.damagedChunks).toEqual([]);
    expect(report.restoredFiles).toBe(6);
    for (const entry of ENTRIES.filter((e) => e.type === 'file')) expect(files.get(entry.path)).toEqual(entry.data);
  });

  it('restores the entries that do not touch a damaged chunk and names the ones that do', async () => {
    const backup = await damaged([1, 5]);
    const { sink, files, dirs, aborted } = memorySink();
    const report = await backup.salvage(sink);
    expect(report.damagedChunks).toEqual([1, 5]);
    expect(report.lost.map((lost) => [lost.path, lost.whole, lost.damagedBytes])).toEqual([
      ['docs/a.bin', false, C],
      ['docs/c.bin', false, C],
    ]);
    expect(dirs).toEqual(['docs']);
    expect([...files.keys()].sort()).toEqual(['docs/b.bin', 'docs/d.bin', 'docs/e.bin', 'docs/empty']);
    expect(files.get('docs/b.bin')).toEqual(ENTRIES[3].data);
    expect(files.get('docs/d.bin')).toEqual(ENTRIES[5].data);
    // a.bin had written its first chunk before the damage: the sink was told to drop it.
    expect(aborted).toContain('docs/a.bin');
  });

  it('calls an entry wholly lost when every chunk it touches is damaged', async () => {
    const backup = await damaged([4, 5, 6]);
    const { sink, files } = memorySink();
    const report = await backup.salvage(sink);
    // c.bin spans chunks 3..7 (3 and 7 intact): partly; nothing else is touched.
    expect(report.lost).toHaveLength(1);
    expect(report.lost[0]).toMatchObject({ path: 'docs/c.bin', whole: false, damagedBytes: 3 * C });
    expect(files.has('docs/c.bin')).toBe(false);
    expect(files.get('docs/a.bin')).toEqual(ENTRIES[1].data);
  });

  it('reports a file inside a single damaged chunk as wholly lost', async () => {
    const backup = await damaged([7]);
    const { sink, files } = memorySink();
    const report = await backup.salvage(sink);
    // chunk 7 holds the end of c.bin, all of d.bin and the start of e.bin.
    expect(report.lost.map((lost) => [lost.path, lost.whole])).toEqual([
      ['docs/c.bin', false],
      ['docs/d.bin', true],
      ['docs/e.bin', false],
    ]);
    expect(files.has('docs/d.bin')).toBe(false);
  });

  it('still refuses a backup whose index chunks are damaged when it has no index copy', async () => {
    await expect(damaged([9])).rejects.toMatchObject({ code: 'payload_damaged' });
  });
});
