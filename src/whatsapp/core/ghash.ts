/**
 * GHASH (NIST SP 800-38D, section 6.4) for checking AES-GCM tags while decrypting as a stream.
 * WebCrypto's AES-GCM is one-shot, so large backups are decrypted with AES-CTR and the tag is
 * recomputed here. Multiplication by the hash key H uses sixteen 256-entry tables (64 KiB):
 * one table per byte position, so a block costs sixteen lookups and no shifts.
 *
 * Blocks are four big-endian 32-bit words; bit 0 of the field element is the most significant
 * bit of byte 0, as in the standard.
 */

const BLOCK = 16;

/** X times x in GF(2^128) with GCM's bit order: a right shift, reduced by R = 0xE1 || 0^120. */
function mulX(v: Uint32Array): void {
  const carry = v[3] & 1;
  v[3] = (v[3] >>> 1) | ((v[2] & 1) << 31);
  v[2] = (v[2] >>> 1) | ((v[1] & 1) << 31);
  v[1] = (v[1] >>> 1) | ((v[0] & 1) << 31);
  v[0] = (v[0] >>> 1) ^ (carry ? 0xe1000000 : 0);
}

function wordsOf(block: Uint8Array, offset = 0): Uint32Array {
  const out = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const p = offset + 4 * w;
    out[w] = ((block[p] << 24) | (block[p + 1] << 16) | (block[p + 2] << 8) | block[p + 3]) >>> 0;
  }
  return out;
}

function bytesOf(words: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let w = 0; w < 4; w++) {
    out[4 * w] = words[w] >>> 24;
    out[4 * w + 1] = (words[w] >>> 16) & 0xff;
    out[4 * w + 2] = (words[w] >>> 8) & 0xff;
    out[4 * w + 3] = words[w] & 0xff;
  }
  return out;
}

/** table[((i * 256 + b) * 4) + w] = word w of (b placed at byte i) * H. */
function buildTable(h: Uint8Array): Int32Array {
  if (h.length !== BLOCK) throw new RangeError('the GHASH key is 16 bytes');
  const table = new Int32Array(16 * 256 * 4);
  const v = wordsOf(h);
  // v runs through H * x^j for j = 0..127; bit j is byte j >> 3, mask 0x80 >> (j & 7).
  for (let j = 0; j < 128; j++) {
    const base = (j >> 3) * 256;
    const mask = 0x80 >> (j & 7);
    // Entry b gets bit j's product for every b that has this bit; build by linearity below.
    const row = (base + mask) * 4;
    table[row] = v[0];
    table[row + 1] = v[1];
    table[row + 2] = v[2];
    table[row + 3] = v[3];
    mulX(v);
  }
  for (let i = 0; i < 16; i++) {
    for (let b = 1; b < 256; b++) {
      const low = b & -b;
      if (low === b) continue; // a single bit: already set
      const to = (i * 256 + b) * 4;
      const a = (i * 256 + (b ^ low)) * 4;
      const c = (i * 256 + low) * 4;
      table[to] = table[a] ^ table[c];
      table[to + 1] = table[a + 1] ^ table[c + 1];
      table[to + 2] = table[a + 2] ^ table[c + 2];
      table[to + 3] = table[a + 3] ^ table[c + 3];
    }
  }
  return table;
}

export class Ghash {
  private y0 = 0;
  private y1 = 0;
  private y2 = 0;
  private y3 = 0;

  private constructor(private readonly table: Int32Array) {}

  static create(h: Uint8Array): Ghash {
    return new Ghash(buildTable(h));
  }

  /** A copy with the same state, for trying two possible ends of the same stream. */
  clone(): Ghash {
    const copy = new Ghash(this.table);
    copy.y0 = this.y0;
    copy.y1 = this.y1;
    copy.y2 = this.y2;
    copy.y3 = this.y3;
    return copy;
  }

  /** Absorbs whole blocks; `data.length` must be a multiple of 16. */
  update(data: Uint8Array): void {
    if (data.length % BLOCK !== 0) throw new RangeError('GHASH.update takes whole 16-byte blocks');
    const t = this.table;
    let y0 = this.y0;
    let y1 = this.y1;
    let y2 = this.y2;
    let y3 = this.y3;
    for (let p = 0; p < data.length; p += BLOCK) {
      y0 ^= (data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3];
      y1 ^= (data[p + 4] << 24) | (data[p + 5] << 16) | (data[p + 6] << 8) | data[p + 7];
      y2 ^= (data[p + 8] << 24) | (data[p + 9] << 16) | (data[p + 10] << 8) | data[p + 11];
      y3 ^= (data[p + 12] << 24) | (data[p + 13] << 16) | (data[p + 14] << 8) | data[p + 15];
      let i = (y0 >>> 24) << 2;
      let z0 = t[i];
      let z1 = t[i + 1];
      let z2 = t[i + 2];
      let z3 = t[i + 3];
      i = (0x100 | ((y0 >>> 16) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x200 | ((y0 >>> 8) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x300 | (y0 & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x400 | (y1 >>> 24)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x500 | ((y1 >>> 16) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x600 | ((y1 >>> 8) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x700 | (y1 & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x800 | (y2 >>> 24)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0x900 | ((y2 >>> 16) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0xa00 | ((y2 >>> 8) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0xb00 | (y2 & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0xc00 | (y3 >>> 24)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0xd00 | ((y3 >>> 16) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0xe00 | ((y3 >>> 8) & 0xff)) << 2;
      z0 ^= t[i];
      z1 ^= t[i + 1];
      z2 ^= t[i + 2];
      z3 ^= t[i + 3];
      i = (0xf00 | (y3 & 0xff)) << 2;
      y0 = z0 ^ t[i];
      y1 = z1 ^ t[i + 1];
      y2 = z2 ^ t[i + 2];
      y3 = z3 ^ t[i + 3];
    }
    this.y0 = y0;
    this.y1 = y1;
    this.y2 = y2;
    this.y3 = y3;
  }

  /** Absorbs any number of bytes as whole blocks, zero-padding the last one. */
  updatePadded(data: Uint8Array): void {
    const whole = data.length - (data.length % BLOCK);
    this.update(data.subarray(0, whole));
    if (whole < data.length) {
      const last = new Uint8Array(BLOCK);
      last.set(data.subarray(whole));
      this.update(last);
    }
  }

  /** Absorbs the final block: the bit lengths of the additional data and of the ciphertext. */
  updateLengths(aadBytes: number, dataBytes: number): void {
    const block = new Uint8Array(BLOCK);
    const view = new DataView(block.buffer);
    view.setBigUint64(0, BigInt(aadBytes) * 8n);
    view.setBigUint64(8, BigInt(dataBytes) * 8n);
    this.update(block);
  }

  digest(): Uint8Array {
    return bytesOf([this.y0 >>> 0, this.y1 >>> 0, this.y2 >>> 0, this.y3 >>> 0]);
  }
}

/** X * Y in GF(2^128), bit by bit (slow; for tests and one-off values). */
export function gfMultiply(x: Uint8Array, y: Uint8Array): Uint8Array {
  const z = new Uint32Array(4);
  const v = wordsOf(y);
  for (let j = 0; j < 128; j++) {
    if (x[j >> 3] & (0x80 >> (j & 7))) {
      for (let w = 0; w < 4; w++) z[w] ^= v[w];
    }
    mulX(v);
  }
  return bytesOf(z);
}
