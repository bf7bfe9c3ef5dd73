import { describe, expect, it } from 'vitest';
import { CofferError } from '../../src/core/errors.ts';
import {
  checkRecoveryKey,
  formatRecoveryKey,
  generateRecoveryKey,
  parseRecoveryKey,
  RECOVERY_KEY_DIGITS,
} from '../../src/core/recovery-key.ts';
import { expectCode, seededRandom } from './helpers.ts';

function isTypo(input: string): boolean {
  try {
    parseRecoveryKey(input);
    return false;
  } catch (error) {
    if (error instanceof CofferError && error.code === 'key_typo') return true;
    throw error;
  }
}

describe('generateRecoveryKey', () => {
  it('makes 64 digits divisible by 9973 that parse back unchanged', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateRecoveryKey();
      expect(key).toMatch(/^\d{64}$/);
      expect(key.length).toBe(RECOVERY_KEY_DIGITS);
      expect(BigInt(key) % 9973n).toBe(0n);
      expect(parseRecoveryKey(key)).toBe(key);
      expect(checkRecoveryKey(key).problem).toBeUndefined();
    }
  });

  it('computes the check digits as (-N * 10^4) mod 9973 (spec 3.3)', () => {
    for (let i = 0; i < 50; i++) {
      const key = generateRecoveryKey();
      const n = BigInt(key.slice(0, 60));
      const check = (((-n * 10000n) % 9973n) + 9973n) % 9973n;
      expect(key.slice(60)).toBe(check.toString().padStart(4, '0'));
    }
  });

  it('pads small check values with leading zeros (all-zero random digits give check 0000)', () => {
    const key = generateRecoveryKey((length) => new Uint8Array(length));
    expect(key).toBe('0'.repeat(64));
    expect(parseRecoveryKey(key)).toBe(key);
  });

  it('skips bytes >= 250 (rejection sampling, no modulo bias)', () => {
    let calls = 0;
    const requested: number[] = [];
    const fake = (length: number) => {
      calls++;
      requested.push(length);
      if (calls === 1) {
        // First pool: every byte must be rejected (each is >= 250).
        const pool = new Uint8Array(length);
        for (let i = 0; i < length; i++) pool[i] = 250 + (i % 6);
        return pool;
      }
      // Later pools: alternate rejected bytes with accepted ones. 253 % 10 = 3 would leak if
      // rejection were missing; accepted bytes are 241 (-> digit 1) and 7 (-> digit 7).
      const pool = new Uint8Array(length);
      for (let i = 0; i < length; i++) pool[i] = i % 3 === 0 ? 253 : i % 3 === 1 ? 241 : 7;
      return pool;
    };
    const key = generateRecoveryKey(fake);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(requested.every((n) => n > 0)).toBe(true);
    const random = key.slice(0, 60);
    expect(random).toMatch(/^(17)+$/);
    expect(random).not.toContain('3');
    expect(BigInt(key) % 9973n).toBe(0n);
  });

  it('keeps the order of accepted bytes across pools', () => {
    const bytes = [255, 0, 251, 11, 22, 249, 250, 33, 44, 55];
    let position = 0;
    const fake = (length: number) => {
      const pool = new Uint8Array(length);
      for (let i = 0; i < length; i++) pool[i] = bytes[position++ % bytes.length];
      return pool;
    };
    const key = generateRecoveryKey(fake);
    // Accepted per cycle of 10 bytes: 0, 11, 22, 249, 33, 44, 55 -> digits 0 1 2 9 3 4 5.
    expect(key.slice(0, 14)).toBe('01293450129345');
  });

  it('draws each random digit uniformly (chi-square over 2000 keys, loose bound)', () => {
    const counts = new Array(10).fill(0);
    const keys = 2000;
    for (let i = 0; i < keys; i++) {
      const key = generateRecoveryKey();
      for (let d = 0; d < 60; d++) counts[key.charCodeAt(d) - 48]++;
    }
    const expected = (keys * 60) / 10;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(chi2 > 40) is about 7e-6, so this only fails for a real bias.
    // A mod-256 bias (values 0..5 favoured by 26/25) would give chi2 around 74 at this size.
    expect(chiSquare).toBeLessThan(40);
    for (const count of counts) expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });

  it('produces different keys each time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateRecoveryKey()));
    expect(keys.size).toBe(100);
  });
});

