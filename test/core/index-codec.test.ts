import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8, view } from '../../src/core/bytes.ts';
import {
  decodeIndex,
  decodeTrailer,
  encodeRecord,
  encodeTrailer,
  type IndexEntry,
  MAX_ENTRIES,
  MAX_INDEX_LENGTH,
  RECORD_FIXED_LENGTH,
  TRAILER_LENGTH,
  type Trailer,
} from '../../src/core/index-codec.ts';
import { expectCode } from './helpers.ts';

function file(path: string, offset: number, size: number, extra: Partial<IndexEntry> = {}): IndexEntry {
  return {
    path,
    type: 'file',
    method: 0,
    mode: 0o644,
    mtime: 1_700_000_000_123,
    size,
    storedLength: size,
    offset,
    ...extra,
  };
}

function dir(path: string, offset: number): IndexEntry {
  return { path, type: 'dir', method: 0, mode: 0o755, mtime: 0, size: 0, storedLength: 0, offset };
}

/** Encodes records and a matching trailer; returns the index bytes and the trailer. */
function index(entries: IndexEntry[], indexOffset?: number): { bytes: Uint8Array; trailer: Trailer } {
  const bytes = concatBytes(entries.map(encodeRecord));
  const last = entries.at(-1);
  const end = indexOffset ?? (last ? last.offset + last.storedLength : 0);
  return { bytes, trailer: { indexOffset: end, indexLength: bytes.length, entryCount: entries.length } };
}

function patched(bytes: Uint8Array, edit: (copy: Uint8Array, dv: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy, view(copy));
  return copy;
}

