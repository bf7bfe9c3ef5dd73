import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../src/core/bytes.ts';
import { importAesKey, randomBytes, seal } from '../../src/core/crypto.ts';
import { rechunk } from '../../src/core/iter.ts';
import { chunkIv, cutChunks, IN_FLIGHT, MAX_CHUNKS, openChunk, openStream, sealChunks } from '../../src/core/stream.ts';
import { collect, expectCode, noiseBytes } from './helpers.ts';

const C = 1024;
const SEALED = C + 16;

async function newKey(): Promise<CryptoKey> {
  return importAesKey(randomBytes(32));
}

/** Feeds `bytes` in pieces whose sizes cycle through `sizes`. */
function* pieces(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = sizes[i++ % sizes.length];
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function sealedChunks(key: CryptoKey, plaintext: Uint8Array, chunkSize = C): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of sealChunks(key, cutChunks([plaintext], chunkSize))) out.push(chunk);
  return out;
}

async function openAll(key: CryptoKey, ciphertext: Uint8Array, pieceSizes: number[] = [ciphertext.length || 1]) {
  return collect(openStream(key, pieces(ciphertext, pieceSizes), C));
}

describe('chunkIv (spec 4.1)', () => {
  it('is an 11-byte big-endian counter followed by the final flag', () => {
    expect(toHex(chunkIv(0, false))).toBe('000000000000000000000000');
    expect(toHex(chunkIv(0, true))).toBe('000000000000000000000001');
    expect(toHex(chunkIv(1, false))).toBe('000000000000000000000100');
    expect(toHex(chunkIv(0x0102, true))).toBe('000000000000000000010201');
    expect(toHex(chunkIv(0xdeadbeef, false))).toBe('00000000000000deadbeef00');
    expect(toHex(chunkIv(2 ** 32, false))).toBe('000000000000010000000000');
    expect(toHex(chunkIv(0x123456789abc, true))).toBe('0000000000123456789abc01');
    expect(toHex(chunkIv(2 ** 48 - 1, true))).toBe('0000000000ffffffffffff01');
  });

  it('matches u88_be(i) || flag for random counters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.boolean(), (index, final) => {
        const expected = `${index.toString(16).padStart(22, '0')}${final ? '01' : '00'}`;
        expect(toHex(chunkIv(index, final))).toBe(expected);
      }),
    );
  });

  it('refuses a counter of 2^48 or more, negative or fractional as limit_exceeded', async () => {
    for (const index of [2 ** 48, 2 ** 48 + 1, 2 ** 52, -1, 1.5, Number.NaN]) {
      await expectCode(() => chunkIv(index, false), 'limit_exceeded');
    }
  });
});

describe('cutChunks', () => {
  async function sizes(length: number, pieceSizes: number[]) {
    const data = noiseBytes(length, length);
    const chunks = [];
    // A chunk is valid until the next is pulled (its buffer is reused), so keep a copy.
    for await (const chunk of cutChunks(pieces(data, pieceSizes), C))
      chunks.push({ ...chunk, bytes: chunk.bytes.slice() });
    expect(toHex(concatBytes(chunks.map((c) => c.bytes)))).toBe(toHex(data));
    expect(chunks.map((c) => c.final)).toEqual(chunks.map((_, i) => i === chunks.length - 1));
    return chunks.map((c) => c.bytes.length);
  }

  it('cuts exact chunk sizes; only the last may be short, and never empty', async () => {
    for (const pieceSizes of [[1], [7, 3, 1000], [C], [C + 1], [3 * C], [13, 2049, 1]]) {
      expect(await sizes(1, pieceSizes)).toEqual([1]);
      expect(await sizes(C - 1, pieceSizes)).toEqual([C - 1]);
      expect(await sizes(C, pieceSizes)).toEqual([C]);
      expect(await sizes(C + 1, pieceSizes)).toEqual([C, 1]);
      expect(await sizes(3 * C, pieceSizes)).toEqual([C, C, C]);
      expect(await sizes(3 * C + 5, pieceSizes)).toEqual([C, C, C, 5]);
    }
  });

  it('handles empty pieces in the input', async () => {
    const data = noiseBytes(2 * C);
    const input = [new Uint8Array(0), data.subarray(0, C), new Uint8Array(0), data.subarray(C), new Uint8Array(0)];
    const chunks = [];
    for await (const chunk of cutChunks(input, C)) chunks.push(chunk);
    expect(chunks.map((c) => [c.bytes.length, c.final])).toEqual([
      [C, false],
      [C, true],
    ]);
  });

  it('reuses at most three buffers however long the input, so a stream allocates no fresh memory per chunk', async () => {
    const buffers = new Set<ArrayBufferLike>();
    for await (const chunk of cutChunks(pieces(noiseBytes(40 * C + 3), [777]), C)) buffers.add(chunk.bytes.buffer);
    expect(buffers.size).toBeLessThanOrEqual(3);
  });

  it('refuses an empty payload', async () => {
    await expectCode(cutChunks([], C).next(), 'invalid_input');
    await expectCode(cutChunks([new Uint8Array(0)], C).next(), 'invalid_input');
  });
});

