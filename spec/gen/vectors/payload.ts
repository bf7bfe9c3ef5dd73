/** payload_damaged: attacks on the STREAM construction, and archives that are properly sealed but inconsistent. */
import { concatBytes, utf8 } from '../../../src/core/bytes.ts';
import { Drbg } from '../drbg.ts';
import {
  type ArchiveItem,
  archivePlaintext,
  encodeRawRecord,
  encodeRawTrailer,
  rawDeflate,
  sealChunkAt,
  segment,
  TRAILER_MAGIC,
} from '../parts.ts';
import {
  archiveFailure,
  C,
  failure,
  file,
  flip,
  HELLO,
  headerLengthOf,
  split,
  T0,
  text,
  type VectorDef,
} from '../vector-kit.ts';

export const PAYLOAD_VECTORS: VectorDef[] = [
  // ----- payload_damaged: STREAM attacks ------------------------------------------------------
  failure(
    'payload_damaged',
    'payload-damaged-middle-chunk-flipped',
    'One bit flipped in chunk 1 of 4 (file data): listing works, restoring fails.',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: flip(bytes, headerLengthOf(bytes) + (C + 16) + 100) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-final-chunk-flipped',
    'One bit flipped in the final chunk (which holds the index and trailer).',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: flip(bytes, bytes.length - 20) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-final-chunk-tag-flipped',
    "One bit flipped in the final chunk's GCM tag.",
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: flip(bytes, bytes.length - 1, 0x80) };
    },
  ),
  failure('payload_damaged', 'payload-damaged-chunks-reordered', 'Chunks 1 and 2 swapped.', async (ctx) => {
    const { header, chunks } = split(await ctx.chunkBase());
    return { bytes: concatBytes([header, chunks[0], chunks[2], chunks[1], chunks[3]]) };
  }),
  failure('payload_damaged', 'payload-damaged-chunk-dropped', 'Chunk 1 of 4 removed.', async (ctx) => {
    const { header, chunks } = split(await ctx.chunkBase());
    return { bytes: concatBytes([header, chunks[0], chunks[2], chunks[3]]) };
  }),
  failure('payload_damaged', 'payload-damaged-chunk-duplicated', 'Chunk 1 repeated.', async (ctx) => {
    const { header, chunks } = split(await ctx.chunkBase());
    return { bytes: concatBytes([header, chunks[0], chunks[1], chunks[1], chunks[2], chunks[3]]) };
  }),
  failure(
    'payload_damaged',
    'payload-damaged-chunk-spliced',
    'Chunk 1 replaced by chunk 1 of another backup of the same data with the same passphrase (its own payload nonce).',
    async (ctx) => {
      const { header, chunks } = split(await ctx.chunkBase());
      const other = split(await ctx.chunkBase(new Drbg(`${ctx.name}/other backup`)));
      return { bytes: concatBytes([header, chunks[0], other.chunks[1], chunks[2], chunks[3]]) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-second-final-chunk',
    'A valid 2-chunk backup (2048-byte plaintext, chunk 1 final) followed by a chunk sealed at index 2 with the final flag, holding an index and trailer that list the first 2048 bytes as one file. Listing from the last chunk works; restoring finds chunk 1 flagged final at a non-final position.',
    async (ctx) => {
      const items: ArchiveItem[] = [
        { path: 'data.bin', type: 'file', stored: ctx.content.bytes(2048 - 32 - 48), mtime: T0 },
      ];
      const built = await ctx.hand(archivePlaintext(items));
      const record = encodeRawRecord({
        type: 1,
        method: 0,
        path: utf8('all.bin'),
        mode: 0,
        mtime: T0,
        size: 2048,
        storedLength: 2048,
        offset: 0,
      });
      const trailer = encodeRawTrailer({
        indexOffset: 2048,
        indexLength: record.length,
        entryCount: 1,
        magic: TRAILER_MAGIC,
      });
      const chunk = await sealChunkAt(built.payloadKey, built.chunks.length, true, concatBytes([record, trailer]));
      return { bytes: concatBytes([built.bytes, chunk]) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-trailing-bytes',
    'Seven bytes appended after the (partial) final chunk.',
    async (ctx) => ({ bytes: concatBytes([await ctx.chunkBase(), utf8('garbage')]) }),
  ),
  failure(
    'payload_damaged',
    'payload-damaged-trailing-bytes-long',
    '2000 zero bytes appended after the (partial) final chunk.',
    async (ctx) => ({ bytes: concatBytes([await ctx.chunkBase(), new Uint8Array(2000)]) }),
  ),
  failure(
    'payload_damaged',
    'payload-damaged-cut-inside-chunk',
    'The file cut 500 bytes into chunk 2 of 4: indistinguishable from a damaged final chunk.',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: bytes.slice(0, headerLengthOf(bytes) + 2 * (C + 16) + 500) };
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-cut-inside-final-chunk',
    'The last 100 bytes of the final chunk cut off.',
    async (ctx) => {
      const bytes = await ctx.chunkBase();
      return { bytes: bytes.slice(0, bytes.length - 100) };
    },
  ),

  // ----- payload_damaged: archive inconsistencies (properly sealed) ---------------------------
  archiveFailure(
    'payload_damaged',
    'payload-damaged-offsets-gap',
    "The second entry's offset is one past the end of the first.",
    [file('a', '0123456789'), file('b', 'abcdefghij')],
    {
      records: (records) => {
        records[1].offset = 11;
      },
    },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-offsets-overlap',
    'The second entry has offset 0, sharing bytes with the first.',
    [file('a', '0123456789'), file('b', 'abcdefghij')],
    {
      records: (records) => {
        records[1].offset = 0;
      },
    },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-unowned-bytes',
    'Five bytes between the last entry and the index belong to no entry.',
    [file('a', '0123456789')],
    { gap: utf8('stray') },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-bomb',
    'A method-1 file of size 1000 whose single DEFLATE segment (113 bytes) inflates to 100000 zero bytes.',
    [
      {
        path: 'bomb.bin',
        type: 'file',
        method: 1,
        size: 1000,
        stored: segment(rawDeflate(new Uint8Array(100000)), false),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-short',
    'A method-1 file of size 1000 whose DEFLATE segment inflates to only 500 bytes.',
    [
      {
        path: 'short.bin',
        type: 'file',
        method: 1,
        size: 1000,
        stored: segment(rawDeflate(new Uint8Array(500)), false),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-trailing-bytes',
    'A method-1 file of size 1000 whose DEFLATE segment is followed, inside the segment, by 3 stray bytes.',
    [
      {
        path: 'trailing.bin',
        type: 'file',
        method: 1,
        size: 1000,
        stored: segment(concatBytes([rawDeflate(new Uint8Array(1000).fill(0x61)), utf8('xyz')]), false),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-deflate-invalid',
    'A method-1 segment whose bytes are not valid DEFLATE (block type 3).',
    [{ path: 'bad.bin', type: 'file', method: 1, size: 1000, stored: segment(new Uint8Array(50).fill(0xff), false) }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-raw-segment-length',
    'A method-1 file of size 1000 with a raw segment of 999 bytes.',
    [{ path: 'raw.bin', type: 'file', method: 1, size: 1000, stored: segment(new Uint8Array(999).fill(0x41), true) }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-segment-cut-by-entry-end',
    "A method-1 entry whose storedLength ends 3 bytes before its only segment's bytes do.",
    [
      {
        path: 'cut.txt',
        type: 'file',
        method: 1,
        size: 3000,
        stored: segment(rawDeflate(text(3000)), false).slice(0, -3),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-segment-extra-bytes',
    'A method-1 entry with five bytes after its last segment (the segments do not fill storedLength exactly).',
    [
      {
        path: 'extra.txt',
        type: 'file',
        method: 1,
        size: 3000,
        stored: concatBytes([segment(rawDeflate(text(3000)), false), utf8('extra')]),
      },
    ],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-stored-length-mismatch',
    'A stored (method 0) file whose size is 11 but storedLength is 10.',
    [{ ...file('a', '0123456789'), size: 11 }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-folder-with-data',
    'A folder entry with size and storedLength 5.',
    [{ path: 'd', type: 'dir', stored: utf8('12345'), mtime: T0 }],
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-mode-high-bits',
    'An entry whose mode has bits outside 0o777 (0o100644).',
    [{ ...file('a'), mode: 0o100644 }],
  ),
  archiveFailure('payload_damaged', 'payload-damaged-empty-file-compressed', 'An empty file that claims method 1.', [
    { path: 'empty', type: 'file', method: 1, size: 0, mtime: T0 },
  ]),
  archiveFailure('payload_damaged', 'payload-damaged-trailer-magic', 'The trailer magic is "COFFIDX2".', HELLO, {
    trailer: (trailer) => {
      trailer.magic = utf8('COFFIDX2');
    },
  }),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-trailer-offset',
    'The trailer indexOffset is one too large, so indexOffset + indexLength + 32 is not the plaintext length.',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.indexOffset = Number(trailer.indexOffset) + 1;
      },
    },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-index-trailing-bytes',
    'Five bytes after the last index record (indexLength includes them).',
    HELLO,
    { index: (index) => concatBytes([index, new Uint8Array(5)]) },
  ),
  archiveFailure(
    'payload_damaged',
    'payload-damaged-entry-count-too-high',
    'The trailer says 2 entries but the index holds one record.',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.entryCount = 2;
      },
    },
  ),
  failure(
    'payload_damaged',
    'payload-damaged-no-trailer',
    'A properly sealed payload plaintext of 10 bytes: too short to hold a trailer.',
    (ctx) => ctx.handBytes(utf8('0123456789')),
  ),
];
