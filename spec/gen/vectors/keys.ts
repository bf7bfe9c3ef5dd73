/** wrong_key and key_typo: credentials that do not open the file, and recovery keys with a typo. */
import { archivePlaintext, setSlotU32, unknownSlot } from '../parts.ts';
import {
  changeDigit,
  failure,
  flip,
  HELLO,
  KEY,
  keySlot,
  OTHER_RECOVERY_KEY,
  PASSPHRASE,
  passSlot,
  RECOVERY_KEY,
  swapAdjacent,
  type VectorDef,
} from '../vector-kit.ts';

export const KEYS_VECTORS: VectorDef[] = [
  // ----- wrong_key ----------------------------------------------------------------------------
  failure(
    'wrong_key',
    'wrong-key-passphrase',
    'The wrong passphrase.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    { passphrase: 'correct horse battery stapler' },
  ),
  failure(
    'wrong_key',
    'wrong-key-passphrase-case',
    'The passphrase with its first letter capitalised.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    { passphrase: 'Correct horse battery staple' },
  ),
  failure(
    'wrong_key',
    'wrong-key-passphrase-trailing-space',
    'The passphrase with a trailing space (readers must not trim).',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    { passphrase: `${PASSPHRASE} ` },
  ),
  failure(
    'wrong_key',
    'wrong-key-recovery-key',
    'A well-formed recovery key (its check digits are right) that belongs to another backup.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO), { slots: [keySlot()] }),
    { recoveryKey: OTHER_RECOVERY_KEY },
  ),
  failure(
    'wrong_key',
    'wrong-key-recovery-key-for-passphrase-only',
    'A recovery key offered to a backup that has only a passphrase slot.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO)),
    KEY,
  ),
  failure(
    'wrong_key',
    'wrong-key-passphrase-for-recovery-key-only',
    'A passphrase offered to a backup that has only a recovery-key slot.',
    (ctx) => ctx.handBytes(archivePlaintext(HELLO), { slots: [keySlot()] }),
  ),
  failure(
    'wrong_key',
    'wrong-key-only-unknown-slots',
    'A header whose only slot is of an unknown type (MAC valid); the passphrase has no slot to open.',
    (ctx) =>
      ctx.handBytes(archivePlaintext(HELLO), {
        header: (parts) => {
          parts.slots = [unknownSlot(3, new Uint8Array(40))];
        },
      }),
  ),
  failure(
    'wrong_key',
    'wrong-key-kdf-iterations-downgraded',
    'Argon2id iterations lowered from 2 to 1 in the header (an attempted downgrade): the slot no longer opens.',
    async (ctx) => {
      const { bytes } = await ctx.hand(archivePlaintext(HELLO), {
        slots: [passSlot(PASSPHRASE, { memoryKiB: 64, iterations: 2, parallelism: 1 })],
      });
      setSlotU32(bytes.subarray(52), 4, 1);
      return { bytes };
    },
  ),
  failure(
    'wrong_key',
    'wrong-key-kdf-memory-downgraded',
    'Argon2id memory lowered from 128 KiB to 64 KiB in the header (an attempted downgrade): the slot no longer opens.',
    async (ctx) => {
      const { bytes } = await ctx.hand(archivePlaintext(HELLO), {
        slots: [passSlot(PASSPHRASE, { memoryKiB: 128, iterations: 1, parallelism: 1 })],
      });
      setSlotU32(bytes.subarray(52), 0, 64);
      return { bytes };
    },
  ),
  failure(
    'wrong_key',
    'wrong-key-slot-salt-flipped',
    "One bit of the passphrase slot's salt flipped.",
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 52 + 4 + 12 + 3) }),
  ),
  failure(
    'wrong_key',
    'wrong-key-wrapped-key-flipped',
    "One bit of the passphrase slot's wrapped key flipped.",
    async (ctx) => ({ bytes: flip((await ctx.hand(archivePlaintext(HELLO))).bytes, 52 + 4 + 28 + 5) }),
  ),

  // ----- key_typo -----------------------------------------------------------------------------
  ...(
    [
      ['key-typo-one-digit', 'The recovery key with its 11th digit changed.', changeDigit(RECOVERY_KEY, 10)],
      ['key-typo-last-digit', 'The recovery key with its last (check) digit changed.', changeDigit(RECOVERY_KEY, 63)],
      [
        'key-typo-adjacent-swap',
        'The recovery key with two adjacent, different digits swapped.',
        swapAdjacent(RECOVERY_KEY),
      ],
      ['key-typo-63-digits', 'The recovery key with its last digit missing.', RECOVERY_KEY.slice(0, 63)],
      ['key-typo-65-digits', 'The recovery key with an extra digit.', `${RECOVERY_KEY}0`],
      ['key-typo-letter', 'The recovery key with a letter O typed for a digit.', `O${RECOVERY_KEY.slice(1)}`],
    ] as const
  ).map(([name, description, recoveryKey]) =>
    failure(
      'key_typo',
      name,
      `${description} Reported before any decryption.`,
      (ctx) => ctx.handBytes(archivePlaintext(HELLO), { slots: [keySlot()] }),
      { recoveryKey },
    ),
  ),
];
