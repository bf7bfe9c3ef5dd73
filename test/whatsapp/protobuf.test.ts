import { describe, expect, it } from 'vitest';
import {
  encodeField,
  encodeVarint,
  findField,
  findMessage,
  findString,
  ProtobufError,
  parseMessage,
  readVarint,
} from '../../src/whatsapp/core/protobuf.ts';

describe('varints', () => {
  it('round-trip across byte boundaries', () => {
    for (const value of [0, 1, 127, 128, 129, 300, 16383, 16384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      const bytes = encodeVarint(value);
      expect(readVarint(bytes, 0)).toEqual([value, bytes.length]);
    }
    expect([...encodeVarint(129)]).toEqual([0x81, 0x01]);
  });

  it('refuse to run past the end, or past 10 bytes', () => {
    expect(() => readVarint(Uint8Array.of(0x80, 0x80), 0)).toThrow(ProtobufError);
    expect(() => readVarint(Uint8Array.of(0x81, 0x01), 0, 1)).toThrow(ProtobufError);
    expect(() => readVarint(new Uint8Array(11).fill(0x80), 0)).toThrow(/longer than 10/);
  });
});

describe('messages', () => {
  it('keep every wire type and skip nothing silently', () => {
    const fixed64 = Uint8Array.of((7 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8);
    const fixed32 = Uint8Array.of((8 << 3) | 5, 9, 9, 9, 9);
    const message = Uint8Array.from([
      ...encodeField(1, 1),
      ...fixed64,
      ...encodeField(3, encodeField(1, 'inner')),
      ...fixed32,
      ...encodeField(200, 'far field'),
    ]);
    const fields = parseMessage(message);
    expect(fields.map((f) => [f.field, f.wire])).toEqual([
      [1, 0],
      [7, 1],
      [3, 2],
      [8, 5],
      [200, 2],
    ]);
    expect(findField(fields, 1)?.varint).toBe(1);
    expect(findString(findMessage(fields, 3) ?? [], 1)).toBe('inner');
    expect(findString(fields, 200)).toBe('far field');
  });

  it('take the last of repeated fields, as protobuf does', () => {
    const fields = parseMessage(Uint8Array.from([...encodeField(2, 'first'), ...encodeField(2, 'second')]));
    expect(findString(fields, 2)).toBe('second');
  });

  it('reject lengths past the end, groups and field 0', () => {
    expect(() => parseMessage(Uint8Array.of(0x0a, 0x05, 1, 2))).toThrow(/longer than the data/);
    expect(() => parseMessage(Uint8Array.of((1 << 3) | 3))).toThrow(/wire type 3/);
    expect(() => parseMessage(Uint8Array.of(0x00, 0x01))).toThrow(/field number 0/);
    expect(() => parseMessage(Uint8Array.of((1 << 3) | 5, 1, 2))).toThrow(/past the end/);
  });

  it('report a nested field that is not a message as absent', () => {
    const fields = parseMessage(encodeField(3, Uint8Array.of(0xff, 0xff)));
    expect(findMessage(fields, 3)).toBeUndefined();
  });
});
