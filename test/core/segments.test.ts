import { deflateSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeSegmentInflate } from '../../src/cli/segment-inflate.ts';
import { concatBytes, toHex, view } from '../../src/core/bytes.ts';
import {
  COMPRESSIBLE_RATIO,
  deflateLevel1,
  frameSegment,
  inflateBounded,
  looksCompressible,
  SAMPLE_SIZE,
  SEGMENT_SIZE,
  SegmentDecoder,
  type SegmentInflater,
} from '../../src/core/segments.ts';
import { inflateNative } from '../../src/worker/inflate-native.ts';
import { bytesEqual, expectCode, noiseBytes, textBytes } from './helpers.ts';

const RAW = 0x8000_0000;

function encode(data: Uint8Array): Uint8Array {
  const framed: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += SEGMENT_SIZE) {
    const segment = data.subarray(offset, offset + SEGMENT_SIZE);
    framed.push(frameSegment(segment, deflateLevel1(segment)));
  }
  return concatBytes(framed);
}

function segment(word: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  view(out).setUint32(0, word, true);
  out.set(body, 4);
  return out;
}

/** Every inflater the code ships: the core's portable one, the CLI's and the app worker's. */
const INFLATERS: [string, SegmentInflater][] = [
  ['fflate (portable)', inflateBounded],
  ['node:zlib (CLI)', nodeSegmentInflate],
  ['DecompressionStream (app worker)', inflateNative],
];
let inflater: SegmentInflater = inflateBounded;

async function decode(stored: Uint8Array, size: number, pieceSize = stored.length || 1): Promise<Uint8Array> {
  const decoder = new SegmentDecoder('file.bin', size, inflater);
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < stored.length; offset += pieceSize) {
    out.push(...(await decoder.push(stored.subarray(offset, offset + pieceSize))));
  }
  out.push(...(await decoder.finish()));
  return concatBytes(out);
}

function segmentHeaders(stored: Uint8Array): { raw: boolean; length: number }[] {
  const out = [];
  for (let offset = 0; offset < stored.length; ) {
    const word = view(stored).getUint32(offset, true);
    const length = word % RAW;
    out.push({ raw: word >= RAW, length });
    offset += 4 + length;
  }
  return out;
}

describe('segment framing (spec 5.4)', () => {
  it('frames a compressible segment as raw DEFLATE (bit 31 clear)', () => {
    const data = textBytes(5000);
    const framed = frameSegment(data, deflateLevel1(data));
    const word = view(framed).getUint32(0, true);
    expect(word < RAW).toBe(true);
    expect(word).toBe(framed.length - 4);
    expect(word).toBeLessThan(data.length / 2);
  });

  it('stores a segment raw when DEFLATE does not make it smaller', () => {
    const data = noiseBytes(5000);
    const framed = frameSegment(data, deflateLevel1(data));
    expect(view(framed).getUint32(0, true)).toBe(RAW + 5000);
    expect(toHex(framed.subarray(4))).toBe(toHex(data));
    // Equal length is not smaller either.
    const same = frameSegment(data.subarray(0, 10), new Uint8Array(10));
    expect(view(same).getUint32(0, true)).toBe(RAW + 10);
  });

  it('cuts at 1 MiB of uncompressed data, the last segment holding the rest', () => {
    const data = textBytes(2 * SEGMENT_SIZE + 123);
    const headers = segmentHeaders(encode(data));
    expect(headers).toHaveLength(3);
    expect(headers.every((h) => !h.raw && h.length <= SEGMENT_SIZE)).toBe(true);
  });
});

