/**
 * The writer hands its parity to a spill as each stripe is sealed and keeps none of it (issue 28,
 * item 4), and the spill is disposed of on every path: done, failed midway, or abandoned.
 */
import { describe, expect, it } from 'vitest';
import { cliCoder } from '../../src/cli/erasure.ts';
import { memorySpill, type ParitySpill } from '../../src/core/parity-spill.ts';
import { backupBytes, type EntrySource } from '../../src/core/writer.ts';
import { collect, makeBackup, RECOVERY_KEY, seededBytes } from './helpers.ts';

const coder = cliCoder();

/** A memory spill that records when it was written to and whether it was disposed of. */
function recordingSpill() {
  const inner = memorySpill();
  const record = { writes: 0, bytes: 0, disposed: 0, writesBeforeRead: 0, read: false };
  const spill: ParitySpill = {
    async write(bytes) {
      record.writes++;
      record.bytes += bytes.length;
      if (!record.read) record.writesBeforeRead++;
      await inner.write(bytes);
    },
    read() {
      record.read = true;
      return inner.read();
    },
    async dispose() {
      record.disposed++;
      await inner.dispose();
    },
  };
  return { spill, record };
}

// 160 KiB of noise in 1 KiB chunks: 161 chunks, stripes of 50, m = 5 at 10%.
const ENTRIES = [{ path: 'n.bin', type: 'file' as const, data: seededBytes(160 * 1024, 3) }];

describe('parity spill', () => {
  it('receives every parity shard as its stripe is sealed, and is disposed of after the backup', async () => {
    const { spill, record } = recordingSpill();
    const withSpill = await makeBackup(ENTRIES, { compress: false, parity: 10, coder, paritySpill: async () => spill });
    // 4 stripes (50, 50, 50, 11 chunks) of 5 parity shards, all written before finish() reads them.
    expect(record.writes).toBe(20);
    expect(record.writesBeforeRead).toBe(20);
    expect(record.bytes).toBe(20 * (1024 + 32));
    expect(record.disposed).toBe(1);
    expect(withSpill.length).toBe((await makeBackup(ENTRIES, { compress: false, parity: 10, coder })).length);
  });

  it('is disposed of when the backup fails midway or is abandoned', async () => {
    const failing: EntrySource[] = [
      {
        path: 'fails.bin',
        type: 'file',
        mtime: 0,
        mode: 0o644,
        async *open() {
          yield seededBytes(120 * 1024, 5);
          throw new Error('the disk went away');
        },
      },
    ];
    const failed = recordingSpill();
    const options = {
      slots: [{ kind: 'recovery-key' as const, recoveryKey: RECOVERY_KEY }],
      chunkSizeLog2: 10,
      compress: false,
      parity: 10,
      coder,
    };
    await expect(collect(backupBytes(failing, { ...options, paritySpill: async () => failed.spill }))).rejects.toThrow(
      'the disk went away',
    );
    expect(failed.record.disposed).toBe(1);

    const abandoned = recordingSpill();
    const bytes = backupBytes(
      ENTRIES.map((entry) => ({ path: entry.path, type: entry.type, mtime: 0, mode: 0o644, open: () => [entry.data] })),
      { ...options, paritySpill: async () => abandoned.spill },
    );
    let pieces = 0;
    for await (const _ of bytes) if (++pieces === 100) break;
    expect(abandoned.record.writes).toBeGreaterThan(0);
    expect(abandoned.record.disposed).toBe(1);
  });
});
