/**
 * Property tests over whole backups: random trees round-trip exactly, and any single-byte change
 * or truncation of a backup is reported as one of the spec's failure classes, never as output.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CofferError, FORMAT_FAILURES } from '../../src/core/errors.ts';
import { OpenedBackup } from '../../src/core/reader.ts';
import type { SlotSpec } from '../../src/core/slots.ts';
import { bytesSource } from '../../src/core/source.ts';
import {
  bytesEqual,
  CHEAP_KDF,
  collect,
  makeBackup,
  memorySink,
  PASSPHRASE,
  RECOVERY_KEY,
  type SimpleEntry,
  textBytes,
} from './helpers.ts';

// Name pieces: ASCII, precomposed (NFC) letters, CJK, emoji, spaces and dots (but never a
// whole "." or ".." component, and never "X:" at the start).
const NAME_PIECES = ['a', 'B', 'z', '0', '9', 'é', 'Ω', 'ß', '日', '本', '😀', ' ', '-', '_', '.', '~', '(', ')'];
const nameArb = fc
  .array(fc.constantFrom(...NAME_PIECES), { minLength: 1, maxLength: 8 })
  .map((pieces) => pieces.join(''))
  .filter((name) => name !== '.' && name !== '..');

const contentArb = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ minLength: 0, maxLength: 5000 }),
  fc
    .tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 1000 }))
    .map(([size, seed]) => textBytes(size, seed)),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 5000 }))
    .map(([unit, size]) => new TextEncoder().encode(unit.repeat(size)).slice(0, size)),
);

const itemArb = fc.record({
  dirs: fc.array(nameArb, { maxLength: 3 }),
  name: nameArb,
  kind: fc.constantFrom<'file' | 'dir'>('file', 'file', 'dir'),
  content: contentArb,
  mode: fc.integer({ min: 0, max: 0o777 }),
  mtime: fc.integer({ min: -1e12, max: 4e12 }),
  pieceSize: fc.integer({ min: 1, max: 6000 }),
});

type Item = typeof itemArb extends fc.Arbitrary<infer T> ? T : never;

/** Turns random items into a valid tree: parents listed first, nothing under a file, no duplicates. */
function buildTree(items: Item[]): SimpleEntry[] {
  const byPath = new Map<string, SimpleEntry>();
  for (const item of items) {
    let parent = '';
    let blocked = false;
    for (const dir of item.dirs) {
      const path = parent ? `${parent}/${dir}` : dir;
      const existing = byPath.get(path);
      if (existing?.type === 'file') {
        blocked = true;
        break;
      }
      if (!existing) byPath.set(path, { path, type: 'dir', mtime: item.mtime, mode: item.mode });
      parent = path;
    }
    if (blocked) continue;
    const path = parent ? `${parent}/${item.name}` : item.name;
    if (byPath.has(path)) continue;
    byPath.set(
      path,
      item.kind === 'dir'
        ? { path, type: 'dir', mtime: item.mtime, mode: item.mode }
        : { path, type: 'file', data: item.content, mtime: item.mtime, mode: item.mode, pieceSize: item.pieceSize },
    );
  }
  return [...byPath.values()];
}

const treeArb = fc.array(itemArb, { maxLength: 12 }).map(buildTree);

