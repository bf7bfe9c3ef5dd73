/**
 * Issue 15: small segments are inflated in one call in the app worker. Whatever a segment holds,
 * that one-shot inflater must decide exactly as the portable bounded one does (spec 5.4).
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { inflateBounded } from '../../src/core/segments.ts';
import { inflateNative, inflateSmall } from '../../src/worker/inflate-native.ts';

const text = new TextEncoder().encode('the quick brown fox jumps over the lazy dog, again and again. '.repeat(300));

function cases(): [string, Uint8Array, number][] {
  const plain = text.subarray(0, 5000);
  const body = deflateSync(plain, { level: 1 });
  const bomb = deflateSync(new Uint8Array(60_000), { level: 9 });
  const noise = new Uint8Array(3000).map((_, i) => (i * 2654435761) >>> 24);
  return [
    ['a valid segment', body, plain.length],
    ['a stored (level 0) segment', deflateSync(plain, { level: 0 }), plain.length],
    ['a stray byte after the end', new Uint8Array([...body, 0]), plain.length],
    ['its last byte missing', body.subarray(0, body.length - 1), plain.length],
    ['more output than the entry size', body, plain.length - 1],
    ['less output than the entry size', body, plain.length + 1],
    ['zeros that expand far past the size', bomb, 1000],
    ['noise', noise, 4000],
    ['an empty body for an empty segment', new Uint8Array(0), 0],
    ['an empty body for a non-empty segment', new Uint8Array(0), 10],
  ];
}

function refusalOrBytes(inflate: () => Uint8Array | undefined): Uint8Array | undefined {
  try {
    return inflate();
  } catch {
    return undefined;
  }
}

describe('one-shot inflate of small segments', () => {
  for (const [name, body, expected] of cases()) {
    it(`decides as the bounded inflater does: ${name}`, async () => {
      // The bounded inflater throws on some damage; the decoder treats a throw as a refusal.
      const want = refusalOrBytes(() => inflateBounded(body, expected));
      const got = inflateSmall(body, expected);
      expect(got === undefined).toBe(want === undefined);
      if (want && got) expect(Buffer.from(got).equals(want)).toBe(true);
      // The worker's entry point takes this path for small segments.
      const viaWorker = await inflateNative(body, expected);
      expect(viaWorker === undefined).toBe(want === undefined);
    });
  }

  it('accepts a valid segment and refuses the same segment with a stray byte', () => {
    const plain = text.subarray(0, 2000);
    const body = deflateSync(plain, { level: 1 });
    expect(Buffer.from(inflateSmall(body, plain.length) ?? []).equals(plain)).toBe(true);
    expect(inflateSmall(new Uint8Array([...body, 7]), plain.length)).toBeUndefined();
  });
});
