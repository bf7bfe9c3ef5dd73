import { describe, expect, it } from 'vitest';
import { checkArgon2Budget, MAX_TOTAL_ARGON2_COST } from '../../src/core/kdf.ts';
import { expectCode } from './helpers.ts';

describe('cumulative Argon2id bound (issue 13 item 6)', () => {
  it('allows one slot at the single-slot maximum', () => {
    expect(() => checkArgon2Budget([{ memoryKiB: 1048576, iterations: 10, parallelism: 1 }])).not.toThrow();
    expect(MAX_TOTAL_ARGON2_COST).toBe(1048576 * 10);
  });

  it('refuses sixteen maximal slots before any key derivation', async () => {
    const slots = Array.from({ length: 16 }, () => ({ memoryKiB: 1048576, iterations: 10, parallelism: 4 }));
    await expectCode(() => checkArgon2Budget(slots), 'limit_exceeded');
  });
});
