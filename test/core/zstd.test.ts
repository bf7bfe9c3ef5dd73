/**
 * Method 2, zstd segments (spec 5.6): the frame check that runs before any decoder, the
 * decoder's exact-length rule, the writer's default, and an independent check of the frozen
 * vectors with the reference `zstd` command (Debian's package, a different build of the library
 * than the WebAssembly one Coffer ships).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { VectorJson } from '../../spec/gen/vectors.ts';
import { handFrame } from '../../spec/gen/zstd-vectors.ts';
import { concatBytes, view } from '../../src/core/bytes.ts';
import { METHOD_ZSTD_SEGMENTS } from '../../src/core/index-codec.ts';
import { OpenedBackup } from '../../src/core/reader.ts';
import { INLINE_ZSTD_LIMIT, SEGMENT_SIZE, segmentDecoder } from '../../src/core/segments.ts';
import { bytesSource } from '../../src/core/source.ts';
import { checkZstdFrame, readZstdFrame, ZSTD_MAX_WINDOW, zstdCompress, zstdDecompress } from '../../src/core/zstd.ts';
import { bytesEqual, expectCode, makeBackup, noiseBytes, RECOVERY_KEY, textBytes } from './helpers.ts';

const DIR = fileURLToPath(new URL('../../spec/vectors/', import.meta.url));

function framed(body: Uint8Array, raw = false): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  view(out).setUint32(0, (raw ? 0x8000_0000 : 0) + body.length, true);
  out.set(body, 4);
  return out;
}

async function decode(stored: Uint8Array, size: number): Promise<Uint8Array> {
  const decoder = segmentDecoder('f.txt', size, METHOD_ZSTD_SEGMENTS);
  const out = [...(await decoder.push(stored)), ...(await decoder.finish())];
  return concatBytes(out);
}

describe('the zstd frame check (spec 5.6)', () => {
  it('accepts what the writer makes: one frame, declared size, window within a segment', async () => {
    for (const data of [textBytes(1), textBytes(5000), textBytes(SEGMENT_SIZE), noiseBytes(70000)]) {
      const frame = await zstdCompress(data);
      const info = readZstdFrame(frame);
      expect(typeof info).toBe('object');
      if (typeof info === 'string') continue;
      expect(info.contentSize).toBe(data.length);
      expect(info.windowSize).toBeLessThanOrEqual(ZSTD_MAX_WINDOW);
      expect(checkZstdFrame(frame, data.length)).toBeUndefined();
    }
  });

  it('refuses each fault with its reason, before decoding', () => {
    const data = textBytes(1000);
    const good = handFrame(data);
    expect(checkZstdFrame(good, 1000)).toBeUndefined();
    expect(checkZstdFrame(handFrame(data, { windowDescriptor: 0x50 }), 1000)).toBeUndefined();
    const cases: [Uint8Array, RegExp][] = [
      [handFrame(data, { windowDescriptor: 0x51 }), /window larger/],
      [handFrame(data, { windowDescriptor: 0x88 }), /window larger/],
      [handFrame(textBytes(2000)), /wrong decompressed size/],
      [handFrame(data, { declared: null, windowDescriptor: 0 }), /does not declare/],
      [handFrame(data, { dictionary: 7 }), /dictionary/],
      [concatBytes([good, new Uint8Array([1, 2, 3])]), /bytes after/],
      [concatBytes([handFrame(data.subarray(0, 500)), handFrame(data.subarray(500))]), /bytes after/],
      [good.subarray(0, good.length - 5), /ends inside a zstd block/],
      [good.subarray(0, 7), /too short|ends inside/],
      [new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]), /not a zstd frame/],
      [
        handFrame(data, { blockSize: 1000, windowDescriptor: 0x00 }).map((b, i) => (i === 4 ? b | 0x08 : b)),
        /reserved/,
      ],
    ];
    for (const [frame, reason] of cases) expect(checkZstdFrame(frame, 1000)).toMatch(reason);
    // A block larger than the window (here 1 KiB) is refused even though the frame is otherwise valid.
    expect(checkZstdFrame(handFrame(textBytes(2048), { windowDescriptor: 0x00, blockSize: 2048 }), 2048)).toMatch(
      /block larger/,
    );
  });

  it('decodes exactly the segment size; a frame that lies about its size is damaged', async () => {
    const data = textBytes(1000);
    expect(bytesEqual((await zstdDecompress(handFrame(data), 1000)) as Uint8Array, data)).toBe(true);
    // Declares 1000, holds 500: the decoder itself refuses.
    await expect(zstdDecompress(handFrame(data.subarray(0, 500), { declared: 1000 }), 1000)).rejects.toThrow();
    await expectCode(
      () => decode(framed(handFrame(data.subarray(0, 500), { declared: 1000 })), 1000),
      'payload_damaged',
    );
    await expectCode(() => decode(framed(handFrame(textBytes(2000))), 1000), 'payload_damaged');
  });

  it('decodes several segments with several in flight, in order', async () => {
    const data = concatBytes([textBytes(5 * SEGMENT_SIZE + 77), noiseBytes(SEGMENT_SIZE)]);
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; offset += SEGMENT_SIZE) {
      const piece = data.subarray(offset, offset + SEGMENT_SIZE);
      const compressed = await zstdCompress(piece);
      parts.push(compressed.length < piece.length ? framed(compressed) : framed(piece, true));
    }
    const stored = concatBytes(parts);
    const decoder = segmentDecoder('f', data.length, METHOD_ZSTD_SEGMENTS);
    const out: Uint8Array[] = [];
    for (let offset = 0; offset < stored.length; offset += 100_000) {
      out.push(...(await decoder.push(stored.subarray(offset, offset + 100_000))));
    }
    out.push(...(await decoder.finish()));
    expect(bytesEqual(concatBytes(out), data)).toBe(true);
  });
});

describe('which thread decodes a zstd segment', () => {
  it("decodes small segments itself and hands larger ones to the platform's decoder", async () => {
    const handed: number[] = [];
    const platform = async (body: Uint8Array, expected: number) => {
      handed.push(expected);
      return zstdDecompress(body, expected);
    };
    for (const size of [4000, INLINE_ZSTD_LIMIT, INLINE_ZSTD_LIMIT + 1, SEGMENT_SIZE + 5000]) {
      const data = textBytes(size);
      const parts: Uint8Array[] = [];
      for (let offset = 0; offset < size; offset += SEGMENT_SIZE) {
        parts.push(framed(await zstdCompress(data.subarray(offset, offset + SEGMENT_SIZE))));
      }
      const decoder = segmentDecoder('f', size, METHOD_ZSTD_SEGMENTS, { zstd: platform });
      const out = [...(await decoder.push(concatBytes(parts))), ...(await decoder.finish())];
      expect(bytesEqual(concatBytes(out), data)).toBe(true);
    }
    // Only segments above the limit went to the platform: the 65,537-byte file and the first
    // segment of the large one (its 5,000-byte tail decoded in line).
    expect(handed).toEqual([INLINE_ZSTD_LIMIT + 1, SEGMENT_SIZE]);
  });
});

describe('writers use zstd by default (spec 5.5)', () => {
  it('stores compressible files with method 2 and they round-trip; DEFLATE stays available', async () => {
    const data = textBytes(3 * SEGMENT_SIZE);
    for (const [compression, method] of [
      [undefined, 2],
      ['deflate', 1],
      ['zstd', 2],
    ] as const) {
      const bytes = await makeBackup(
        [
          { path: 'a.txt', type: 'file', data },
          { path: 'small.txt', type: 'file', data: textBytes(2000) },
        ],
        {
          compression,
        },
      );
      const opened = await OpenedBackup.open(bytesSource(bytes), { recoveryKey: RECOVERY_KEY });
      expect(opened.entries.map((e) => e.method)).toEqual([method, method]);
      const back = [];
      for await (const piece of opened.fileData(opened.entries[0])) back.push(piece);
      expect(bytesEqual(concatBytes(back), data)).toBe(true);
    }
  });
});

/** Every zstd segment of every success vector with method 2, decoded by the `zstd` command. */
describe('independent check: the zstd command decodes the vectors', () => {
  const names = readdirSync(DIR).filter((name) => name.startsWith('success-zstd-') && name.endsWith('.json'));

  it('covers the zstd success vectors', () => {
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(execFileSync('zstd', ['--version'], { encoding: 'utf8' })).toMatch(/Zstandard/);
  });

  it.each(names)('%s', async (name) => {
    const json = JSON.parse(readFileSync(`${DIR}${name}`, 'utf8')) as VectorJson;
    const bytes = new Uint8Array(readFileSync(`${DIR}${name.replace(/\.json$/, '.coffer')}`));
    const opened = await OpenedBackup.open(bytesSource(bytes), { passphrase: json.credentials.passphrase });
    let zstdSegments = 0;
    for (const [i, entry] of opened.entries.entries()) {
      expect(entry.method).toBe(METHOD_ZSTD_SEGMENTS);
      const stored = await opened.readPlaintext(entry.offset, entry.storedLength);
      const out: Uint8Array[] = [];
      for (let offset = 0; offset < stored.length; ) {
        const word = view(stored).getUint32(offset, true);
        const length = word % 0x8000_0000;
        const body = stored.subarray(offset + 4, offset + 4 + length);
        if (word >= 0x8000_0000) out.push(body);
        else {
          zstdSegments++;
          out.push(new Uint8Array(execFileSync('zstd', ['-d', '-c', '-q'], { input: body })));
        }
        offset += 4 + length;
      }
      const sha = createHash('sha256').update(concatBytes(out)).digest('hex');
      expect(sha).toBe(json.entries?.[i].sha256);
    }
    expect(zstdSegments).toBeGreaterThan(0);
  });
});