describe('sealChunks / openStream round trip', () => {
  it('produces C + 16 bytes per chunk and the spec layout', async () => {
    const key = await newKey();
    const data = noiseBytes(2 * C + 100);
    const chunks = await sealedChunks(key, data);
    expect(chunks.map((c) => c.length)).toEqual([SEALED, SEALED, 116]);
    // Each chunk is Seal(payloadKey, iv_i, chunk_i) with no AAD.
    for (let i = 0; i < chunks.length; i++) {
      const expected = await seal(key, chunkIv(i, i === chunks.length - 1), data.subarray(i * C, (i + 1) * C));
      expect(toHex(chunks[i])).toBe(toHex(expected));
    }
  });

  it('round-trips when fed one byte at a time', async () => {
    const key = await newKey();
    const data = noiseBytes(3 * C + 17);
    const ciphertext = concatBytes(await sealedChunks(key, data));
    expect(toHex(await openAll(key, ciphertext, [1]))).toBe(toHex(data));
  });

  it('round-trips for random lengths and random piece sizes (property)', async () => {
    const key = await newKey();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 * C }),
        fc.array(fc.integer({ min: 1, max: 3 * SEALED }), { minLength: 1, maxLength: 8 }),
        async (length, pieceSizes) => {
          const data = noiseBytes(length, length);
          const ciphertext = concatBytes(await sealedChunks(key, data));
          expect(ciphertext.length).toBe(length + Math.ceil(length / C) * 16);
          expect(toHex(await openAll(key, ciphertext, pieceSizes))).toBe(toHex(data));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads a ReadableStream source', async () => {
    const key = await newKey();
    const data = noiseBytes(5 * C);
    const ciphertext = concatBytes(await sealedChunks(key, data));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces(ciphertext, [333])) controller.enqueue(piece);
        controller.close();
      },
    });
    expect(toHex(await collect(openStream(key, stream, C)))).toBe(toHex(data));
  });

  it('sealChunks starting near 2^48 stops with limit_exceeded at the limit', async () => {
    const key = await newKey();
    const data = noiseBytes(2 * C);
    const out: Uint8Array[] = [];
    await expectCode(
      (async () => {
        for await (const chunk of sealChunks(key, cutChunks([data], C), MAX_CHUNKS - 1)) out.push(chunk);
      })(),
      'limit_exceeded',
    );
    expect(out.length).toBeLessThan(2);
    // The last allowed index still works, and opens at that index.
    const last = [];
    for await (const chunk of sealChunks(key, cutChunks([data.subarray(0, 10)], C), MAX_CHUNKS - 1)) last.push(chunk);
    expect(await openChunk(key, MAX_CHUNKS - 1, true, last[0])).toEqual(data.subarray(0, 10));
  });

  it('openChunk refuses an index of 2^48 as limit_exceeded', async () => {
    const key = await newKey();
    const sealed = await seal(key, chunkIv(0, true), new Uint8Array(5));
    await expectCode(openChunk(key, MAX_CHUNKS, true, sealed), 'limit_exceeded');
    await expectCode(openChunk(key, MAX_CHUNKS, false, sealed), 'limit_exceeded');
  });
});

