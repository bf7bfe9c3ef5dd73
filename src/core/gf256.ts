/**
 * GF(2^8) as spec 11.2 fixes it (polynomial x^8 + x^4 + x^3 + x^2 + 1, generator 2) and the
 * Backblaze construction of the encoding matrix: E = V · (V[0..k))^−1 for the Vandermonde
 * matrix V[r][c] = r^c. Matrices are small (at most 256 × 256) and made once per stripe shape.
 */

const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    EXP[i + 255] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
}

export function gfMul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

function gfInverse(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(2^8).');
  return EXP[255 - LOG[a]];
}

function gfPow(a: number, n: number): number {
  if (n === 0) return 1;
  if (a === 0) return 0;
  return EXP[(LOG[a] * n) % 255];
}

/** A matrix of field elements, one Uint8Array per row. */
export type GfMatrix = Uint8Array[];

export function gfMatrixMultiply(a: GfMatrix, b: GfMatrix): GfMatrix {
  const inner = b.length;
  const columns = b[0].length;
  return a.map((row) => {
    const out = new Uint8Array(columns);
    for (let c = 0; c < columns; c++) {
      let sum = 0;
      for (let i = 0; i < inner; i++) sum ^= gfMul(row[i], b[i][c]);
      out[c] = sum;
    }
    return out;
  });
}

/** The inverse of a square matrix by Gauss–Jordan elimination; throws when it is singular. */
export function gfInvert(matrix: GfMatrix): GfMatrix {
  const n = matrix.length;
  const work = matrix.map((row, r) => {
    const wide = new Uint8Array(2 * n);
    wide.set(row);
    wide[n + r] = 1;
    return wide;
  });
  for (let col = 0; col < n; col++) {
    const pivot = work.findIndex((row, r) => r >= col && row[col] !== 0);
    if (pivot < 0) throw new RangeError('The matrix is singular.');
    [work[col], work[pivot]] = [work[pivot], work[col]];
    const row = work[col];
    const scale = gfInverse(row[col]);
    for (let c = 0; c < 2 * n; c++) row[c] = gfMul(row[c], scale);
    for (let r = 0; r < n; r++) {
      const factor = work[r][col];
      if (r === col || factor === 0) continue;
      const target = work[r];
      for (let c = 0; c < 2 * n; c++) target[c] ^= gfMul(factor, row[c]);
    }
  }
  return work.map((row) => row.slice(n));
}

/** The (k + m) × k systematic encoding matrix of spec 11.2: its first k rows are the identity. */
export function encodingMatrix(dataShards: number, parityShards: number): GfMatrix {
  const vandermonde: GfMatrix = Array.from({ length: dataShards + parityShards }, (_, r) =>
    Uint8Array.from({ length: dataShards }, (_, c) => gfPow(r, c)),
  );
  return gfMatrixMultiply(vandermonde, gfInvert(vandermonde.slice(0, dataShards)));
}

/**
 * The products of every coefficient by every nibble, as the kernel reads them: 32 bytes per
 * coefficient g, g · x for x = 0..15, then g · (x << 4).
 */
export function nibbleTables(): Uint8Array {
  const tables = new Uint8Array(256 * 32);
  for (let g = 0; g < 256; g++) {
    for (let x = 0; x < 16; x++) {
      tables[g * 32 + x] = gfMul(g, x);
      tables[g * 32 + 16 + x] = gfMul(g, x << 4);
    }
  }
  return tables;
}
