/**
 * The streaming GCM (AES-CTR through WebCrypto plus our GHASH) against WebCrypto's own
 * one-shot AES-GCM: same plaintext and same tag, for random data, odd lengths, 12- and 16-byte
 * IVs, every way of cutting the stream, and a counter that wraps its low 32 bits.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/core/bytes.ts';
import { GcmStream, preCounterBlock } from '../../src/whatsapp/core/gcm-stream.ts';
import { Ghash, gfMultiply } from '../../src/whatsapp/core/ghash.ts';

const subtle = globalThis.crypto.subtle;

function random(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536)
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
  return out;
}

async function webcryptoSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const k = await subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt']);
  const params = { name: 'AES-GCM', iv: iv as Uint8Array<ArrayBuffer> };
  return new Uint8Array(await subtle.encrypt(params, k, plaintext as Uint8Array<ArrayBuffer>));
}

/** Decrypts in pieces of `step` bytes (a multiple of 16) and checks the tag at the end. */
async function streamOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, step: number) {
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  const gcm = await GcmStream.create(key, iv);
  const ghash = gcm.newGhash();
  const parts: Uint8Array[] = [];
  let offset = 0;
  while (ciphertext.length - offset > step) {
    const piece = ciphertext.subarray(offset, offset + step);
    parts.push(await gcm.crypt(offset / 16, piece));
    ghash.update(piece);
    offset += step;
  }
  const tail = ciphertext.subarray(offset);
  parts.push(await gcm.crypt(offset / 16, tail));
  const plaintext = Buffer.concat(parts);
  return { plaintext, ok: gcm.tagMatches(ghash, tail, ciphertext.length, tag) };
}

describe('GHASH tables', () => {
  it('multiply like the bit-by-bit definition', () => {
    for (let i = 0; i < 20; i++) {
      const h = random(16);
      const x = random(16);
      const ghash = Ghash.create(h);
      ghash.update(x);
      expect(toHex(ghash.digest())).toBe(toHex(gfMultiply(x, h)));
    }
  });

  it('treat 1 (the high bit of byte 0) as the identity', () => {
    const one = new Uint8Array(16);
    one[0] = 0x80;
    const h = random(16);
    expect(toHex(gfMultiply(one, h))).toBe(toHex(h));
  });
});

describe('streaming AES-256-GCM', () => {
  it('matches a published AES-256 vector (GCM spec test case 14)', async () => {
    const key = new Uint8Array(32);
    const iv = new Uint8Array(12);
    const sealed = fromHex('cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919');
    const { plaintext, ok } = await streamOpen(key, iv, sealed, 16);
    expect(ok).toBe(true);
    expect(toHex(plaintext)).toBe('00'.repeat(16));
  });

  for (const ivLength of [16, 12]) {
    it(`decrypts what WebCrypto seals, with a ${ivLength}-byte IV, at odd lengths and cuts`, async () => {
      for (const length of [0, 1, 15, 16, 17, 31, 33, 1000, 4096, 65537, 200_003]) {
        const key = random(32);
        const iv = random(ivLength);
        const plaintext = random(length);
        const sealed = await webcryptoSeal(key, iv, plaintext);
        for (const step of [16, 48, 4096, 1 << 20]) {
          const opened = await streamOpen(key, iv, sealed, step);
          expect(opened.ok, `length ${length} step ${step}`).toBe(true);
          expect(Buffer.compare(opened.plaintext, plaintext), `length ${length} step ${step}`).toBe(0);
        }
      }
    });
  }

  it('rejects a changed byte anywhere, and a changed tag', async () => {
    const key = random(32);
    const iv = random(16);
    const sealed = await webcryptoSeal(key, iv, random(5000));
    for (const position of [0, 15, 16, 2500, 4999, 5000, 5015]) {
      const bad = sealed.slice();
      bad[position] ^= 1;
      expect((await streamOpen(key, iv, bad, 1024)).ok, `byte ${position}`).toBe(false);
    }
  });

  it('wraps the low 32 bits of the counter as GCM says, not carrying into the IV part', async () => {
    // Choose J0 so that its counter is 2^32 - 3, then find the 16-byte IV that gives that J0:
    // J0 = (IV * H ^ L) * H, so IV = (J0 * H^-1 ^ L) * H^-1, with L the length block for 128 bits.
    const key = random(32);
    const gcm = await GcmStream.create(key, random(16));
    const h = gcm.hashKey;
    const hInverse = inverse(h);
    const j0 = random(16);
    j0.set([0xff, 0xff, 0xff, 0xfd], 12);
    const lengths = new Uint8Array(16);
    lengths[15] = 128;
    const inner = gfMultiply(j0, hInverse);
    for (let i = 0; i < 16; i++) inner[i] ^= lengths[i];
    const iv = gfMultiply(inner, hInverse);
    expect(toHex(preCounterBlock(h, iv))).toBe(toHex(j0));
    const plaintext = random(16 * 10 + 5);
    const sealed = await webcryptoSeal(key, iv, plaintext);
    for (const step of [16, 32, 1024]) {
      const opened = await streamOpen(key, iv, sealed, step);
      expect(opened.ok).toBe(true);
      expect(Buffer.compare(opened.plaintext, plaintext)).toBe(0);
    }
  });
});

/** x^(2^128 - 2) = x^-1 in GF(2^128), by square and multiply. */
function inverse(x: Uint8Array): Uint8Array {
  const one = new Uint8Array(16);
  one[0] = 0x80;
  let result: Uint8Array = one;
  let power: Uint8Array = x;
  // 2^128 - 2 = 0b111...110: every bit set except bit 0.
  for (let bit = 0; bit < 128; bit++) {
    if (bit > 0) result = gfMultiply(result, power);
    power = gfMultiply(power, power);
  }
  return result;
}