describe('STREAM attacks (spec 4.2)', () => {
  let key: CryptoKey;
  let data: Uint8Array;
  let chunks: Uint8Array[];
  beforeEach(async () => {
    key = await newKey();
    data = noiseBytes(5 * C + 300, 3);
    chunks = await sealedChunks(key, data); // 6 chunks, the last one 316 bytes
    expect(chunks).toHaveLength(6);
  });

  const open = (parts: Uint8Array[], pieceSizes?: number[]) => openAll(key, concatBytes(parts), pieceSizes);

  it('untouched, it opens', async () => {
    expect(toHex(await open(chunks))).toBe(toHex(data));
  });

  it('truncation at a chunk boundary is truncated', async () => {
    for (let keep = 1; keep < chunks.length; keep++) {
      await expectCode(open(chunks.slice(0, keep)), 'truncated');
      await expectCode(open(chunks.slice(0, keep), [1]), 'truncated');
    }
  });

  it('truncation inside a chunk is payload_damaged (17 or more bytes left of the last chunk)', async () => {
    const whole = concatBytes(chunks);
    for (const cut of [17, 100, SEALED - 1, SEALED + 17, 3 * SEALED + 500, whole.length - 1, whole.length - 299]) {
      await expectCode(openAll(key, whole.subarray(0, cut)), 'payload_damaged');
    }
  });

  it('a last chunk shorter than 17 bytes is truncated (spec 4.2)', async () => {
    const whole = concatBytes(chunks);
    for (const cut of [1, 16, SEALED + 1, SEALED + 16, 2 * SEALED + 3]) {
      await expectCode(openAll(key, whole.subarray(0, cut)), 'truncated');
    }
  });

  it('no input at all is truncated', async () => {
    await expectCode(collect(openStream(key, [], C)), 'truncated');
  });

  it('reordered chunks are payload_damaged', async () => {
    await expectCode(open([chunks[1], chunks[0], ...chunks.slice(2)]), 'payload_damaged');
    await expectCode(open([...chunks.slice(0, 3), chunks[4], chunks[3], chunks[5]]), 'payload_damaged');
  });

  it('a dropped chunk is payload_damaged', async () => {
    for (let drop = 0; drop < chunks.length - 1; drop++) {
      await expectCode(open(chunks.filter((_, i) => i !== drop)), 'payload_damaged');
    }
  });

  it('a duplicated chunk is payload_damaged', async () => {
    for (let dup = 0; dup < chunks.length - 1; dup++) {
      const parts = [...chunks.slice(0, dup + 1), chunks[dup], ...chunks.slice(dup + 1)];
      await expectCode(open(parts), 'payload_damaged');
    }
  });

  it('a chunk spliced from another stream (another key) is payload_damaged', async () => {
    const otherKey = await newKey();
    const other = await sealedChunks(otherKey, noiseBytes(5 * C + 300, 4));
    for (let i = 0; i < chunks.length; i++) {
      const parts = chunks.slice();
      parts[i] = other[i];
      await expectCode(open(parts), 'payload_damaged');
    }
    // Even with the same plaintext at the same position.
    const same = await sealedChunks(otherKey, data);
    await expectCode(open([chunks[0], same[1], ...chunks.slice(2)]), 'payload_damaged');
  });

  it('an extra final chunk after the real final chunk is payload_damaged', async () => {
    const extra = await seal(key, chunkIv(chunks.length, true), new Uint8Array(10));
    await expectCode(open([...chunks, extra]), 'payload_damaged');
  });

  it('a chunk flagged final at a non-final position is payload_damaged', async () => {
    const early = await seal(key, chunkIv(2, true), data.subarray(2 * C, 3 * C));
    await expectCode(open([...chunks.slice(0, 2), early, ...chunks.slice(3)]), 'payload_damaged');
  });

  it('a final chunk replayed one position later is payload_damaged', async () => {
    const exact = await sealedChunks(key, noiseBytes(3 * C));
    const asMiddle = await seal(key, chunkIv(2, false), noiseBytes(3 * C).subarray(2 * C));
    await expectCode(open([...exact.slice(0, 2), asMiddle, exact[2]]), 'payload_damaged');
  });

  it('trailing bytes after the final chunk are payload_damaged', async () => {
    for (const trailing of [1, 16, 17, 40, SEALED]) {
      await expectCode(open([...chunks, randomBytes(trailing)]), 'payload_damaged');
    }
    // A full-size final chunk followed by a few bytes: the final chunk is then read as a
    // middle chunk, which fails before the short tail is looked at.
    const exact = await sealedChunks(key, noiseBytes(2 * C));
    for (const trailing of [1, 5, 16, 17, 100]) {
      await expectCode(open([...exact, randomBytes(trailing)]), 'payload_damaged');
    }
  });

  it('any flipped bit is payload_damaged', async () => {
    const whole = concatBytes(chunks);
    for (const position of [0, 11, SEALED - 1, SEALED, 2 * SEALED + 700, whole.length - 17, whole.length - 1]) {
      const bad = whole.slice();
      bad[position] ^= 0x04;
      await expectCode(openAll(key, bad), 'payload_damaged');
    }
  });

  it('releases no plaintext of a chunk before its tag verifies', async () => {
    const bad = chunks.slice();
    bad[3] = bad[3].slice();
    bad[3][5] ^= 1;
    const released: Uint8Array[] = [];
    await expectCode(
      (async () => {
        for await (const piece of openStream(key, pieces(concatBytes(bad), [1]), C)) released.push(piece);
      })(),
      'payload_damaged',
    );
    expect(released).toHaveLength(3);
    expect(toHex(concatBytes(released))).toBe(toHex(data.subarray(0, 3 * C)));
  });

  it('honours an abort signal while reading', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectCode(collect(openStream(key, pieces(concatBytes(chunks), [100]), C, controller.signal)), 'cancelled');
  });
});

