/**
 * Spec 11.2 names the Reed–Solomon code exactly (GF(2^8) with 0x11D, E = V · V_top^-1). This
 * independent implementation of that text must give the same parity as the WebAssembly coder,
 * so another reader can rebuild Coffer parity without this package.
 */
import { describe, expect, it } from 'vitest';
import { cliCoder } from '../../src/cli/erasure.ts';

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}
const mul = (a: number, b: number) => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);
const pow = (a: number, n: number) => {
  let r = 1;
  for (let i = 0; i < n; i++) r = mul(r, a);
  return r;
};
const inv = (a: number) => EXP[255 - LOG[a]];

function invert(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    while (a[p][c] === 0) p++;
    [a[c], a[p]] = [a[p], a[c]];
    const f = inv(a[c][c]);
    a[c] = a[c].map((v) => mul(v, f));
    for (let r = 0; r < n; r++) {
      if (r === c || a[r][c] === 0) continue;
      const g = a[r][c];
      a[r] = a[r].map((v, j) => v ^ mul(g, a[c][j]));
    }
  }
  return a.map((row) => row.slice(n));
}

function parity(data: Uint8Array[], m: number): Uint8Array[] {
  const k = data.length;
  const V = Array.from({ length: k + m }, (_, r) => Array.from({ length: k }, (_, c) => pow(r, c)));
  const topInv = invert(V.slice(0, k));
  const E = V.map((row) => topInv[0].map((_, c) => row.reduce((acc, v, i) => acc ^ mul(v, topInv[i][c]), 0)));
  return Array.from({ length: m }, (_, j) => {
    const out = new Uint8Array(data[0].length);
    for (let i = 0; i < k; i++) for (let b = 0; b < out.length; b++) out[b] ^= mul(E[k + j][i], data[i][b]);
    return out;
  });
}

describe('the Reed–Solomon code of spec 11.2', () => {
  for (const [k, m] of [
    [1, 1],
    [4, 2],
    [13, 2],
    [50, 5],
  ]) {
    it(`k = ${k}, m = ${m}: the spec's construction equals the coder's parity`, () => {
      const size = 64;
      const shards = new Uint8Array((k + m) * size);
      for (let i = 0; i < k * size; i++) shards[i] = (i * 131 + k * 7 + 3) & 0xff;
      const data = Array.from({ length: k }, (_, i) => shards.slice(i * size, (i + 1) * size));
      cliCoder().encode(shards, k, m);
      const expected = parity(data, m);
      for (let j = 0; j < m; j++)
        expect([...shards.subarray((k + j) * size, (k + j + 1) * size)]).toEqual([...expected[j]]);
    });
  }
});
