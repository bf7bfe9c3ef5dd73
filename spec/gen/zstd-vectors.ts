/**
 * Test vectors for method 2, zstd segments (spec 5.6). Success vectors come from the reference
 * writer with `compression: 'zstd'` (its zstd library, @bokuweb/zstd-wasm, pinned in
 * package-lock.json: its output is deterministic for a given version) and from frames built
 * here by hand out of raw and RLE blocks (RFC 8878), so that every damaged vector has exactly the
 * one fault it describes and none depends on a compressor's choices.
 *
 * Frozen like every vector: add new ones, never edit a definition that produced a landed file.
 */
import { createHash } from 'node:crypto';
import { concatBytes, utf8 } from '../../src/core/bytes.ts';
import { zstdCompressLoaded, zstdReady } from '../../src/core/zstd.ts';
import { type ArchiveItem, archivePlaintext, segment } from './parts.ts';
import type { Ctx, VectorDef, VectorEntry } from './vector-kit.ts';

// The corrupt-block vector compresses while the definitions are built.
await zstdReady();

export interface ZstdVectorHelpers {
  success(name: string, description: string, build: VectorDef['build']): VectorDef;
  archiveFailure(expect: VectorDef['expect'], name: string, description: string, items: ArchiveItem[]): VectorDef;
  text(length: number): Uint8Array;
  T0: number;
}

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

interface FrameOptions {
  /** Frame_Content_Size to declare; the content's length by default; null for none. */
  declared?: number | null;
  /** A Window_Descriptor byte (the frame is then not single-segment). */
  windowDescriptor?: number;
  /** Declares a dictionary id (1 byte). */
  dictionary?: number;
  /** Runs of this many equal bytes become RLE blocks. */
  rle?: boolean;
  blockSize?: number;
}

function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function blockHeader(last: boolean, type: number, size: number): number[] {
  const word = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff];
}

/** A zstd frame of raw (or RLE) blocks, with the header fields chosen by hand. */
export function handFrame(content: Uint8Array, options: FrameOptions = {}): Uint8Array {
  const declared = options.declared === undefined ? content.length : options.declared;
  const single = options.windowDescriptor === undefined;
  if (single && declared === null) throw new Error('a single-segment frame needs a content size');
  const fcsFlag = declared === null ? 0 : 2;
  const descriptor = (fcsFlag << 6) | (single ? 0x20 : 0) | (options.dictionary !== undefined ? 0x01 : 0);
  const header = [...MAGIC, descriptor];
  if (!single) header.push(options.windowDescriptor as number);
  if (options.dictionary !== undefined) header.push(options.dictionary);
  if (declared !== null) header.push(...u32le(declared));
  const blocks: Uint8Array[] = [];
  const size = options.blockSize ?? 4096;
  if (content.length === 0) blocks.push(new Uint8Array(blockHeader(true, 0, 0)));
  for (let offset = 0; offset < content.length; offset += size) {
    const piece = content.subarray(offset, offset + size);
    const last = offset + size >= content.length;
    if (options.rle && piece.every((b) => b === piece[0])) {
      blocks.push(new Uint8Array([...blockHeader(last, 1, piece.length), piece[0]]));
    } else {
      blocks.push(concatBytes([new Uint8Array(blockHeader(last, 0, piece.length)), piece]));
    }
  }
  return concatBytes([new Uint8Array(header), ...blocks]);
}

/** One method-2 file: its framed segment(s) as the stored bytes. */
function zstdFile(path: string, size: number, stored: Uint8Array, T0: number): ArchiveItem {
  return { path, type: 'file', method: 2, size, stored, mtime: T0 };
}

