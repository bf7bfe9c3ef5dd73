/**
 * The 64-digit recovery key (spec section 3.3): 60 random digits and 4 check digits chosen so
 * that the whole number is divisible by the prime 9973. Any single wrong digit and any swap of
 * two adjacent digits changes the remainder, so typos are caught before any decryption.
 */

import { type RandomSource, randomBytes } from './crypto.ts';
import { CofferError } from './errors.ts';

export const RECOVERY_KEY_DIGITS = 64;
const RANDOM_DIGITS = 60;
const CHECK_MODULUS = 9973n;

function checkDigits(randomDigits: string): string {
  const n = BigInt(randomDigits) * 10000n;
  const check = (CHECK_MODULUS - (n % CHECK_MODULUS)) % CHECK_MODULUS;
  return check.toString().padStart(4, '0');
}

/** Draws digits by rejection sampling so each digit is exactly uniform (no modulo bias). */
export function generateRecoveryKey(random: RandomSource = randomBytes): string {
  let digits = '';
  while (digits.length < RANDOM_DIGITS) {
    const pool = random(RANDOM_DIGITS);
    for (const byte of pool) {
      if (byte < 250 && digits.length < RANDOM_DIGITS) digits += String(byte % 10);
    }
    pool.fill(0);
  }
  return digits + checkDigits(digits);
}

/** Groups of four separated by spaces, the way people see and type it. */
export function formatRecoveryKey(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export type RecoveryKeyProblem = 'length' | 'characters' | 'checksum';

export interface RecoveryKeyCheck {
  digits: string;
  problem?: RecoveryKeyProblem;
}

/** Strips separators and checks length, characters and the check digits. */
export function checkRecoveryKey(input: string): RecoveryKeyCheck {
  const digits = input.replace(/[\s\-\u2010-\u2015]/g, '');
  if (/[^0-9]/.test(digits)) return { digits, problem: 'characters' };
  if (digits.length !== RECOVERY_KEY_DIGITS) return { digits, problem: 'length' };
  if (BigInt(digits) % CHECK_MODULUS !== 0n) return { digits, problem: 'checksum' };
  return { digits };
}

/** Returns the canonical 64 digits or throws key_typo with a message a person can act on. */
export function parseRecoveryKey(input: string): string {
  const { digits, problem } = checkRecoveryKey(input);
  if (problem === 'characters') {
    throw new CofferError('key_typo', 'A recovery key contains only digits (spaces and dashes are ignored).');
  }
  if (problem === 'length') {
    throw new CofferError(
      'key_typo',
      `A recovery key has ${RECOVERY_KEY_DIGITS} digits, but ${digits.length} were given.`,
    );
  }
  if (problem === 'checksum') {
    throw new CofferError(
      'key_typo',
      'This recovery key has a typo: its check digits do not match. Check each group of four digits.',
    );
  }
  return digits;
}
