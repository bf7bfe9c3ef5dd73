import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  constantTimeEqual,
  decodeUtf8,
  fromHex,
  readI64,
  readU64,
  toHex,
  utf8,
  view,
  writeI64,
  writeU64,
} from '../../src/core/bytes.ts';
import { CofferError, isCofferError, throwIfAborted } from '../../src/core/errors.ts';
import { iterateBytes, toReadableStream } from '../../src/core/iter.ts';
import { expectCode } from './helpers.ts';

describe('bytes', () => {
  it('reads and writes 64-bit integers little-endian, refusing values JS cannot hold exactly', () => {
    const bytes = new Uint8Array(8);
    const dv = view(bytes);
    writeU64(dv, 0, 0x0102030405);
    expect(toHex(bytes)).toBe('0504030201000000');
    expect(readU64(dv, 0)).toBe(0x0102030405);
    writeU64(dv, 0, Number.MAX_SAFE_INTEGER);
    expect(readU64(dv, 0)).toBe(Number.MAX_SAFE_INTEGER);
    dv.setBigUint64(0, 2n ** 53n, true);
    expect(readU64(dv, 0)).toBeUndefined();
    writeI64(dv, 0, -2);
    expect(toHex(bytes)).toBe('feffffffffffffff');
    expect(readI64(dv, 0)).toBe(-2);
    dv.setBigInt64(0, -(2n ** 53n), true);
    expect(readI64(dv, 0)).toBeUndefined();
    dv.setBigInt64(0, 2n ** 53n, true);
    expect(readI64(dv, 0)).toBeUndefined();
  });

  it('view respects the byte offset of a subarray', () => {
    const backing = new Uint8Array([9, 9, 1, 0, 0, 0]);
    expect(view(backing.subarray(2)).getUint32(0, true)).toBe(1);
  });

  it('decodes strict UTF-8 only', () => {
    expect(decodeUtf8(utf8('héllo 😀'))).toBe('héllo 😀');
    expect(decodeUtf8(new Uint8Array([0xff]))).toBeUndefined();
    expect(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBeUndefined(); // a surrogate
    expect(decodeUtf8(new Uint8Array([0xc0, 0x80]))).toBeUndefined(); // overlong NUL
  });

  it('hex, concatenation and constant-time comparison', () => {
    expect(toHex(fromHex('00ff10AB'))).toBe('00ff10ab');
    expect(() => fromHex('abc')).toThrow();
    expect(() => fromHex('zz')).toThrow();
    expect(toHex(concatBytes([fromHex('01'), new Uint8Array(0), fromHex('0203')]))).toBe('010203');
    expect(constantTimeEqual(fromHex('0102'), fromHex('0102'))).toBe(true);
    expect(constantTimeEqual(fromHex('0102'), fromHex('0103'))).toBe(false);
    expect(constantTimeEqual(fromHex('0102'), fromHex('01'))).toBe(false);
  });
});

describe('errors', () => {
  it('CofferError carries a code and is recognisable', async () => {
    const error = new CofferError('truncated', 'cut');
    expect(isCofferError(error)).toBe(true);
    expect(isCofferError(new Error('x'))).toBe(false);
    expect(error.name).toBe('CofferError');
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
    const controller = new AbortController();
    controller.abort();
    await expectCode(() => throwIfAborted(controller.signal), 'cancelled');
  });
});

describe('iter', () => {
  it('iterates ReadableStreams (skipping empty pieces), iterables and async iterables', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(utf8('a'));
        controller.enqueue(new Uint8Array(0));
        controller.enqueue(utf8('b'));
        controller.close();
      },
    });
    const fromStream: string[] = [];
    for await (const piece of iterateBytes(stream)) fromStream.push(new TextDecoder().decode(piece));
    expect(fromStream).toEqual(['a', 'b']);
    const fromArray: number[] = [];
    for await (const piece of iterateBytes([utf8('xy'), utf8('z')])) fromArray.push(piece.length);
    expect(fromArray).toEqual([2, 1]);
  });

  it('cancels a ReadableStream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(utf8('more'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _piece of iterateBytes(stream)) break;
    expect(cancelled).toBe(true);
  });

  it('toReadableStream pulls only on demand and closes the generator on cancel', async () => {
    let produced = 0;
    let finished = false;
    async function* generator() {
      try {
        for (;;) {
          produced++;
          yield utf8('x');
        }
      } finally {
        finished = true;
      }
    }
    const stream = toReadableStream(generator());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(produced).toBe(0);
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    expect(produced).toBe(2);
    await reader.cancel();
    expect(finished).toBe(true);
  });

  it('toReadableStream passes a generator error to the reader', async () => {
    async function* failing() {
      yield utf8('ok');
      throw new CofferError('payload_damaged', 'bad');
    }
    const reader = toReadableStream(failing()).getReader();
    await reader.read();
    await expectCode(reader.read(), 'payload_damaged');
  });
});