export function zstdVectors(h: ZstdVectorHelpers): VectorDef[] {
  const { success, archiveFailure, text, T0 } = h;
  const write = (ctx: Ctx, path: string, data: Uint8Array) =>
    ctx.write([{ path, type: 'file', data, mode: 0o644 }], { compression: 'zstd' });
  const thousand = text(1000);
  const good = () => handFrame(thousand);
  return [
    success('success-zstd-small', 'A 10000-byte text file stored with method 2 (one zstd segment).', (ctx) =>
      write(ctx, 'notes.txt', text(10000)),
    ),
    success(
      'success-zstd-multi-segment',
      'A 2.5 MiB text file stored with method 2: three zstd segments (1 MiB, 1 MiB, 0.5 MiB).',
      (ctx) => write(ctx, 'large.txt', text(2.5 * 2 ** 20)),
    ),
    success(
      'success-zstd-mixed-raw-segment',
      'Method 2 with 1 MiB of text (a zstd segment) followed by 3000 random bytes (a raw segment, bit 31 set).',
      (ctx) => write(ctx, 'mixed.bin', concatBytes([text(2 ** 20), ctx.content.bytes(3000)])),
    ),
    success(
      'success-zstd-hand-frame',
      'A method-2 file of 20000 bytes in one hand-built zstd frame: a Window_Descriptor of exactly 1 MiB (not single-segment), raw blocks and RLE blocks.',
      async (ctx) => {
        const data = concatBytes([text(8192), new Uint8Array(8192).fill(0x2e), text(3616)]);
        const stored = segment(handFrame(data, { windowDescriptor: 0x50, rle: true }), false);
        const built = await ctx.handBytes(archivePlaintext([zstdFile('hand.txt', data.length, stored, T0)]));
        return { ...built, entries: [entry('hand.txt', data, T0)] };
      },
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-window-too-large',
      'A method-2 file of size 1000 whose frame asks for a 128 MiB window (Window_Descriptor 0x88); the blocks themselves are valid.',
      [zstdFile('window.txt', 1000, segment(handFrame(thousand, { windowDescriptor: 0x88 }), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-window-just-over',
      'A method-2 file of size 1000 whose frame asks for a window of 1.125 MiB (Window_Descriptor 0x51), one step over the limit.',
      [zstdFile('window.txt', 1000, segment(handFrame(thousand, { windowDescriptor: 0x51 }), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-content-size-larger',
      'A method-2 file of size 1000 whose frame declares and holds 2000 bytes.',
      [zstdFile('big.txt', 1000, segment(handFrame(text(2000)), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-content-size-smaller',
      'A method-2 file of size 1000 whose frame declares and holds 999 bytes.',
      [zstdFile('small.txt', 1000, segment(handFrame(thousand.subarray(0, 999)), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-content-size-lies',
      'A method-2 file of size 1000 whose frame declares 1000 bytes but whose blocks hold 500.',
      [zstdFile('lies.txt', 1000, segment(handFrame(thousand.subarray(0, 500), { declared: 1000 }), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-no-content-size',
      'A method-2 file of size 1000 whose frame does not declare its content size (1 KiB window descriptor).',
      [
        zstdFile(
          'nosize.txt',
          1000,
          segment(handFrame(thousand, { declared: null, windowDescriptor: 0x00 }), false),
          T0,
        ),
      ],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-trailing-bytes',
      'A method-2 file of size 1000 whose zstd frame is followed, inside the segment, by 3 stray bytes.',
      [zstdFile('trailing.txt', 1000, segment(concatBytes([good(), utf8('xyz')]), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-two-frames',
      'A method-2 file of size 1000 whose segment holds two frames of 500 bytes each (a segment is exactly one frame).',
      [
        zstdFile(
          'two.txt',
          1000,
          segment(concatBytes([handFrame(thousand.subarray(0, 500)), handFrame(thousand.subarray(500))]), false),
          T0,
        ),
      ],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-truncated',
      'A method-2 file of size 1000 whose frame is cut 5 bytes before the end of its last block (the segment length matches the cut frame).',
      [zstdFile('cut.txt', 1000, segment(good().subarray(0, -5), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-skippable-frame',
      'A method-2 file of size 1000 whose segment starts with a skippable frame (magic 0x184D2A50) before the real frame.',
      [
        zstdFile(
          'skip.txt',
          1000,
          segment(concatBytes([new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]), good()]), false),
          T0,
        ),
      ],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-dictionary',
      'A method-2 file of size 1000 whose frame names dictionary 7.',
      [zstdFile('dict.txt', 1000, segment(handFrame(thousand, { dictionary: 7 }), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-corrupt-block',
      'A method-2 file of size 10000 made by zstd level 2 whose first compressed block has its literals header byte flipped; the frame header and block headers are intact.',
      [zstdFile('corrupt.txt', 10000, segment(corruptFirstBlock(zstdCompressLoaded(text(10000))), false), T0)],
    ),
    archiveFailure(
      'payload_damaged',
      'payload-damaged-zstd-deflate-body',
      'A method-2 file of size 1000 whose segment holds raw DEFLATE (a method-1 body under method 2).',
      [zstdFile('deflate.txt', 1000, segment(new Uint8Array([0x01, 0xe8, 0x03, 0x17, 0xfc, ...thousand]), false), T0)],
    ),
    archiveFailure('payload_damaged', 'payload-damaged-empty-file-zstd', 'An empty file that claims method 2.', [
      { path: 'empty', type: 'file', method: 2, size: 0, mtime: T0 },
    ]),
  ];
}

function entry(path: string, data: Uint8Array, mtime: number): VectorEntry {
  return {
    path,
    type: 'file',
    size: data.length,
    mtime,
    mode: 0,
    sha256: createHash('sha256').update(data).digest('hex'),
  };
}

/** Flips the first byte after the first block header, which in a compressed block is its literals header. */
function corruptFirstBlock(frame: Uint8Array): Uint8Array {
  const descriptor = frame[4];
  const single = (descriptor & 0x20) !== 0;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][descriptor >> 6];
  const blockStart = 5 + (single ? 0 : 1) + fcsBytes;
  if (((frame[blockStart] >> 1) & 3) !== 2) throw new Error('expected a compressed first block');
  const out = frame.slice();
  out[blockStart + 3] ^= 0xff;
  return out;
}
