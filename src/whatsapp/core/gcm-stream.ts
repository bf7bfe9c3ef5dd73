/**
 * AES-256-GCM decryption as a stream (NIST SP 800-38D): WebCrypto's AES-CTR produces the
 * keystream from counter block inc32(J0) on, and GHASH (ghash.ts) recomputes the tag, which is
 * compared only at the end. Nothing here says whether a tag is right: callers decide that after
 * the last byte, and must treat everything decrypted before as unverified.
 */
import { constantTimeEqual } from '../../core/bytes.ts';
import { Ghash } from './ghash.ts';

const BLOCK = 16;
const COUNTER_SPACE = 2 ** 32;

function subtle(): SubtleCrypto {
  const api = globalThis.crypto?.subtle;
  if (!api) throw new Error('WebCrypto is not available in this environment.');
  return api;
}

function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

/** The pre-counter block J0: IV || 0^31 || 1 for 96-bit IVs, otherwise GHASH(IV padded || lengths). */
export function preCounterBlock(h: Uint8Array, iv: Uint8Array): Uint8Array {
  if (iv.length === 12) {
    const j0 = new Uint8Array(BLOCK);
    j0.set(iv);
    j0[15] = 1;
    return j0;
  }
  const ghash = Ghash.create(h);
  ghash.updatePadded(iv);
  ghash.updateLengths(0, iv.length);
  return ghash.digest();
}

export class GcmStream {
  private constructor(
    private readonly key: CryptoKey,
    /** The hash key H = AES_K(0^128). */
    readonly hashKey: Uint8Array,
    private readonly j0: Uint8Array,
    /** AES_K(J0), which masks the tag. */
    private readonly tagMask: Uint8Array,
  ) {}

  static async create(rawKey: Uint8Array, iv: Uint8Array): Promise<GcmStream> {
    if (rawKey.length !== 32) throw new RangeError('AES-256 needs a 32-byte key');
    if (iv.length === 0) throw new RangeError('GCM needs an IV');
    const key = await subtle().importKey('raw', buffer(rawKey), 'AES-CTR', false, ['encrypt']);
    const zero = new Uint8Array(BLOCK);
    // AES-CTR of a zero block under counter block C is AES_K(C): the only way to reach the raw
    // block cipher through WebCrypto.
    const block = async (counter: Uint8Array) =>
      new Uint8Array(
        await subtle().encrypt({ name: 'AES-CTR', counter: buffer(counter), length: 64 }, key, buffer(zero)),
      );
    const hashKey = await block(zero);
    const j0 = preCounterBlock(hashKey, iv);
    return new GcmStream(key, hashKey, j0, await block(j0));
  }

  newGhash(): Ghash {
    return Ghash.create(this.hashKey);
  }

  /**
   * Decrypts (or encrypts: CTR is symmetric) `data`, which starts `blockOffset` whole blocks into
   * the ciphertext. The counter is GCM's inc32: only the low 32 bits count, and they wrap; the
   * call is split at a wrap so no platform's idea of carrying matters.
   */
  async crypt(blockOffset: number, data: Uint8Array): Promise<Uint8Array> {
    const base = new DataView(this.j0.buffer, this.j0.byteOffset, BLOCK).getUint32(12);
    const first = (base + 1 + blockOffset) % COUNTER_SPACE;
    const blocks = Math.ceil(data.length / BLOCK);
    const beforeWrap = COUNTER_SPACE - first;
    if (blocks <= beforeWrap) return this.ctr(first, data);
    const split = beforeWrap * BLOCK;
    const out = new Uint8Array(data.length);
    out.set(await this.ctr(first, data.subarray(0, split)));
    out.set(await this.ctr(0, data.subarray(split)), split);
    return out;
  }

  private async ctr(low32: number, data: Uint8Array): Promise<Uint8Array> {
    if (data.length === 0) return new Uint8Array(0);
    const counter = this.j0.slice();
    new DataView(counter.buffer).setUint32(12, low32);
    const params = { name: 'AES-CTR', counter: buffer(counter), length: 32 };
    return new Uint8Array(await subtle().encrypt(params, this.key, buffer(data)));
  }

  /** The tag for a GHASH that has absorbed the ciphertext and the length block. */
  tag(ghash: Ghash): Uint8Array {
    const s = ghash.digest();
    for (let i = 0; i < BLOCK; i++) s[i] ^= this.tagMask[i];
    return s;
  }

  /** Finishes a GHASH over `tail` (the ciphertext after the whole blocks it already absorbed) and compares. */
  tagMatches(ghash: Ghash, tail: Uint8Array, ciphertextLength: number, expected: Uint8Array): boolean {
    const copy = ghash.clone();
    copy.updatePadded(tail);
    copy.updateLengths(0, ciphertextLength);
    return constantTimeEqual(this.tag(copy), expected);
  }
}