describe('index records (spec 5.2)', () => {
  it('encodes the documented layout', () => {
    const record = encodeRecord(file('a/é', 5, 300, { method: 1, storedLength: 120, mtime: -2, mode: 0o750 }));
    expect(record.length).toBe(RECORD_FIXED_LENGTH + 4);
    const dv = view(record);
    expect(record[0]).toBe(1);
    expect(record[1]).toBe(1);
    expect(dv.getUint16(2, true)).toBe(4);
    expect(dv.getUint32(4, true)).toBe(0o750);
    expect(dv.getBigInt64(8, true)).toBe(-2n);
    expect(dv.getBigUint64(16, true)).toBe(300n);
    expect(dv.getBigUint64(24, true)).toBe(120n);
    expect(dv.getBigUint64(32, true)).toBe(5n);
    expect(toHex(record.subarray(40))).toBe(toHex(utf8('a/é')));
    expect(encodeRecord(dir('d', 0))[0]).toBe(2);
  });

  it('keeps only the permission bits of the mode', () => {
    const record = encodeRecord(file('x', 0, 0, { mode: 0o100644 }));
    expect(view(record).getUint32(4, true)).toBe(0o644);
  });

  it('round-trips a listing', () => {
    const entries = [
      dir('docs', 0),
      file('docs/a.txt', 0, 10),
      file('docs/b.bin', 10, 5000, { method: 1, storedLength: 321 }),
      file('empty', 331, 0),
      dir('日本', 331),
      file('日本/😀', 331, 1, { mtime: -86_400_000, mode: 0 }),
    ];
    const { bytes, trailer } = index(entries);
    expect(decodeIndex(bytes, trailer)).toEqual(entries);
  });

  it('round-trips random valid listings (property)', () => {
    const entry = fc.record({
      path: fc.string({ minLength: 1, maxLength: 30 }).filter((p) => utf8(p).length <= 4096),
      type: fc.constantFrom<'file' | 'dir'>('file', 'dir'),
      compressed: fc.boolean(),
      mode: fc.integer({ min: 0, max: 0o777 }),
      mtime: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      size: fc.integer({ min: 0, max: 2 ** 53 - 1 }),
      storedLength: fc.integer({ min: 0, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (raw) => {
        let offset = 0;
        const entries: IndexEntry[] = raw.map((e) => {
          const method = e.type === 'file' && e.compressed && e.size > 0 ? 1 : 0;
          const size = e.type === 'dir' ? 0 : e.size;
          const storedLength = e.type === 'dir' ? 0 : method === 1 ? e.storedLength : size;
          const out: IndexEntry = {
            path: e.path,
            type: e.type,
            method,
            mode: e.mode,
            mtime: e.mtime,
            size,
            storedLength,
            offset,
          };
          offset += storedLength;
          return out;
        });
        fc.pre(offset <= Number.MAX_SAFE_INTEGER);
        // Lone surrogates do not survive UTF-8; compare with what UTF-8 can carry.
        const expected = entries.map((e) => ({ ...e, path: new TextDecoder().decode(utf8(e.path)) }));
        const { bytes, trailer } = index(entries);
        expect(decodeIndex(bytes, trailer)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('decodeIndex refuses inconsistent listings', () => {
  const good = [file('a', 0, 10), file('b', 10, 20)];

  it('an unknown entry type or method is unsupported_version', async () => {
    const { bytes, trailer } = index(good);
    for (const type of [0, 3, 255]) {
      await expectCode(
        () =>
          decodeIndex(
            patched(bytes, (b) => {
              b[0] = type;
            }),
            trailer,
          ),
        'unsupported_version',
      );
    }
    for (const method of [3, 255]) {
      await expectCode(
        () =>
          decodeIndex(
            patched(bytes, (b) => {
              b[1] = method;
            }),
            trailer,
          ),
        'unsupported_version',
      );
    }
  });

  it('a path that is not valid UTF-8 is unsafe_entry', async () => {
    const { bytes, trailer } = index([file('ab', 0, 0)]);
    for (const bad of [
      [0xff, 0x41],
      [0xc3, 0x28],
      [0xed, 0xa0],
      [0xc0, 0xaf],
    ]) {
      const broken = patched(bytes, (b) => b.set(bad, RECORD_FIXED_LENGTH));
      await expectCode(() => decodeIndex(broken, trailer), 'unsafe_entry');
    }
  });

  it('non-contiguous offsets are payload_damaged', async () => {
    await expectCode(() => decodeIndex(...args(index([file('a', 0, 10), file('b', 11, 20)], 31))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index([file('a', 0, 10), file('b', 9, 20)], 29))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index([file('a', 1, 10)], 11))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index([dir('d', 5)], 5))), 'payload_damaged');
  });

  it('entries that do not end where the index starts are payload_damaged', async () => {
    await expectCode(() => decodeIndex(...args(index(good, 31))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index(good, 29))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index([], 1))), 'payload_damaged');
  });

  it('bytes after the last record, or a record cut short, are payload_damaged', async () => {
    const { bytes, trailer } = index(good);
    const longer = concatBytes([bytes, new Uint8Array(1)]);
    await expectCode(() => decodeIndex(longer, { ...trailer, indexLength: longer.length }), 'payload_damaged');
    await expectCode(() => decodeIndex(bytes.subarray(0, bytes.length - 1), trailer), 'payload_damaged');
    await expectCode(() => decodeIndex(bytes.subarray(0, 50), trailer), 'payload_damaged');
    await expectCode(() => decodeIndex(bytes, { ...trailer, entryCount: 3 }), 'payload_damaged');
    await expectCode(() => decodeIndex(bytes, { ...trailer, entryCount: 1 }), 'payload_damaged');
  });

  it('impossible path lengths, mode bits, folder data and stored lengths are payload_damaged', async () => {
    const { bytes, trailer } = index(good);
    const edits: ((b: Uint8Array, dv: DataView) => void)[] = [
      (_, dv) => dv.setUint32(4, 0o1000, true),
      (_, dv) => dv.setUint32(4, 0o100644, true),
      (_, dv) => dv.setUint32(4, 0x80000000, true),
      (_, dv) => dv.setBigInt64(8, 2n ** 62n, true),
      (_, dv) => dv.setBigInt64(8, -(2n ** 62n), true),
      (_, dv) => dv.setBigUint64(24, 11n, true), // stored entry with storedLength != size
    ];
    for (const edit of edits) await expectCode(() => decodeIndex(patched(bytes, edit), trailer), 'payload_damaged');

    await expectCode(() => decodeIndex(...args(index([{ ...dir('d', 0), size: 1 }], 0))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index([{ ...dir('d', 0), storedLength: 1 }], 1))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index([{ ...dir('d', 0), method: 1 }], 0))), 'payload_damaged');
    await expectCode(() => decodeIndex(...args(index([file('e', 0, 0, { method: 1 })], 0))), 'payload_damaged');
  });

  it('a size over 2^53 - 1 is limit_exceeded', async () => {
    const { bytes, trailer } = index([file('a', 0, 0)]);
    const huge = patched(bytes, (_, dv) => {
      dv.setBigUint64(16, 2n ** 53n, true);
      dv.setBigUint64(24, 2n ** 53n, true);
    });
    await expectCode(() => decodeIndex(huge, trailer), 'limit_exceeded');
  });

  it('a path length of 0 or over 4096 is unsafe_entry (spec 5.2)', async () => {
    const { bytes, trailer } = index(good);
    for (const length of [0, 4097, 65535]) {
      const bad = patched(bytes, (_, dv) => dv.setUint16(2, length, true));
      await expectCode(() => decodeIndex(bad, trailer), 'unsafe_entry');
    }
  });

  it('accepts the largest path (4096 bytes)', () => {
    const path = `${'abcdefghijklmno/'.repeat(255)}${'x'.repeat(16)}`;
    const { bytes, trailer } = index([file(path, 0, 0)]);
    expect(decodeIndex(bytes, trailer)[0].path).toBe(path);
  });
});

function args(built: { bytes: Uint8Array; trailer: Trailer }): [Uint8Array, Trailer] {
  return [built.bytes, built.trailer];
}

describe('trailer (spec 5.1)', () => {
  it('encodes the documented layout and round-trips', () => {
    const trailer = { indexOffset: 1234, indexLength: 88, entryCount: 2 };
    const bytes = encodeTrailer(trailer);
    expect(bytes.length).toBe(TRAILER_LENGTH);
    expect(new TextDecoder().decode(bytes.subarray(24))).toBe('COFFIDX1');
    expect(view(bytes).getBigUint64(0, true)).toBe(1234n);
    expect(view(bytes).getBigUint64(8, true)).toBe(88n);
    expect(view(bytes).getBigUint64(16, true)).toBe(2n);
    expect(decodeTrailer(bytes, 1234 + 88 + 32)).toEqual(trailer);
  });

  it('a bad magic is payload_damaged', async () => {
    const bytes = encodeTrailer({ indexOffset: 0, indexLength: 40, entryCount: 1 });
    for (let i = 24; i < 32; i++) {
      await expectCode(
        () =>
          decodeTrailer(
            patched(bytes, (b) => {
              b[i] ^= 1;
            }),
            72,
          ),
        'payload_damaged',
      );
    }
  });

  it('indexOffset + indexLength + 32 must equal the plaintext length', async () => {
    const bytes = encodeTrailer({ indexOffset: 100, indexLength: 40, entryCount: 1 });
    expect(decodeTrailer(bytes, 172).indexOffset).toBe(100);
    await expectCode(() => decodeTrailer(bytes, 171), 'payload_damaged');
    await expectCode(() => decodeTrailer(bytes, 173), 'payload_damaged');
  });

  it('an index too short for its entry count is payload_damaged', async () => {
    const bytes = encodeTrailer({ indexOffset: 0, indexLength: 79, entryCount: 2 });
    await expectCode(() => decodeTrailer(bytes, 79 + 32), 'payload_damaged');
  });

  it('an entryCount over 16,777,216 is limit_exceeded', async () => {
    expect(MAX_ENTRIES).toBe(16_777_216);
    const atLimit = encodeTrailer({ indexOffset: 0, indexLength: MAX_ENTRIES * 41, entryCount: MAX_ENTRIES });
    expect(decodeTrailer(atLimit, MAX_ENTRIES * 41 + 32).entryCount).toBe(MAX_ENTRIES);
    const over = encodeTrailer({ indexOffset: 0, indexLength: 100, entryCount: MAX_ENTRIES + 1 });
    await expectCode(() => decodeTrailer(over, 132), 'limit_exceeded');
  });

  it('an indexLength over 2^32 is limit_exceeded', async () => {
    const over = encodeTrailer({ indexOffset: 0, indexLength: MAX_INDEX_LENGTH + 1, entryCount: 1 });
    await expectCode(() => decodeTrailer(over, MAX_INDEX_LENGTH + 33), 'limit_exceeded');
  });

  it('u64 counts beyond 2^53 are limit_exceeded too (above their bound), offsets payload_damaged', async () => {
    const base = encodeTrailer({ indexOffset: 0, indexLength: 40, entryCount: 1 });
    const count = patched(base, (_, dv) => dv.setBigUint64(16, 2n ** 63n, true));
    await expectCode(() => decodeTrailer(count, 72), 'limit_exceeded');
    const length = patched(base, (_, dv) => dv.setBigUint64(8, 2n ** 60n, true));
    await expectCode(() => decodeTrailer(length, 72), 'limit_exceeded');
    const offset = patched(base, (_, dv) => dv.setBigUint64(0, 2n ** 60n, true));
    await expectCode(() => decodeTrailer(offset, 72), 'payload_damaged');
  });
});
