/** truncated, unsafe_entry and limit_exceeded: cut files, hostile paths, and every bound a reader enforces. */
import { concatBytes } from '../../../src/core/bytes.ts';
import { archivePlaintext, rawDeflate, segment, setSlotU32, unknownSlot } from '../parts.ts';
import {
  archiveFailure,
  dir,
  failure,
  file,
  HELLO,
  passSlot,
  split,
  T0,
  text,
  unsafe,
  type VectorDef,
} from '../vector-kit.ts';

export const LIMITS_VECTORS: VectorDef[] = [
  // ----- truncated ----------------------------------------------------------------------------
  failure(
    'truncated',
    'truncated-at-chunk-boundary',
    'The final chunk removed: the file ends cleanly after chunk 2, which opens only with the non-final flag.',
    async (ctx) => {
      const { header, chunks } = split(await ctx.chunkBase());
      return { bytes: concatBytes([header, ...chunks.slice(0, 3)]) };
    },
  ),
  failure(
    'truncated',
    'truncated-final-chunk-under-17-bytes',
    'The file cut 10 bytes into the final chunk: a last chunk shorter than 17 bytes.',
    async (ctx) => {
      const { header, chunks } = split(await ctx.chunkBase());
      return { bytes: concatBytes([header, ...chunks.slice(0, 3), chunks[3].slice(0, 10)]) };
    },
  ),
  failure('truncated', 'truncated-no-payload', 'Only the (complete, valid) header.', async (ctx) => ({
    bytes: (await ctx.hand(archivePlaintext(HELLO))).header,
  })),
  failure(
    'truncated',
    'truncated-payload-under-17-bytes',
    'The header and the first 10 bytes of the payload.',
    async (ctx) => {
      const built = await ctx.hand(archivePlaintext(HELLO));
      return { bytes: built.bytes.slice(0, built.header.length + 10) };
    },
  ),
  failure(
    'truncated',
    'truncated-inside-header',
    'A valid backup cut after 100 of its 164 header bytes.',
    async (ctx) => ({
      bytes: (await ctx.hand(archivePlaintext(HELLO))).bytes.slice(0, 100),
    }),
  ),
  failure('truncated', 'truncated-prefix-only', 'Only the first 16 bytes of a valid backup.', async (ctx) => ({
    bytes: (await ctx.hand(archivePlaintext(HELLO))).bytes.slice(0, 16),
  })),
  failure('truncated', 'truncated-magic-only', 'Only the 8-byte magic.', async (ctx) => ({
    bytes: (await ctx.hand(archivePlaintext(HELLO))).bytes.slice(0, 8),
  })),
  failure('truncated', 'truncated-first-byte-only', 'Only the first byte of the magic (0x89).', async () => ({
    bytes: new Uint8Array([0x89]),
  })),

  // ----- unsafe_entry -------------------------------------------------------------------------
  unsafe('unsafe-dotdot', 'A file named "../evil".', [file('../evil')]),
  unsafe('unsafe-dotdot-inside', 'A file named "a/../../evil".', [dir('a'), file('a/../../evil')]),
  unsafe('unsafe-dot-component', 'A file named "a/./b".', [dir('a'), file('a/./b')]),
  unsafe('unsafe-absolute', 'A file named "/abs".', [file('/abs')]),
  unsafe('unsafe-drive-letter', 'A file named "C:/x".', [file('C:/x')]),
  unsafe('unsafe-backslash', 'A file named "a\\b" (a backslash).', [file('a\\b')]),
  unsafe('unsafe-nul', 'A file whose name contains NUL ("a\\u0000b").', [file('a\u0000b')]),
  unsafe('unsafe-control-character', 'A file whose name contains U+001F.', [file('a\u001fb')]),
  unsafe('unsafe-delete-character', 'A file whose name contains U+007F.', [file('a\u007fb')]),
  unsafe('unsafe-empty-component', 'A file named "a//b".', [dir('a'), file('a//b')]),
  unsafe('unsafe-trailing-slash', 'A folder named "a/".', [dir('a/')]),
  unsafe('unsafe-duplicate-path', 'Two files named "a".', [file('a', 'one'), file('a', 'two')]),
  unsafe('unsafe-duplicate-file-and-folder', 'A folder "a" and a file "a".', [dir('a'), file('a')]),
  unsafe('unsafe-file-under-file', 'A file "a", then a file "a/b" below it.', [file('a'), file('a/b')]),
  unsafe('unsafe-file-under-file-reversed', 'A file "a/b", then a file "a" above it.', [file('a/b'), file('a')]),
  unsafe('unsafe-non-nfc', 'A file named "café.txt" in NFD (e + U+0301).', [file('cafe\u0301.txt')]),
  unsafe('unsafe-invalid-utf8', 'A file name that is not valid UTF-8 (0xFF).', [
    file(new Uint8Array([0x61, 0xff, 0x62])),
  ]),
  unsafe('unsafe-component-256-bytes', 'A file name of 256 bytes.', [file('x'.repeat(256))]),
  unsafe('unsafe-257-components', 'A path of 257 components ("a/a/…/a", 513 bytes).', [
    file(Array.from({ length: 257 }, () => 'a').join('/')),
  ]),

  // ----- limit_exceeded -----------------------------------------------------------------------
  ...(
    [
      ['limit-argon2-memory-2gib', 'Argon2id memory 2097152 KiB (2 GiB), over the 1 GiB bound.', 0, 2097152],
      ['limit-argon2-memory-7kib', 'Argon2id memory 7 KiB, under the 8 KiB bound.', 0, 7],
      ['limit-argon2-iterations-0', 'Argon2id iterations 0.', 4, 0],
      ['limit-argon2-iterations-11', 'Argon2id iterations 11.', 4, 11],
      ['limit-argon2-parallelism-0', 'Argon2id parallelism 0.', 8, 0],
      ['limit-argon2-parallelism-5', 'Argon2id parallelism 5.', 8, 5],
    ] as const
  ).map(([name, description, offset, value]) =>
    failure(
      'limit_exceeded',
      name,
      `${description} Checked while parsing the header, before any key derivation (MAC recomputed).`,
      (ctx) =>
        ctx.handBytes(archivePlaintext(HELLO), {
          header: (parts) => setSlotU32(parts.slots[0], offset, value),
        }),
    ),
  ),
  failure(
    'limit_exceeded',
    'limit-argon2-memory-per-lane',
    'Argon2id m = 16 KiB with p = 4: less than 8 KiB per lane (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          setSlotU32(parts.slots[0], 0, 16);
          setSlotU32(parts.slots[0], 8, 4);
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-argon2-total-work',
    'Three passphrase slots: the cheap one, then two with m = 1048576 KiB and t = 6, each within its own bounds but together over the 10485760 total (checked before any key derivation; MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        slots: [passSlot(), passSlot('decoy one'), passSlot('decoy two')],
        header: (parts) => {
          for (const slot of parts.slots.slice(1)) {
            setSlotU32(slot, 0, 1048576);
            setSlotU32(slot, 4, 6);
          }
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-header-length-over-64k',
    'A complete, well-formed 70000-byte header (two large unknown slots and a passphrase slot, valid MAC): over the 65536-byte bound.',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          const body = (70000 - 52 - 32 - 80) / 2 - 4;
          parts.slots.unshift(unknownSlot(3, new Uint8Array(body)), unknownSlot(3, new Uint8Array(body)));
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-no-slots',
    'slotCount 0 and no slots, so headerLength is 84: both below their bounds (valid MAC, valid payload).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots = [];
        },
      }),
  ),
  failure(
    'limit_exceeded',
    'limit-slot-count-17',
    'Seventeen slots (16 empty unknown slots and the passphrase slot), filling the header exactly (valid MAC).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) =>
          void parts.slots.unshift(...Array.from({ length: 16 }, () => unknownSlot(4, new Uint8Array(0)))),
      }),
  ),
  ...(
    [
      [9, 'under the minimum of 10'],
      [25, 'over the maximum of 24'],
      [30, 'over the maximum of 24'],
    ] as const
  ).map(([log2, why]) =>
    failure(
      'limit_exceeded',
      `limit-chunk-size-log2-${log2}`,
      `chunkSizeLog2 = ${log2}, ${why}; the payload is a single final chunk, consistent with that size (valid MAC).`,
      (ctx) => ctx.handBytes(archivePlaintext(HELLO), { chunkSizeLog2: log2, singleChunk: true }),
    ),
  ),
  archiveFailure(
    'limit_exceeded',
    'limit-entry-count',
    'The trailer claims 16777217 entries, one over the bound (checked on the trailer, before the index is read).',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.entryCount = 16777217;
      },
    },
  ),
  archiveFailure(
    'limit_exceeded',
    'limit-index-length',
    'The trailer claims an index of 2^32 + 1 bytes (checked on the trailer, before its consistency).',
    HELLO,
    {
      trailer: (trailer) => {
        trailer.indexLength = 2 ** 32 + 1;
      },
    },
  ),
  archiveFailure(
    'limit_exceeded',
    'limit-entry-size',
    'A method-1 file whose size is 2^53, one over the bound (its record is otherwise consistent).',
    [
      {
        path: 'huge',
        type: 'file',
        method: 1,
        size: 2 ** 53,
        stored: segment(rawDeflate(text(100)), false),
        mtime: T0,
      },
    ],
  ),
];