describe('looksCompressible (spec 5.5)', () => {
  it('says yes for text, no for random bytes and for nothing', () => {
    expect(looksCompressible(textBytes(SAMPLE_SIZE))).toBe(true);
    expect(looksCompressible(noiseBytes(SAMPLE_SIZE))).toBe(false);
    expect(looksCompressible(new Uint8Array(0))).toBe(false);
    expect(looksCompressible(new Uint8Array(1000))).toBe(true);
  });

  it('needs at least a 10% saving', () => {
    expect(COMPRESSIBLE_RATIO).toBe(0.9);
    // Half noise and half zeros shrinks by about half; 95% noise does not reach 10%.
    expect(looksCompressible(concatBytes([noiseBytes(32768), new Uint8Array(32768)]))).toBe(true);
    expect(looksCompressible(concatBytes([noiseBytes(62000), new Uint8Array(3536)]))).toBe(false);
  });
});

describe.each(INFLATERS)('with %s', (_name, inflate) => {
  beforeEach(() => {
    inflater = inflate;
  });
  afterEach(() => {
    inflater = inflateBounded;
  });

  describe('SegmentDecoder round trips', () => {
    const cases: [string, Uint8Array][] = [
      ['1 byte', new Uint8Array([42])],
      ['short text', textBytes(100)],
      ['exactly 1 MiB of text', textBytes(SEGMENT_SIZE)],
      ['1 MiB + 1 of text', textBytes(SEGMENT_SIZE + 1)],
      ['2.5 MiB of text', textBytes(2.5 * SEGMENT_SIZE)],
      ['noise (raw segments)', noiseBytes(SEGMENT_SIZE + 5000)],
      ['text then noise (mixed segments)', concatBytes([textBytes(SEGMENT_SIZE), noiseBytes(SEGMENT_SIZE / 2)])],
      ['zeros', new Uint8Array(3 * SEGMENT_SIZE)],
    ];
    for (const [name, data] of cases) {
      it(`decodes ${name}`, async () => {
        const stored = encode(data);
        expect(bytesEqual(await decode(stored, data.length), data)).toBe(true);
      });
    }

    it('decodes when fed one byte at a time and in odd pieces', async () => {
      const data = textBytes(3000);
      const stored = encode(data);
      for (const size of [1, 3, 4, 5, 997]) expect(toHex(await decode(stored, data.length, size))).toBe(toHex(data));
      const big = concatBytes([textBytes(SEGMENT_SIZE), noiseBytes(1000)]);
      const storedBig = encode(big);
      expect(segmentHeaders(storedBig).map((h) => h.raw)).toEqual([false, true]);
      expect(bytesEqual(await decode(storedBig, big.length, 65537), big)).toBe(true);
    });
  });

  describe('SegmentDecoder refuses damaged or hostile data (payload_damaged)', () => {
    it('a DEFLATE bomb: a segment inflating to more than its size', async () => {
      // 16 MiB of zeros in ~16 KiB of DEFLATE, declared as a 1 MiB file.
      const bomb = deflateSync(new Uint8Array(16 * SEGMENT_SIZE), { level: 9 });
      expect(bomb.length).toBeLessThan(SEGMENT_SIZE);
      await expectCode(() => decode(segment(bomb.length, bomb), SEGMENT_SIZE), 'payload_damaged');
      // Declared as a 2 MiB file: the first segment already over-inflates.
      await expectCode(() => decode(segment(bomb.length, bomb), 2 * SEGMENT_SIZE), 'payload_damaged');
      // A tiny bomb for a tiny file.
      const small = deflateSync(new Uint8Array(101));
      await expectCode(() => decode(segment(small.length, small), 100), 'payload_damaged');
    });

    it('stops inflating once the output passes the segment size (regression)', async () => {
      // 16 MiB of zeros, then the stream is cut: a decoder that inflated everything would reach
      // the cut and report "does not decompress"; one that stops near the limit never sees it.
      const full = deflateSync(new Uint8Array(16 * SEGMENT_SIZE), { level: 9 });
      const cut = full.subarray(0, full.length - 64);
      const error = await expectCode(() => decode(segment(cut.length, cut), SEGMENT_SIZE), 'payload_damaged');
      expect(error.message).toMatch(/wrong size/);
    });

    it('a segment inflating to less than its size', async () => {
      const short = deflateSync(textBytes(999));
      await expectCode(() => decode(segment(short.length, short), 1000), 'payload_damaged');
      // A full-size first segment that inflates short, in a two-segment file.
      const half = deflateSync(textBytes(SEGMENT_SIZE - 1));
      const rest = textBytes(10);
      const stored = concatBytes([segment(half.length, half), segment(RAW + 10, rest)]);
      await expectCode(() => decode(stored, SEGMENT_SIZE + 10), 'payload_damaged');
    });

    it('a raw segment whose length differs from the segment size', async () => {
      const data = noiseBytes(100);
      await expectCode(() => decode(segment(RAW + 99, data.subarray(0, 99)), 100), 'payload_damaged');
      await expectCode(() => decode(segment(RAW + 100, data), 99), 'payload_damaged');
      // Last segment of a 1.5 MiB file must be exactly 0.5 MiB when raw.
      const first = noiseBytes(SEGMENT_SIZE);
      const second = noiseBytes(SEGMENT_SIZE / 2 + 1, 9);
      const stored = concatBytes([segment(RAW + SEGMENT_SIZE, first), segment(RAW + second.length, second)]);
      await expectCode(() => decode(stored, SEGMENT_SIZE * 1.5), 'payload_damaged');
    });

    it('a zero-length or over-long segment', async () => {
      await expectCode(() => decode(segment(0, new Uint8Array(0)), 10), 'payload_damaged');
      await expectCode(() => decode(segment(RAW, new Uint8Array(0)), 10), 'payload_damaged');
      const header = new Uint8Array(4);
      view(header).setUint32(0, SEGMENT_SIZE + 1, true);
      await expectCode(() => new SegmentDecoder('f', 2 * SEGMENT_SIZE).push(header), 'payload_damaged');
      view(header).setUint32(0, RAW + SEGMENT_SIZE + 1, true);
      await expectCode(() => new SegmentDecoder('f', 2 * SEGMENT_SIZE).push(header), 'payload_damaged');
      view(header).setUint32(0, 0x7fffffff, true);
      await expectCode(() => new SegmentDecoder('f', 2 * SEGMENT_SIZE).push(header), 'payload_damaged');
    });

    it('a segment after the file is complete', async () => {
      const data = textBytes(500);
      const stored = encode(data);
      await expectCode(() => decode(concatBytes([stored, stored]), 500), 'payload_damaged');
      await expectCode(() => decode(concatBytes([stored, new Uint8Array(4)]), 500), 'payload_damaged');
    });

    it('data that ends early (finish checks the end)', async () => {
      const data = textBytes(SEGMENT_SIZE + 500);
      const stored = encode(data);
      const firstLength = segmentHeaders(stored)[0].length;
      for (const cut of [0, 2, 4, 10, 4 + firstLength, 4 + firstLength + 3, stored.length - 1]) {
        await expectCode(() => decode(stored.subarray(0, cut), data.length), 'payload_damaged');
      }
      await expectCode(() => new SegmentDecoder('f', 1).finish(), 'payload_damaged');
      await expect(new SegmentDecoder('f', 0).finish()).resolves.toEqual([]);
    });

    it('a corrupt DEFLATE stream', async () => {
      const good = deflateSync(textBytes(5000));
      const bad = good.slice();
      bad[0] = 0xff; // BTYPE 11 is reserved
      await expectCode(() => decode(segment(bad.length, bad), 5000), 'payload_damaged');
      const cut = good.subarray(0, good.length - 10);
      await expectCode(() => decode(segment(cut.length, cut), 5000), 'payload_damaged');
    });

    it('names the file in its message', async () => {
      const error = await expectCode(() => new SegmentDecoder('dir/name.txt', 1).finish(), 'payload_damaged');
      expect(error.message).toContain('dir/name.txt');
    });
  });
});
