/** Vectors that open: every entry type, both compression methods, empty and boundary sizes, several slots. */
import { concatBytes, utf8 } from '../../../src/core/bytes.ts';
import { KDF_PRESETS } from '../../../src/core/kdf.ts';
import { formatRecoveryKey } from '../../../src/core/recovery-key.ts';
import { archivePlaintext, unknownSlot } from '../parts.ts';
import {
  assertPlaintextLength,
  C,
  expectedStored,
  fileForPlaintext,
  HELLO,
  KEY,
  keySlot,
  PASSPHRASE,
  passSlot,
  RECOVERY_KEY,
  success,
  T0,
  text,
  type VectorDef,
} from '../vector-kit.ts';

export const SUCCESS_VECTORS: VectorDef[] = [
  success(
    'success-empty-backup',
    'A backup with no entries: the payload plaintext is just the 32-byte trailer.',
    (ctx) => ctx.write([]),
  ),
  success('success-empty-file', 'One empty file (method 0, no stored bytes).', (ctx) =>
    ctx.write([{ path: 'empty.txt', type: 'file', data: new Uint8Array(0), mode: 0o644 }]),
  ),
  success('success-empty-folder', 'One empty folder.', (ctx) =>
    ctx.write([{ path: 'folder', type: 'dir', mode: 0o755 }]),
  ),
  ...[
    ['minus-1', C - 1],
    ['exact', C],
    ['plus-1', C + 1],
  ].map(([label, length]) =>
    success(
      `success-plaintext-chunk-${label}`,
      `The payload plaintext (data, index and trailer) is exactly ${length} bytes with 1 KiB chunks.`,
      async (ctx) => {
        const built = await ctx.write(
          [{ path: 'f', type: 'file', data: ctx.content.bytes(fileForPlaintext(length as number)) }],
          { compress: false },
        );
        assertPlaintextLength(built.bytes, length as number);
        return built;
      },
    ),
  ),
  ...[
    ['minus-1', C - 1],
    ['exact', C],
    ['plus-1', C + 1],
  ].map(([label, length]) =>
    success(`success-file-chunk-${label}`, `One random (stored) file of ${length} bytes, with 1 KiB chunks.`, (ctx) =>
      ctx.write([{ path: 'file.bin', type: 'file', data: ctx.content.bytes(length as number) }]),
    ),
  ),
  success(
    'success-trailer-straddles-chunks',
    'The payload plaintext is 1040 bytes, so the 32-byte trailer starts in chunk 0 and ends in chunk 1.',
    async (ctx) => {
      const built = await ctx.write([{ path: 'f', type: 'file', data: ctx.content.bytes(fileForPlaintext(C + 16)) }], {
        compress: false,
      });
      assertPlaintextLength(built.bytes, C + 16);
      return built;
    },
  ),
  success(
    'success-many-small-files',
    'A folder with 50 small files of 0 to 98 bytes; the index spans several chunks.',
    (ctx) =>
      ctx.write([
        { path: 'files', type: 'dir', mode: 0o755 },
        ...Array.from({ length: 50 }, (_, i) => ({
          path: `files/file-${String(i).padStart(2, '0')}.txt`,
          type: 'file' as const,
          data: utf8(`file ${i}: ${'ab'.repeat(i)}`).slice(0, 2 * i),
          mtime: T0 + i * 1000,
          mode: 0o644,
        })),
      ]),
  ),
  success('success-many-chunks', 'One random file of 20000 bytes spanning 20 chunks of 1 KiB.', (ctx) =>
    ctx.write([{ path: 'big.bin', type: 'file', data: ctx.content.bytes(20000) }]),
  ),
  success('success-deflate-small', 'A 10000-byte text file stored with method 1 (one DEFLATE segment).', (ctx) =>
    ctx.write([{ path: 'notes.txt', type: 'file', data: text(10000), mode: 0o644 }]),
  ),
  success(
    'success-deflate-multi-segment',
    'A 2.5 MiB text file stored with method 1: three DEFLATE segments (1 MiB, 1 MiB, 0.5 MiB).',
    (ctx) => ctx.write([{ path: 'large.txt', type: 'file', data: text(2.5 * 2 ** 20) }]),
  ),
  success('success-deflate-exact-segment', 'A text file of exactly 1 MiB: one full DEFLATE segment.', (ctx) =>
    ctx.write([{ path: 'mib.txt', type: 'file', data: text(2 ** 20) }]),
  ),
  success(
    'success-deflate-segment-plus-1',
    'A text file of 1 MiB + 1 byte: a full DEFLATE segment, then a 1-byte segment stored raw (bit 31 set).',
    (ctx) => ctx.write([{ path: 'mib-plus-1.txt', type: 'file', data: text(2 ** 20 + 1) }]),
  ),
  success(
    'success-deflate-mixed-raw-segment',
    'Method 1 with 1 MiB of text (a DEFLATE segment) followed by 3000 random bytes (a raw segment).',
    (ctx) =>
      ctx.write([{ path: 'mixed.bin', type: 'file', data: concatBytes([text(2 ** 20), ctx.content.bytes(3000)]) }]),
  ),
  success('success-stored-incompressible', 'A 5000-byte random file, which the writer stores (method 0).', (ctx) =>
    ctx.write([{ path: 'random.bin', type: 'file', data: ctx.content.bytes(5000) }]),
  ),
  success('success-passphrase-only', 'A backup with a single passphrase slot.', (ctx) =>
    ctx.write([
      { path: 'docs', type: 'dir' },
      { path: 'docs/a.txt', type: 'file', data: utf8('passphrase only\n') },
    ]),
  ),
  success(
    'success-recovery-key-only',
    'A backup with a single recovery-key slot.',
    (ctx) => ctx.write([{ path: 'a.txt', type: 'file', data: utf8('recovery key only\n') }], { slots: [keySlot()] }),
    KEY,
  ),
  success(
    'success-both-slots',
    'A passphrase slot and a recovery-key slot; each credential alone opens it.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('two ways in\n') }], { slots: [passSlot(), keySlot()] }),
    { passphrase: PASSPHRASE, recoveryKey: RECOVERY_KEY },
  ),
  success(
    'success-unicode-names',
    'Non-ASCII names, stored in NFC (two were given to the writer in NFD and normalised).',
    (ctx) =>
      ctx.write([
        { path: 'café', type: 'dir' },
        { path: 'cafe\u0301/nai\u0308ve re\u0301sume\u0301.txt', type: 'file', data: utf8('résumé\n') },
        { path: '日本語', type: 'dir' },
        { path: '日本語/ファイル.txt', type: 'file', data: utf8('こんにちは\n') },
        { path: 'emoji-🎉.txt', type: 'file', data: utf8('🎉\n') },
        { path: 'Ελληνικά.txt', type: 'file', data: utf8('Καλημέρα\n') },
        { path: 'A\u030Angstro\u0308m.txt', type: 'file', data: utf8('Å\n') },
      ]),
  ),
  success('success-nested-empty-folders', 'Nested empty folders and nothing else.', (ctx) =>
    ctx.write([
      { path: 'a', type: 'dir' },
      { path: 'a/b', type: 'dir' },
      { path: 'a/b/c', type: 'dir' },
      { path: 'a/b/c/d', type: 'dir' },
      { path: 'x', type: 'dir' },
      { path: 'x/y', type: 'dir' },
    ]),
  ),
  success(
    'success-default-argon2',
    'A passphrase slot at the default Argon2id preset (m = 65536 KiB, t = 3, p = 1), as real backups use.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('default Argon2id parameters\n') }], {
        slots: [passSlot(PASSPHRASE, KDF_PRESETS.default)],
      }),
  ),
  success(
    'success-unknown-slot-type',
    'A slot of unknown type 3 (100-byte body) before the passphrase slot; readers skip it. The header MAC covers it.',
    async (ctx) => {
      const body = ctx.content.bytes(100);
      const bytes = (
        await ctx.hand(archivePlaintext(HELLO), {
          header: (parts) => parts.slots.unshift(unknownSlot(3, body)),
        })
      ).bytes;
      return { bytes, entries: expectedStored(HELLO) };
    },
  ),
  success(
    'success-unknown-slot-empty-body',
    'A passphrase slot followed by a slot of unknown type 255 with an empty body.',
    async (ctx) => {
      const bytes = (
        await ctx.hand(archivePlaintext(HELLO), {
          header: (parts) => parts.slots.push(unknownSlot(255, new Uint8Array(0))),
        })
      ).bytes;
      return { bytes, entries: expectedStored(HELLO) };
    },
  ),
  success(
    'success-two-passphrase-slots',
    'Two passphrase slots (which writers should not produce); the passphrase opens the second, so readers must try every slot of the type.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('second slot\n') }], {
        slots: [passSlot('a different passphrase'), passSlot()],
      }),
  ),
  success(
    'success-passphrase-nfd-input',
    'The slot was made from the NFC passphrase; the credential is given in NFD and must be normalised to NFC before Argon2id.',
    (ctx) =>
      ctx.write([{ path: 'a.txt', type: 'file', data: utf8('NFC\n') }], {
        slots: [passSlot('Grüße, Jürgen ❤ café')],
      }),
    { passphrase: 'Gru\u0308ße, Ju\u0308rgen ❤ cafe\u0301' },
  ),
  success(
    'success-recovery-key-formatted',
    'The recovery key is given in groups with spaces, hyphens, a tab and a line break, which readers strip.',
    (ctx) => ctx.write([{ path: 'a.txt', type: 'file', data: utf8('formatted key\n') }], { slots: [keySlot()] }),
    {
      recoveryKey: formatRecoveryKey(RECOVERY_KEY)
        .replace(' ', '-')
        .replace(' ', ' - ')
        .replace(' ', '\t')
        .replace(' ', '\n'),
    },
  ),
  success(
    'success-mixed-tree',
    'Folders, stored and compressed files, an empty file, permission bits, a pre-1970 and a post-2038 mtime.',
    (ctx) =>
      ctx.write([
        { path: 'docs', type: 'dir', mode: 0o755 },
        { path: 'docs/readme.md', type: 'file', data: text(3000), mode: 0o644, mtime: T0 + 123 },
        { path: 'docs/empty', type: 'file', data: new Uint8Array(0), mode: 0o600 },
        { path: 'docs/img', type: 'dir', mode: 0o700 },
        { path: 'docs/img/noise.bin', type: 'file', data: ctx.content.bytes(1500), mode: 0o100644 },
        { path: 'old.txt', type: 'file', data: utf8('1969\n'), mtime: -86_400_000 * 200 },
        { path: 'future.txt', type: 'file', data: utf8('2038+\n'), mtime: 2 ** 31 * 1000 + 1, mode: 0o777 },
      ]),
  ),
  success('success-chunk-size-4k', 'chunkSizeLog2 = 12 (4 KiB chunks) with a 10000-byte random file.', (ctx) =>
    ctx.write([{ path: 'a.bin', type: 'file', data: ctx.content.bytes(10000) }], { chunkSizeLog2: 12 }),
  ),
  success('success-chunk-size-256k', 'chunkSizeLog2 = 18, the size real backups use; one partial chunk.', (ctx) =>
    ctx.write([{ path: 'a.txt', type: 'file', data: utf8('256 KiB chunks\n') }], { chunkSizeLog2: 18 }),
  ),
  success(
    'success-path-limits',
    'A 255-byte name, and a 4096-byte path of 17 components (with its 16 parent folders).',
    (ctx) => {
      const components = Array.from({ length: 17 }, (_, i) => String.fromCharCode(97 + i).repeat(240));
      const long = 'n'.repeat(255);
      return ctx.write([
        { path: long, type: 'dir' },
        { path: `${long}/${'m'.repeat(255)}`, type: 'file', data: utf8('255\n') },
        ...components
          .slice(0, 16)
          .map((_, i) => ({ path: components.slice(0, i + 1).join('/'), type: 'dir' as const })),
        { path: components.join('/'), type: 'file', data: utf8('4096\n') },
      ]);
    },
  ),
];
