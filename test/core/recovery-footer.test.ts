/**
 * The recovery footer and the parity it describes cannot be changed without the key (issue 28,
 * item 1; spec 11, revision 1.3): a revision 1.3 footer is checked by an HMAC after unlocking; a
 * revision 1.2 footer (a plain SHA-256) edited to other stripes is caught by verify and repair,
 * which recompute the parity; and a repair never seals parity or the index copy again with
 * content other than what they held (their nonces are fixed by position).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cliCoder } from '../../src/cli/erasure.ts';
import { unlockHeader } from '../../src/core/header.ts';
import { OpenedBackup, readHeader } from '../../src/core/reader.ts';
import { FOOTER_LENGTH, openIndexCopy, sealIndexCopy } from '../../src/core/recovery.ts';
import { bytesSource } from '../../src/core/source.ts';
import { collect, makeBackup, RECOVERY_KEY, type SimpleEntry, seededBytes } from './helpers.ts';

const SEALED = 1024 + 16;
const coder = cliCoder();

// 131+ chunks of 1 KiB: three stripes of k = 50 (the last short), m = 5 at 10%.
const ENTRIES: SimpleEntry[] = Array.from({ length: 13 }, (_, i) => ({
  path: `f${i}.bin`,
  type: 'file' as const,
  data: seededBytes(10_000 + i, i + 7),
}));

async function make(): Promise<Uint8Array> {
  return (await makeBackup(ENTRIES, { compress: false, parity: 10, coder })).slice();
}

const footerOf = (bytes: Uint8Array) => bytes.subarray(bytes.length - FOOTER_LENGTH);
const magicOf = (bytes: Uint8Array) => new TextDecoder().decode(footerOf(bytes).subarray(0, 8));

/** A revision 1.2 footer (COFFREC1, SHA-256), optionally with another dataShards: no key needed. */
function asRevision12(bytes: Uint8Array, dataShards?: number): Uint8Array {
  const out = bytes.slice();
  const footer = footerOf(out);
  footer.set(new TextEncoder().encode('COFFREC1'), 0);
  if (dataShards !== undefined) footer[25] = dataShards;
  footer.set(createHash('sha256').update(footer.subarray(0, 32)).digest(), 32);
  return out;
}

function headerLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
}

function damageChunk(bytes: Uint8Array, chunk: number): Uint8Array {
  const out = bytes.slice();
  out[headerLength(bytes) + chunk * SEALED + 7] ^= 0xff;
  return out;
}

/** Flips a byte in every stored parity shard, so none of them opens. */
function damageAllParity(bytes: Uint8Array, shards: number): Uint8Array {
  const out = bytes.slice();
  const parityEnd = out.length - FOOTER_LENGTH;
  for (let j = 1; j <= shards; j++) out[parityEnd - j * (SEALED + 16) + 3] ^= 0x01;
  return out;
}

function open(bytes: Uint8Array) {
  return OpenedBackup.open(bytesSource(bytes), { recoveryKey: RECOVERY_KEY }, undefined, { coder });
}

describe('the recovery footer (spec 11, revision 1.3)', () => {
  it('new files carry the authenticated footer; verify and repair of an intact one change nothing', async () => {
    const original = await make();
    expect(magicOf(original)).toBe('COFFREC2');
    const backup = await open(original);
    await backup.verify();
    expect(backup.repairs.matchedParityShards).toBe(15);
    expect(backup.repairs.alteredParityShards).toBe(0);
    expect(await collect((await open(original)).repairedFile())).toEqual(original);
  });

  it('a revision 1.3 footer with other stripes (k 50 -> 49) is refused as altered once unlocked', async () => {
    const edited = (await make()).slice();
    footerOf(edited)[25] = 49; // ceil(131/49) is still 3 stripes: the file size still fits
    await expect(open(edited)).rejects.toMatchObject({
      code: 'payload_damaged',
      message: expect.stringMatching(/repair data has been altered: its footer/),
    });
  });

  it('revision 1.2 files still open, verify and repair into the same bytes (footer kept)', async () => {
    const legacy = asRevision12(await make());
    const backup = await open(legacy);
    await backup.verify();
    expect(await collect((await open(legacy)).repairedFile())).toEqual(legacy);
    const damaged = damageChunk(legacy, 60);
    expect(await collect((await open(damaged)).repairedFile())).toEqual(legacy);
  });

  it('a revision 1.2 footer edited to k = 49 (SHA-256 recomputed): verify says altered, never OK', async () => {
    const edited = asRevision12(await make(), 49);
    const backup = await open(edited);
    await expect(backup.verify()).rejects.toMatchObject({
      code: 'payload_damaged',
      message: expect.stringMatching(/repair data has been altered: \d+ parity blocks open but do not match/),
    });
  });

  it('repair of that file writes nothing, so no parity is sealed again under a used nonce', async () => {
    const edited = asRevision12(await make(), 49);
    const parts: Uint8Array[] = [];
    const backup = await open(edited);
    await expect(
      (async () => {
        for await (const part of backup.repairedFile()) parts.push(part);
      })(),
    ).rejects.toThrow(/repair data has been altered/);
    // It stopped in the first stripe, long before any parity or footer would be written.
    const written = parts.reduce((sum, part) => sum + part.length, 0);
    expect(written).toBeLessThan(edited.length - 15 * (SEALED + 16));
  });

  it('a revision 1.2 file whose parity cannot be confirmed (every shard damaged) is not repaired', async () => {
    const edited = damageAllParity(asRevision12(await make(), 49), 15);
    await expect(collect((await open(edited)).repairedFile())).rejects.toThrow(/repair data cannot be checked/);
  });

  it('a damaged index copy is reported as damaged (a repair seals it again), not as altered', async () => {
    const original = await make();
    const layout = (await open(original)).recoveryLayout;
    if (!layout) throw new Error('no recovery layout');
    const damagedCopy = original.slice();
    damagedCopy[layout.indexCopyOffset + 5] ^= 0x01;
    const backup = await open(damagedCopy);
    await backup.verify();
    expect(backup.repairs.indexCopyDamaged).toBe(true);
    expect(await collect((await open(damagedCopy)).repairedFile())).toEqual(original);
  });

  it('an index copy that opens with other content than the index is altered: verify and repair refuse', async () => {
    const original = await make();
    const layout = (await open(original)).recoveryLayout;
    if (!layout) throw new Error('no recovery layout');
    // Only someone holding the key (or a nonce-reuse forgery) can seal such a copy.
    const keys = await unlockHeader(await readHeader(bytesSource(original)), { recoveryKey: RECOVERY_KEY });
    const sealed = original.subarray(layout.indexCopyOffset, layout.indexCopyOffset + layout.indexCopyLength);
    const index = await openIndexCopy(keys.recoveryKey, sealed);
    if (!index) throw new Error('the index copy did not open');
    index[0] ^= 0x01;
    const forged = original.slice();
    forged.set(await sealIndexCopy(keys.recoveryKey, index), layout.indexCopyOffset);
    await expect((await open(forged)).verify()).rejects.toThrow(/copy of the index opens but differs/);
    await expect(collect((await open(forged)).repairedFile())).rejects.toThrow(/copy of the index opens but differs/);
  });
});
