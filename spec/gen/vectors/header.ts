/** not_coffer, unsupported_version and header_damaged: the magic, the version, and every field of the header and its slots. */
import { concatBytes, utf8 } from '../../../src/core/bytes.ts';
import { archivePlaintext, setSlotBodyLength, tinyZip, unknownSlot } from '../parts.ts';
import { archiveFailure, failure, flip, HELLO, KEY, keySlot, type VectorDef } from '../vector-kit.ts';

export const HEADER_VECTORS: VectorDef[] = [
  // ----- not_coffer ---------------------------------------------------------------------------
  failure('not_coffer', 'not-coffer-random-bytes', '256 random bytes.', async (ctx) => {
    const bytes = ctx.content.bytes(256);
    if (bytes[0] === 0x89) bytes[0] = 0;
    return { bytes };
  }),
  failure('not_coffer', 'not-coffer-zip', 'A small ZIP archive.', async () => ({
    bytes: tinyZip('hello.txt', utf8('Hello, world!\n')),
  })),
  failure('not_coffer', 'not-coffer-empty-file', 'An empty file.', async () => ({ bytes: new Uint8Array(0) })),
  failure('not_coffer', 'not-coffer-short-file', 'A 3-byte file that does not start like the magic.', async () => ({
    bytes: utf8('abc'),
  })),
  failure(
    'not_coffer',
    'not-coffer-magic-changed',
    'A valid backup whose magic has its "C" changed to "c".',
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 1, 0x20) }),
  ),

  // ----- unsupported_version ------------------------------------------------------------------
  failure('unsupported_version', 'unsupported-version-2', 'Header version 2 (otherwise a v1 backup).', (ctx) =>
    ctx.handBytes(archivePlaintext(HELLO), {
      header: (parts) => {
        parts.version = 2;
      },
    }),
  ),
  failure('unsupported_version', 'unsupported-version-0', 'Header version 0 (otherwise a v1 backup).', (ctx) =>
    ctx.handBytes(archivePlaintext(HELLO), {
      header: (parts) => {
        parts.version = 0;
      },
    }),
  ),
  archiveFailure(
    'unsupported_version',
    'unsupported-entry-method-7',
    'An index entry with unknown method 7 (a newer writer feature); the payload is properly sealed.',
    [{ ...HELLO[0], method: 7 }],
  ),
  archiveFailure(
    'unsupported_version',
    'unsupported-entry-type-3',
    'An index entry of unknown type 3; the payload is properly sealed.',
    HELLO,
    {
      records: (records) => {
        records[0].type = 3;
      },
    },
  ),

  // ----- header_damaged -----------------------------------------------------------------------
  failure(
    'header_damaged',
    'header-damaged-payload-nonce-flipped',
    'One bit of the payload nonce flipped: the slot opens, the header MAC does not verify.',
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 25) }),
  ),
  failure('header_damaged', 'header-damaged-mac-flipped', 'One bit of the header MAC flipped.', async (ctx) => {
    const built = await ctx.hand(archivePlaintext(HELLO));
    return { bytes: flip(built.bytes, built.header.length - 1, 0x80) };
  }),
  failure(
    'header_damaged',
    'header-damaged-chunk-size-changed',
    'chunkSizeLog2 changed from 10 to 11 after the MAC was computed: the slot opens, the MAC does not verify.',
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 16, 0x0a ^ 0x0b) }),
  ),
  failure(
    'header_damaged',
    'header-damaged-unknown-slot-changed',
    'A byte inside an unknown slot changed: readers skip the slot, but the header MAC covers it.',
    async (ctx) => {
      const built = await ctx.hand(archivePlaintext(HELLO), {
        header: (parts) => parts.slots.push(unknownSlot(3, new Uint8Array(20))),
      });
      return { bytes: flip(built.bytes, built.header.length - 32 - 10) };
    },
  ),
  failure('header_damaged', 'header-damaged-flags-nonzero', 'The flags field is 1 (MAC recomputed).', (ctx) =>
    ctx.handBytes(archivePlaintext(HELLO), {
      header: (parts) => {
        parts.flags = 1;
      },
    }),
  ),
  failure(
    'header_damaged',
    'header-damaged-reserved-nonzero',
    'The reserved u16 at offset 18 is 1 (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.reserved = 1;
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-slot-reserved-nonzero',
    "The passphrase slot's reserved byte is 1 (MAC recomputed).",
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots[0][1] = 1;
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-passphrase-slot-length',
    'A passphrase slot with L = 77 (one extra body byte, header length adjusted, MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots[0] = concatBytes([parts.slots[0], new Uint8Array(1)]);
          setSlotBodyLength(parts.slots[0], 77);
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-recovery-slot-length',
    'A recovery-key slot with L = 63 (its last byte removed, header length adjusted, MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        slots: [keySlot()],
        header: (parts) => {
          parts.slots[0] = parts.slots[0].slice(0, -1);
          setSlotBodyLength(parts.slots[0], 63);
        },
      }),
    KEY,
  ),
  failure(
    'header_damaged',
    'header-damaged-slots-short-of-mac',
    'Four zero bytes between the last slot and the MAC, so the slots do not fill the header (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.padding = new Uint8Array(4);
        },
      }),
  ),
  failure(
    'header_damaged',
    'header-damaged-slot-past-end',
    'A second (unknown-type) slot whose length runs past the start of the MAC (MAC recomputed).',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          const slot = unknownSlot(3, new Uint8Array(8));
          setSlotBodyLength(slot, 200);
          parts.slots.push(slot);
        },
      }),
  ),
];