describe('round trip (property)', () => {
  it('random trees restore exactly, by full restore, by fileData and by listing', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, fc.constantFrom(10, 11, 12), async (tree, chunkSizeLog2) => {
        const bytes = await makeBackup(tree, { chunkSizeLog2 });
        const backup = await OpenedBackup.open(bytesSource(bytes), { recoveryKey: RECOVERY_KEY });

        expect(backup.entries.map((e) => [e.path, e.type, e.size, e.mode, e.mtime])).toEqual(
          tree.map((e) => [e.path, e.type, e.data?.length ?? 0, e.mode, e.mtime]),
        );

        const { sink, files, dirs } = memorySink();
        await backup.restore(sink);
        expect(dirs).toEqual(tree.filter((e) => e.type === 'dir').map((e) => e.path));
        const expectedFiles = tree.filter((e) => e.type === 'file');
        expect([...files.keys()]).toEqual(expectedFiles.map((e) => e.path));
        for (const file of expectedFiles) {
          expect(bytesEqual(files.get(file.path) as Uint8Array, file.data as Uint8Array)).toBe(true);
        }

        // Random access, in reverse order to defeat the one-chunk cache's ordering.
        for (const file of [...expectedFiles].reverse()) {
          const entry = backup.entries.find((e) => e.path === file.path);
          if (!entry) throw new Error('missing entry');
          expect(bytesEqual(await collect(backup.fileData(entry)), file.data as Uint8Array)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** Opens and verifies; returns the error (or undefined if, impossibly, everything passed). */
async function openAndVerify(bytes: Uint8Array, credentials: { passphrase?: string; recoveryKey?: string }) {
  try {
    const backup = await OpenedBackup.open(bytesSource(bytes), credentials);
    await backup.verify();
    const { sink } = memorySink();
    await backup.restore(sink, { only: backup.entries });
    return undefined;
  } catch (error) {
    return error;
  }
}

function expectFormatError(error: unknown): void {
  expect(error).toBeInstanceOf(CofferError);
  expect(FORMAT_FAILURES as readonly string[]).toContain((error as CofferError).code);
}

const TREE: SimpleEntry[] = [
  { path: 'd', type: 'dir' },
  { path: 'd/text.txt', type: 'file', data: textBytes(3000) },
  { path: 'd/bin', type: 'file', data: new Uint8Array(1500).map((_, i) => (i * 7919) % 251) },
  { path: 'empty', type: 'file', data: new Uint8Array(0) },
  { path: 'z', type: 'file', data: new TextEncoder().encode('last file') },
];

describe('tampering (property)', () => {
  let recoveryBackup: Uint8Array;
  let passphraseBackup: Uint8Array;
  beforeAll(async () => {
    recoveryBackup = await makeBackup(TREE, { chunkSizeLog2: 10 });
    const slots: SlotSpec[] = [{ kind: 'passphrase', passphrase: PASSPHRASE, kdf: CHEAP_KDF }];
    passphraseBackup = await makeBackup(TREE, { chunkSizeLog2: 10, slots });
    // Sanity: the untouched backups open and verify.
    expect(await openAndVerify(recoveryBackup, { recoveryKey: RECOVERY_KEY })).toBeUndefined();
    expect(await openAndVerify(passphraseBackup, { passphrase: PASSPHRASE })).toBeUndefined();
  });

  it('any single-byte change anywhere is a format failure (recovery-key slot)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 255 }),
        async (rawPosition, xor) => {
          const position = rawPosition % recoveryBackup.length;
          const bad = recoveryBackup.slice();
          bad[position] ^= xor;
          expectFormatError(await openAndVerify(bad, { recoveryKey: RECOVERY_KEY }));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every header byte, flipped, is a format failure (exhaustive, recovery-key slot)', async () => {
    const headerLength = new DataView(recoveryBackup.buffer).getUint32(12, true);
    for (let position = 0; position < headerLength; position++) {
      for (const xor of [0x01, 0x80]) {
        const bad = recoveryBackup.slice();
        bad[position] ^= xor;
        expectFormatError(await openAndVerify(bad, { recoveryKey: RECOVERY_KEY }));
      }
    }
  });

  it('any single-byte change is a format failure (passphrase slot; huge-memory bytes excluded)', async () => {
    // Bytes 58 and 59 are the high bytes of the slot's Argon2 memory; changing them asks for up
    // to 1 GiB, which is allowed but slow. Byte 59 is covered separately below.
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 255 }),
        async (rawPosition, xor) => {
          const position = rawPosition % passphraseBackup.length;
          fc.pre(position !== 58 && position !== 59);
          const bad = passphraseBackup.slice();
          bad[position] ^= xor;
          expectFormatError(await openAndVerify(bad, { passphrase: PASSPHRASE }));
        },
      ),
      { numRuns: 200 },
    );
    for (let xor = 1; xor < 256; xor++) {
      const bad = passphraseBackup.slice();
      bad[59] ^= xor; // memory >= 16 Mi KiB: always over the 1 GiB bound
      const error = await openAndVerify(bad, { passphrase: PASSPHRASE });
      expectFormatError(error);
      expect((error as CofferError).code).toBe('limit_exceeded');
    }
  });

  it('any truncation is a format failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 100_000 }), async (raw) => {
        const length = raw % recoveryBackup.length;
        expectFormatError(await openAndVerify(recoveryBackup.slice(0, length), { recoveryKey: RECOVERY_KEY }));
      }),
      { numRuns: 500 },
    );
    // Every chunk boundary exactly, which must read as truncated.
    const headerLength = new DataView(recoveryBackup.buffer).getUint32(12, true);
    for (let cut = headerLength + 1040; cut < recoveryBackup.length; cut += 1040) {
      const error = await openAndVerify(recoveryBackup.slice(0, cut), { recoveryKey: RECOVERY_KEY });
      expectFormatError(error);
      expect((error as CofferError).code).toBe('truncated');
    }
  });

  it('appending bytes is a format failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2100 }), async (extra) => {
        const longer = new Uint8Array(recoveryBackup.length + extra.length);
        longer.set(recoveryBackup);
        longer.set(extra, recoveryBackup.length);
        expectFormatError(await openAndVerify(longer, { recoveryKey: RECOVERY_KEY }));
      }),
      { numRuns: 100 },
    );
  });
});
