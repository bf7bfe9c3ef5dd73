/**
 * Just enough protobuf to read WhatsApp backup headers: varints and the four wire types that
 * carry no groups. Every length is checked against the bytes that are really there, unknown
 * fields are kept (and so skipped by whoever looks for known ones), and nothing relies on a
 * field being at a fixed offset.
 */

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export type WireType = 0 | 1 | 2 | 5;

export interface ProtoField {
  field: number;
  wire: WireType;
  /** Wire type 0 only. Values beyond 2^53 lose precision; header fields never need them. */
  varint?: number;
  /** Wire types 1, 2 and 5: the raw bytes (a view into the input, not a copy). */
  bytes?: Uint8Array;
}

const MAX_VARINT_BYTES = 10;

/** Reads a varint at `offset`, never past `end`; returns the value and the offset after it. */
export function readVarint(bytes: Uint8Array, offset: number, end = bytes.length): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const position = offset + i;
    if (position >= end) throw new ProtobufError('a varint runs past the end of the data');
    const byte = bytes[position];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, position + 1];
  }
  throw new ProtobufError('a varint is longer than 10 bytes');
}

export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('varint out of range');
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/** Splits a message into its fields, in order; throws ProtobufError on anything malformed. */
export function parseMessage(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let offset = 0;
  const end = bytes.length;
  while (offset < end) {
    const [key, afterKey] = readVarint(bytes, offset, end);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field < 1 || field > 0x1fffffff) throw new ProtobufError(`invalid field number ${field}`);
    offset = afterKey;
    switch (wire) {
      case 0: {
        const [value, next] = readVarint(bytes, offset, end);
        fields.push({ field, wire, varint: value });
        offset = next;
        break;
      }
      case 1:
      case 5: {
        const size = wire === 1 ? 8 : 4;
        if (offset + size > end) throw new ProtobufError(`field ${field} runs past the end of the data`);
        fields.push({ field, wire, bytes: bytes.subarray(offset, offset + size) });
        offset += size;
        break;
      }
      case 2: {
        const [length, start] = readVarint(bytes, offset, end);
        if (length > end - start) throw new ProtobufError(`field ${field} is longer than the data left`);
        fields.push({ field, wire, bytes: bytes.subarray(start, start + length) });
        offset = start + length;
        break;
      }
      default:
        throw new ProtobufError(`field ${field} has unsupported wire type ${wire}`);
    }
  }
  return fields;
}

/** The last occurrence of a field (protobuf's rule for repeated non-repeated fields). */
export function findField(fields: readonly ProtoField[], field: number, wire?: WireType): ProtoField | undefined {
  for (let i = fields.length - 1; i >= 0; i--) {
    if (fields[i].field === field && (wire === undefined || fields[i].wire === wire)) return fields[i];
  }
  return undefined;
}

/** A length-delimited field parsed as a nested message, or undefined if absent or not a message. */
export function findMessage(fields: readonly ProtoField[], field: number): ProtoField[] | undefined {
  const found = findField(fields, field, 2);
  if (!found?.bytes) return undefined;
  try {
    return parseMessage(found.bytes);
  } catch {
    return undefined;
  }
}

export function findBytes(fields: readonly ProtoField[], field: number): Uint8Array | undefined {
  return findField(fields, field, 2)?.bytes;
}

export function findString(fields: readonly ProtoField[], field: number): string | undefined {
  const bytes = findBytes(fields, field);
  if (!bytes) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Builders for tests and fixtures. */
export function encodeField(field: number, value: number | Uint8Array | string): Uint8Array {
  if (typeof value === 'number') return concat([encodeVarint(field * 8), encodeVarint(value)]);
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return concat([encodeVarint(field * 8 + 2), encodeVarint(bytes.length), bytes]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
