/**
 * Core's SIMD Reed–Solomon coder against the package coder it replaces: the same parity for
 * every stripe shape, and the same shards rebuilt from any k that are left.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelSource } from '../../scripts/build-gf-kernel.mjs';
import { packageCoder } from '../../src/cli/erasure.ts';
import { CofferError } from '../../src/core/errors.ts';
import { kernelCoder, simdCoder } from '../../src/core/reed-solomon.ts';
import { dataStripe, seededRandom } from './helpers.ts';

const coder = simdCoder();

describe('the SIMD Reed–Solomon coder', () => {
  it('is the kernel that gf-kernel.wat assembles to', async () => {
    const committed = readFileSync(new URL('../../src/core/gf-kernel-wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await kernelSource());
  });

  it('loads in Node (which has WebAssembly SIMD)', () => {
    expect(coder).toBeDefined();
  });

  // Shapes a writer uses (50 + 5, a short last stripe, 1 + 1), the widest, and shard sizes that
  // are not a multiple of sixteen or span several of the coder's blocks.
  const shapes: [number, number, number][] = [
    [50, 5, 4112],
    [3, 1, 1040],
    [1, 1, 17],
    [7, 3, 8192 * 2 + 16 + 5],
    [200, 56, 64],
    [10, 90, 33],
  ];
  for (const [k, m, size] of shapes) {
    it(`encodes ${k} + ${m} shards of ${size} bytes as the package does`, () => {
      const ours = dataStripe(k, m, size, k * 131 + m);
      const theirs = ours.slice();
      coder?.encode(ours, k, m);
      packageCoder().encode(theirs, k, m);
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    });

    it(`rebuilds any ${m} lost of ${k} + ${m} shards`, () => {
      const whole = dataStripe(k, m, size, k * 7 + m);
      packageCoder().encode(whole, k, m);
      // One seeded byte per pick: k + m is at most 256.
      const pick = seededRandom(k * 1000 + m);
      for (let round = 0; round < 3; round++) {
        const available = Array.from({ length: k + m }, () => true);
        for (let lost = 0; lost < m; ) {
          const i = pick(1)[0] % (k + m);
          if (available[i]) {
            available[i] = false;
            lost++;
          }
        }
        const damaged = whole.slice();
        available.forEach((ok, i) => {
          if (!ok) damaged.fill(0x5a, i * size, (i + 1) * size);
        });
        coder?.reconstruct(damaged, k, m, available);
        expect(Buffer.from(damaged).equals(Buffer.from(whole))).toBe(true);
      }
    });
  }

  it('refuses to rebuild from fewer than k shards, as payload damage', () => {
    const bytes = dataStripe(4, 2, 64, 3);
    coder?.encode(bytes, 4, 2);
    const available = [true, false, true, false, false, true];
    expect(() => coder?.reconstruct(bytes, 4, 2, available)).toThrow(CofferError);
    try {
      coder?.reconstruct(bytes, 4, 2, available);
    } catch (error) {
      expect((error as CofferError).code).toBe('payload_damaged');
    }
  });

  it('refuses a buffer that is not k + m equal shards', () => {
    expect(() => coder?.encode(new Uint8Array(100), 3, 4)).toThrow(/cannot code 100 bytes/);
  });
});

describe("the kernel's relaxed-SIMD build (what engines with relaxed SIMD run)", () => {
  it('computes what the package coder does, in a Node that has relaxed SIMD', () => {
    // Node 20 has relaxed SIMD behind a flag; later versions have it on.
    const flags = kernelCoder('relaxed') ? [] : ['--experimental-wasm-relaxed-simd'];
    const child = fileURLToPath(new URL('./relaxed-kernel-child.ts', import.meta.url));
    const output = execFileSync(process.execPath, [...flags, '--import', 'tsx', child], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ loaded: true, failures: [] });
  });
});