describe('no unhandled rejections when an early chunk fails', () => {
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', listener);
  });
  afterEach(() => {
    process.off('unhandledRejection', listener);
  });

  it('chunk 0 fails while later (also failing) chunks are in flight', async () => {
    const key = await newKey();
    const chunks = await sealedChunks(key, noiseBytes(12 * C));
    const wrongKey = await newKey();
    // Every chunk fails under the wrong key, so every in-flight open rejects.
    await expectCode(collect(openStream(wrongKey, [concatBytes(chunks)], C)), 'payload_damaged');
    // Corrupt chunk 0 only, with the right key and everything delivered at once.
    const bad = concatBytes(chunks);
    bad[3] ^= 1;
    await expectCode(collect(openStream(key, [bad], C)), 'payload_damaged');
    // The consumer stops early after chunk 0 while the rest are in flight.
    const early = openStream(wrongKey, [concatBytes(chunks)], C);
    await expectCode(early.next(), 'payload_damaged');
    await early.return(undefined);
    expect(IN_FLIGHT).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });

  it('a consumer that stops reading early leaves nothing unhandled', async () => {
    const key = await newKey();
    const chunks = await sealedChunks(key, noiseBytes(12 * C));
    const bad: Uint8Array[] = chunks.map((c) => {
      const copy = c.slice();
      copy[0] ^= 1;
      return copy;
    });
    bad[0] = chunks[0];
    const stream = openStream(key, [concatBytes(bad)], C);
    const first = await stream.next();
    expect(first.done).toBe(false);
    await stream.return(undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });
});

describe('rechunk', () => {
  it('re-cuts into pieces of at most the given size', async () => {
    const data = noiseBytes(1000);
    const out: number[] = [];
    for await (const piece of rechunk([data.subarray(0, 300), data.subarray(300)], 128)) out.push(piece.length);
    expect(out).toEqual([128, 128, 44, 128, 128, 128, 128, 128, 60]);
  });
});
