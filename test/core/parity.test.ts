/**
 * Version 3 files (spec 11): parity rebuilds damaged chunks for restore, verify and repair; the
 * index copy and header copy stand in for damaged originals; a repaired file is byte for byte the
 * file as written.
 */
import { describe, expect, it } from 'vitest';
import { cliCoder } from '../../src/cli/erasure.ts';
import { OpenedBackup } from '../../src/core/reader.ts';
import { FOOTER_LENGTH } from '../../src/core/recovery.ts';
import { discardSink } from '../../src/core/restore-sink.ts';
import { bytesSource } from '../../src/core/source.ts';
import { collect, makeBackup, memorySink, RECOVERY_KEY, type SimpleEntry, seededBytes } from './helpers.ts';

const SEALED = 1024 + 16;
const coder = cliCoder();

// 130 KiB of files: 131+ chunks of 1 KiB, so three stripes of 50 (the last one short).
const ENTRIES: SimpleEntry[] = [
  { path: 'd', type: 'dir' },
  ...Array.from({ length: 13 }, (_, i) => ({
    path: `d/f${i}.bin`,
    type: 'file' as const,
    data: seededBytes(10_000 + i, i + 1),
  })),
];

async function make(parity: number): Promise<Uint8Array> {
  return (await makeBackup(ENTRIES, { compress: false, parity, coder })).slice();
}

function headerLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
}

function damageChunks(bytes: Uint8Array, chunks: number[]): Uint8Array {
  const out = bytes.slice();
  for (const chunk of chunks) out[headerLength(bytes) + chunk * SEALED + 7] ^= 0xff;
  return out;
}

function open(bytes: Uint8Array, withCoder = true) {
  return OpenedBackup.open(bytesSource(bytes), { recoveryKey: RECOVERY_KEY }, undefined, {
    coder: withCoder ? coder : undefined,
  });
}

describe('parity', () => {
  it('writes version 3 and restores an intact file exactly', async () => {
    const bytes = await make(10);
    expect(new DataView(bytes.buffer).getUint16(8, true)).toBe(3);
    const backup = await open(bytes);
    expect(backup.recoveryLayout).toMatchObject({ dataShards: 50, parityShards: 5, stripeCount: 3 });
    const { sink, files } = memorySink();
    await backup.restore(sink);
    for (const entry of ENTRIES.slice(1)) expect(files.get(entry.path)).toEqual(entry.data);
    expect(backup.repairs.damagedChunks).toEqual([]);
  });

  it('restores everything with up to m damaged chunks per stripe, and says what it repaired', async () => {
    const damaged = damageChunks(await make(10), [0, 3, 49, 60, 61, 62, 63, 64, 120]);
    const backup = await open(damaged);
    const { sink, files } = memorySink();
    await backup.restore(sink);
    for (const entry of ENTRIES.slice(1)) expect(files.get(entry.path)).toEqual(entry.data);
    expect(backup.repairs.repairedChunks).toEqual([0, 3, 49, 60, 61, 62, 63, 64, 120]);
    expect(backup.repairs.unrepairableChunks).toEqual([]);
  });

  it('refuses to restore when a stripe lost more than its parity, but salvage keeps the rest', async () => {
    const damaged = damageChunks(await make(10), [50, 51, 52, 53, 54, 55]);
    await expect((await open(damaged)).restore(discardSink)).rejects.toMatchObject({ code: 'payload_damaged' });
    const backup = await open(damaged);
    const { sink, files } = memorySink();
    const report = await backup.salvage(sink);
    expect(report.lost.length).toBeGreaterThan(0);
    expect(files.size + report.lost.length).toBe(13);
  });

  it('repairs into a file identical to the one written', async () => {
    const original = await make(10);
    const damaged = damageChunks(original, [1, 2, 70, 130]);
    // A damaged parity shard and the index copy region are rewritten too.
    const footerAt = damaged.length - FOOTER_LENGTH;
    damaged[footerAt - 100] ^= 0x01;
    const repaired = await collect((await open(damaged)).repairedFile());
    expect(repaired).toEqual(original);
  });

  it('repair of an intact file gives the same bytes', async () => {
    const original = await make(5);
    expect(await collect((await open(original)).repairedFile())).toEqual(original);
  });

  it('opens with the index copy when the index chunks are damaged (parity 0)', async () => {
    const original = await make(0);
    const backup0 = await open(original);
    const last = backup0.layout.chunkCount - 1;
    const damaged = damageChunks(original, [last - 1, last]);
    const backup = await open(damaged);
    expect(backup.repairs.indexFromCopy).toBe(true);
    expect(backup.entries.map((entry) => entry.path)).toEqual(ENTRIES.map((entry) => entry.path));
    const { sink, files } = memorySink();
    const report = await backup.salvage(sink);
    expect(report.lost).toEqual([expect.objectContaining({ path: 'd/f12.bin', whole: false })]);
    expect(files.get('d/f0.bin')).toEqual(ENTRIES[1].data);
  });

  it('opens with the header copy when the header is damaged', async () => {
    const original = await make(10);
    const damaged = original.slice();
    damaged[headerLength(original) - 5] ^= 0x01; // inside the header MAC
    const backup = await open(damaged);
    expect(backup.repairs.headerFromCopy).toBe(true);
    expect(await collect(backup.repairedFile())).toEqual(original);
  });

  it('a reader without the coder refuses to use parity, and says so', async () => {
    const damaged = damageChunks(await make(10), [5]);
    await expect((await open(damaged, false)).restore(discardSink)).rejects.toThrow(/cannot use it/);
  });

  it('a version this reader does not know (4) is unsupported_version', async () => {
    // The header prefix check is what every v1 reader does first.
    const bytes = await make(10);
    const v1 = bytes.slice();
    new DataView(v1.buffer).setUint16(8, 4, true);
    await expect(open(v1)).rejects.toMatchObject({ code: 'unsupported_version' });
  });
});
