/**
 * Methods 1 and 2, deflate and zstd segments (spec 5.4, 5.6): each 1 MiB of a file is an
 * independent raw DEFLATE stream or zstd frame (or stored raw when compression does not help),
 * behind a 4-byte length header.
 */
import { deflateSync, Inflate } from 'fflate';
import { concatBytes, view } from './bytes.ts';
import { CofferError } from './errors.ts';
import { METHOD_ZSTD_SEGMENTS } from './index-codec.ts';
import { checkZstdFrame, zstdDecompress } from './zstd.ts';

export const SEGMENT_SIZE = 2 ** 20;
export const SEGMENT_HEADER_LENGTH = 4;
const RAW_FLAG = 0x8000_0000;
export const SAMPLE_SIZE = 64 * 1024;
/** A sample must shrink by at least this much for the entry to be compressed at all. */
export const COMPRESSIBLE_RATIO = 0.9;
export const DEFLATE_LEVEL = 1;

export type SegmentCompressor = (segment: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export function deflateLevel1(segment: Uint8Array): Uint8Array {
  return deflateSync(segment, { level: DEFLATE_LEVEL });
}

export function looksCompressible(sample: Uint8Array): boolean {
  if (sample.length === 0) return false;
  return deflateLevel1(sample).length <= sample.length * COMPRESSIBLE_RATIO;
}

/** Frames one segment: DEFLATE output if it is smaller, otherwise the raw bytes. */
export function frameSegment(raw: Uint8Array, deflated: Uint8Array): Uint8Array {
  const useRaw = deflated.length >= raw.length;
  const body = useRaw ? raw : deflated;
  const header = new Uint8Array(SEGMENT_HEADER_LENGTH);
  view(header).setUint32(0, (useRaw ? RAW_FLAG : 0) + body.length, true);
  return concatBytes([header, body]);
}

/**
 * DEFLATE expands at most about 1032:1, so feeding the inflater a few KiB at a time and checking
 * after each step stops a hostile segment within a few MiB of output. (inflateSync with a fixed
 * output buffer drops the excess but still inflates all of it, up to 1 GiB per segment.)
 */
const INFLATE_FIRST_STEP = 4 * 1024;
const INFLATE_MAX_STEP = 16 * 1024;

/**
 * Inflates one raw DEFLATE segment: exactly `expected` bytes, or undefined when it yields more
 * or fewer; throws (or rejects) on data that is not DEFLATE. It MUST stop once the output passes
 * `expected` (spec 5.4). Platforms pass a faster one than fflate's streaming inflater, which on
 * a virtual machine with slow page faults ran at a quarter of the native inflater's speed.
 */
export type SegmentInflater = (
  body: Uint8Array,
  expected: number,
) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/** The portable inflater: fflate, fed a few KiB at a time so that it stops early. */
export function inflateBounded(body: Uint8Array, expected: number): Uint8Array | undefined {
  const out = new Uint8Array(expected);
  let produced = 0;
  let overflow = false;
  const inflater = new Inflate((data) => {
    if (overflow || produced + data.length > expected) {
      overflow = true;
      return;
    }
    out.set(data, produced);
    produced += data.length;
  });
  let step = INFLATE_FIRST_STEP;
  for (let offset = 0; offset < body.length && !overflow; ) {
    const end = Math.min(body.length, offset + step);
    inflater.push(body.subarray(offset, end), end === body.length);
    offset = end;
    step = Math.min(INFLATE_MAX_STEP, step * 2);
  }
  if (overflow || produced !== expected) return undefined;
  // Spec 5.4: the stream must end at the segment's last byte. fflate ignores bytes after the final
  // block, so check that the body without its last byte is incomplete: the final block's
  // end-of-block code always uses bits of the last byte of a stream that ends there.
  return body.length > 0 && decodesCompletely(body.subarray(0, body.length - 1), expected) ? undefined : out;
}

function decodesCompletely(body: Uint8Array, expected: number): boolean {
  let produced = 0;
  const inflater = new Inflate((data) => {
    produced += data.length;
  });
  try {
    inflater.push(body, true);
  } catch {
    return false;
  }
  return produced === expected;
}

function damaged(path: string, what: string): CofferError {
  return new CofferError('payload_damaged', `This backup's contents are damaged: ${JSON.stringify(path)} ${what}.`);
}

/** The segment decoders a reader uses; each defaults to the portable one. */
export interface SegmentCodecs {
  /** Method 1 (spec 5.4). */
  inflate?: SegmentInflater;
  /** Method 2 (spec 5.6); called only with a frame that `checkZstdFrame` accepted. */
  zstd?: SegmentInflater;
}

/**
 * zstd segments decoded at once: with a decoder that runs on other cores (a worker pool) the next
 * segments decode while the reader decrypts and writes. DEFLATE segments decode one at a time, as
 * before zstd: their decoders run in the reader's own thread, so several at once gain nothing.
 */
export const DECODE_IN_FLIGHT = 4;

/**
 * Decodes the stored bytes of a method-1 or method-2 entry, piece by piece. Output sizes are
 * enforced on the bytes the decoder actually produces, so a hostile segment cannot expand past
 * its 1 MiB.
 */
export class SegmentDecoder {
  private header = new Uint8Array(SEGMENT_HEADER_LENGTH);
  private headerFill = 0;
  private body: Uint8Array | undefined;
  private bodyFill = 0;
  private raw = false;
  /** Uncompressed bytes of the segments started so far. */
  private started = 0;
  private readonly inFlight: Promise<Uint8Array>[] = [];
  private readonly decode: SegmentInflater;
  private readonly zstd: boolean;

  constructor(
    private readonly path: string,
    private readonly size: number,
    decode: SegmentInflater = inflateBounded,
    method = 1,
  ) {
    this.zstd = method === METHOD_ZSTD_SEGMENTS;
    this.decode = decode;
  }

  /** Feeds stored bytes; returns the decoded pieces that are ready, in order. */
  async push(input: Uint8Array): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    let offset = 0;
    while (offset < input.length) {
      if (!this.body) {
        const take = Math.min(SEGMENT_HEADER_LENGTH - this.headerFill, input.length - offset);
        this.header.set(input.subarray(offset, offset + take), this.headerFill);
        this.headerFill += take;
        offset += take;
        if (this.headerFill === SEGMENT_HEADER_LENGTH) {
          const length = this.startSegment();
          if (input.length - offset >= length) {
            // The whole body is in this piece: decoded from where it lies, with no copy (the
            // reader hands out each decrypted piece fresh, as it does a stored entry's bytes).
            this.body = input.subarray(offset, offset + length);
            offset += length;
            await this.segmentDone(out);
          } else this.body = new Uint8Array(length);
        }
        continue;
      }
      const take = Math.min(this.body.length - this.bodyFill, input.length - offset);
      this.body.set(input.subarray(offset, offset + take), this.bodyFill);
      this.bodyFill += take;
      offset += take;
      if (this.bodyFill === this.body.length) await this.segmentDone(out);
    }
    return out;
  }

  /** The body is complete: its decoding starts, and the oldest ones beyond the in-flight bound are taken into `out`. */
  private async segmentDone(out: Uint8Array[]): Promise<void> {
    this.finishSegment();
    while (this.inFlight.length >= (this.zstd ? DECODE_IN_FLIGHT : 1))
      out.push(await (this.inFlight.shift() as Promise<Uint8Array>));
  }

  /**
   * Call after the last stored byte: returns the last decoded pieces and checks that the entry
   * ended exactly where it should.
   */
  async finish(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    while (this.inFlight.length > 0) out.push(await (this.inFlight.shift() as Promise<Uint8Array>));
    if (this.headerFill !== 0 || this.body || this.started !== this.size) {
      throw damaged(this.path, 'ends before all of its data');
    }
    return out;
  }

  private expectedLength(): number {
    return Math.min(SEGMENT_SIZE, this.size - this.started);
  }

  /** Checks the segment header just read; returns the length of the body that follows. */
  private startSegment(): number {
    // Read by hand: a DataView per segment showed in the profile of a .zip restore of small files.
    const h = this.header;
    const word = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
    this.raw = word >= RAW_FLAG;
    const length = word % RAW_FLAG;
    const expected = this.expectedLength();
    if (expected <= 0) throw damaged(this.path, 'has more data than its size');
    if (length === 0 || length > SEGMENT_SIZE || (this.raw && length !== expected)) {
      throw damaged(this.path, 'has a malformed compressed segment');
    }
    this.bodyFill = 0;
    return length;
  }

  private finishSegment(): void {
    const body = this.body as Uint8Array;
    const expected = this.expectedLength();
    this.body = undefined;
    this.headerFill = 0;
    this.started += expected;
    if (this.raw) {
      this.inFlight.push(Promise.resolve(body));
      return;
    }
    // Spec 5.6: the frame is checked before any decoder sees it.
    const refused = this.zstd ? checkZstdFrame(body, expected) : undefined;
    if (refused) throw damaged(this.path, `has a zstd segment that ${refused}`);
    const decoded = this.decodeSegment(body, expected);
    // Awaited in order later; this only keeps an early failure from going unhandled meanwhile.
    decoded.catch(() => {});
    this.inFlight.push(decoded);
  }

  private async decodeSegment(body: Uint8Array, expected: number): Promise<Uint8Array> {
    let decoded: Uint8Array | undefined;
    try {
      decoded = await this.decode(body, expected);
    } catch {
      throw damaged(this.path, 'has a compressed segment that does not decompress');
    }
    if (!decoded) throw damaged(this.path, 'decompresses to the wrong size');
    return decoded;
  }
}

/**
 * zstd segments that decode to at most this many bytes are decoded in the reader's own thread,
 * whatever decoder the platform passes: a hand-off to another core (a message each way) costs
 * more than decoding them, and in a folder of small files each file is such a segment, handed
 * off one at a time.
 */
export const INLINE_ZSTD_LIMIT = 64 * 1024;

function zstdDecoder(platform: SegmentInflater | undefined): SegmentInflater {
  if (!platform) return zstdDecompress;
  return (body, expected) =>
    expected <= INLINE_ZSTD_LIMIT ? zstdDecompress(body, expected) : platform(body, expected);
}

/** The decoder for an entry's method, from the ones a platform passes (or the portable ones). */
export function segmentDecoder(path: string, size: number, method: number, codecs: SegmentCodecs = {}): SegmentDecoder {
  const decode = method === METHOD_ZSTD_SEGMENTS ? zstdDecoder(codecs.zstd) : (codecs.inflate ?? inflateBounded);
  return new SegmentDecoder(path, size, decode, method);
}