describe('formatRecoveryKey', () => {
  it('shows 16 groups of 4 digits separated by single spaces', () => {
    const key = generateRecoveryKey();
    const shown = formatRecoveryKey(key);
    const groups = shown.split(' ');
    expect(groups).toHaveLength(16);
    for (const group of groups) expect(group).toMatch(/^\d{4}$/);
    expect(groups.join('')).toBe(key);
    expect(shown).toHaveLength(64 + 15);
    expect(parseRecoveryKey(shown)).toBe(key);
  });
});

describe('parseRecoveryKey', () => {
  const key = generateRecoveryKey(seededRandom(1));

  it('ignores spaces, hyphens, tabs and line breaks', () => {
    const groups = formatRecoveryKey(key).split(' ');
    const variants = [
      groups.join('-'),
      groups.join('\n'),
      groups.join('\r\n'),
      groups.join('\t'),
      ` ${groups.join('  ')} `,
      `${groups.slice(0, 8).join(' ')}\n${groups.slice(8).join(' ')}`,
      groups.join(' - '),
      key.split('').join(' '),
    ];
    for (const variant of variants) expect(parseRecoveryKey(variant)).toBe(key);
  });

  it('refuses wrong lengths as key_typo', async () => {
    await expectCode(() => parseRecoveryKey(''), 'key_typo');
    await expectCode(() => parseRecoveryKey(key.slice(0, 63)), 'key_typo');
    await expectCode(() => parseRecoveryKey(`${key}0`), 'key_typo');
    await expectCode(() => parseRecoveryKey(key + key), 'key_typo');
    expect(checkRecoveryKey(key.slice(1)).problem).toBe('length');
  });

  it('refuses letters and other characters as key_typo', async () => {
    for (const bad of ['O', 'l', 'a', '.', '_', '٣', '１']) {
      const input = key.slice(0, 10) + bad + key.slice(11);
      await expectCode(() => parseRecoveryKey(input), 'key_typo');
      expect(checkRecoveryKey(input).problem).toBe('characters');
    }
  });

  it('refuses a 64-digit number that fails the check as key_typo', async () => {
    const wrong = key.slice(0, 63) + String((Number(key[63]) + 1) % 10);
    await expectCode(() => parseRecoveryKey(wrong), 'key_typo');
    expect(checkRecoveryKey(wrong).problem).toBe('checksum');
  });

  it('catches EVERY single-digit substitution at every position (exhaustive, several keys)', () => {
    const keys = [key, generateRecoveryKey(seededRandom(2)), generateRecoveryKey(seededRandom(3)), '0'.repeat(64)];
    let tried = 0;
    for (const k of keys) {
      for (let position = 0; position < 64; position++) {
        for (let digit = 0; digit <= 9; digit++) {
          const replacement = String(digit);
          if (replacement === k[position]) continue;
          const typo = k.slice(0, position) + replacement + k.slice(position + 1);
          expect(isTypo(typo), `substitution at ${position} -> ${digit}`).toBe(true);
          tried++;
        }
      }
    }
    expect(tried).toBe(keys.length * 64 * 9);
  });

  it('catches EVERY swap of two adjacent different digits (exhaustive, several keys)', () => {
    const keys = [key, generateRecoveryKey(seededRandom(4)), generateRecoveryKey(seededRandom(5))];
    let tried = 0;
    for (const k of keys) {
      for (let position = 0; position < 63; position++) {
        const a = k[position];
        const b = k[position + 1];
        if (a === b) continue;
        const typo = k.slice(0, position) + b + a + k.slice(position + 2);
        expect(isTypo(typo), `swap at ${position}`).toBe(true);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(100);
  });

  it('catches swaps at every position for every pair of different digits (synthetic keys)', () => {
    // Build keys that put each ordered digit pair (a, b) at each position, fixing the check
    // digits so the key itself is valid, then swap the pair.
    const random = seededRandom(99);
    let tried = 0;
    for (let a = 0; a <= 9; a++) {
      for (let b = 0; b <= 9; b++) {
        if (a === b) continue;
        const position = random(1)[0] % 59;
        let body = generateRecoveryKey(random).slice(0, 60);
        body = body.slice(0, position) + String(a) + String(b) + body.slice(position + 2);
        const n = BigInt(body) * 10000n;
        const check = ((9973n - (n % 9973n)) % 9973n).toString().padStart(4, '0');
        const valid = body + check;
        expect(isTypo(valid)).toBe(false);
        const swapped = valid.slice(0, position) + String(b) + String(a) + valid.slice(position + 2);
        expect(isTypo(swapped)).toBe(true);
        tried++;
      }
    }
    expect(tried).toBe(90);
  });
});
