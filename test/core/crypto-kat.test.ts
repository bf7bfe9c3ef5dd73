/**
 * Known-answer tests for the primitives of spec 1.1.
 *
 * HKDF: RFC 5869 appendix A, test cases 1-3. The core's hkdfBytes takes `info` as a string
 * (UTF-8 encoded), so only test case 3 (empty info) can be fed to it byte for byte; cases 1
 * and 2 use non-UTF-8 info bytes. For those, node:crypto is checked against the RFC and
 * hkdfBytes is then checked against node:crypto on the same IKM and salt.
 *
 * Argon2id: the Argon2 reference implementation's own test vectors (phc-winner-argon2,
 * src/test.c, "Test Argon2id version number: 13"), which use no secret and no associated data,
 * exactly like spec 3.1. RFC 9106 section 5.3 needs a secret and associated data, which the
 * core's wrapper does not pass (the format does not use them).
 */
import { hkdfSync } from 'node:crypto';
import { argon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../src/core/bytes.ts';
import { hkdfBytes, importAesKey, open, seal } from '../../src/core/crypto.ts';
import { deriveArgon2id, passphraseBytes } from '../../src/core/kdf.ts';
import { OpenedBackup } from '../../src/core/reader.ts';
import { bytesSource } from '../../src/core/source.ts';
import { createBackup } from '../../src/core/writer.ts';
import { CHEAP_KDF, collect, expectCode } from './helpers.ts';

function range(from: number, to: number): Uint8Array {
  return Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const RFC5869 = [
  {
    name: 'A.1 (basic)',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.2 (longer inputs)',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
      '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
      'cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'A.3 (zero-length salt and info)',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: new Uint8Array(0),
    info: new Uint8Array(0),
    length: 42,
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

describe('HKDF-SHA-256 (RFC 5869 appendix A)', () => {
  it('test case 3 through the core hkdfBytes, byte for byte', async () => {
    const vector = RFC5869[2];
    const okm = await hkdfBytes(vector.ikm, vector.salt, '', vector.length);
    expect(toHex(okm)).toBe(vector.okm);
  });

  for (const vector of RFC5869) {
    it(`${vector.name}: the node:crypto oracle reproduces the RFC`, () => {
      const okm = new Uint8Array(hkdfSync('sha256', vector.ikm, vector.salt, vector.info, vector.length));
      expect(toHex(okm)).toBe(vector.okm);
    });
  }

  it('test cases 1 and 2: hkdfBytes agrees with the oracle on the RFC IKM/salt for UTF-8 infos', async () => {
    for (const vector of RFC5869.slice(0, 2)) {
      for (const info of ['', 'coffer/v1 payload', 'coffer/v1 header mac', 'coffer/v1 recovery key', 'é€😀']) {
        for (const length of [1, 16, 32, vector.length, 255]) {
          const core = await hkdfBytes(vector.ikm, vector.salt, info, length);
          const oracle = new Uint8Array(hkdfSync('sha256', vector.ikm, vector.salt, utf8(info), length));
          expect(toHex(core)).toBe(toHex(oracle));
        }
      }
    }
  });

  it('hkdfBytes agrees with the oracle on random inputs', async () => {
    for (let i = 0; i < 50; i++) {
      const ikm = crypto.getRandomValues(new Uint8Array(1 + (i % 70)));
      const salt = crypto.getRandomValues(new Uint8Array(i % 40));
      const info = `info ${i} ${'x'.repeat(i)}`;
      const length = 1 + ((i * 37) % 120);
      const core = await hkdfBytes(ikm, salt, info, length);
      const oracle = new Uint8Array(hkdfSync('sha256', ikm, salt, utf8(info), length));
      expect(toHex(core)).toBe(toHex(oracle));
    }
  });
});

// phc-winner-argon2 src/test.c, Argon2id, version 0x13, 32-byte output. m is in KiB.
const ARGON2ID_VECTORS = [
  {
    t: 2,
    m: 256,
    p: 1,
    pwd: 'password',
    salt: 'somesalt',
    hex: '9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe',
  },
  {
    t: 2,
    m: 256,
    p: 2,
    pwd: 'password',
    salt: 'somesalt',
    hex: '6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037',
  },
  {
    t: 2,
    m: 65536,
    p: 1,
    pwd: 'password',
    salt: 'somesalt',
    hex: '09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7',
  },
  {
    t: 1,
    m: 65536,
    p: 1,
    pwd: 'password',
    salt: 'somesalt',
    hex: 'f6a5adc1ba723dddef9b5ac1d464e180fcd9dffc9d1cbf76cca2fed795d9ca98',
  },
  {
    t: 2,
    m: 65536,
    p: 1,
    pwd: 'differentpassword',
    salt: 'somesalt',
    hex: '0b84d652cf6b0c4beaef0dfe278ba6a80df6696281d7e0d2891b817d8c458fde',
  },
  {
    t: 2,
    m: 65536,
    p: 1,
    pwd: 'password',
    salt: 'diffsalt',
    hex: 'bdf32b05ccc42eb15d58fd19b1f856b113da1e9a5874fdcc544308565aa8141c',
  },
];

describe('Argon2id (reference implementation vectors)', () => {
  for (const v of ARGON2ID_VECTORS) {
    it(`t=${v.t} m=${v.m} p=${v.p} pwd=${v.pwd} salt=${v.salt}`, async () => {
      const params = { memoryKiB: v.m, iterations: v.t, parallelism: v.p };
      const key = await deriveArgon2id(passphraseBytes(v.pwd), utf8(v.salt), params);
      expect(toHex(key)).toBe(v.hex);
    });
  }

  it('matches hash-wasm called directly (the wrapper passes every parameter through)', async () => {
    const salt = fromHex('00112233445566778899aabbccddeeff');
    for (const params of [
      { memoryKiB: 8, iterations: 1, parallelism: 1 },
      { memoryKiB: 64, iterations: 3, parallelism: 2 },
      { memoryKiB: 32, iterations: 10, parallelism: 4 },
    ]) {
      const core = await deriveArgon2id(utf8('pass'), salt, params);
      const direct = await argon2id({
        password: utf8('pass'),
        salt,
        memorySize: params.memoryKiB,
        iterations: params.iterations,
        parallelism: params.parallelism,
        hashLength: 32,
        outputType: 'hex',
      });
      expect(toHex(core)).toBe(direct);
    }
  });

  it('refuses out-of-bound parameters as limit_exceeded before running', async () => {
    const salt = new Uint8Array(16);
    const password = utf8('x');
    for (const params of [
      { memoryKiB: 7, iterations: 1, parallelism: 1 },
      { memoryKiB: 1048577, iterations: 1, parallelism: 1 },
      { memoryKiB: 2 * 1048576, iterations: 1, parallelism: 1 },
      { memoryKiB: 64, iterations: 0, parallelism: 1 },
      { memoryKiB: 64, iterations: 11, parallelism: 1 },
      { memoryKiB: 64, iterations: 1, parallelism: 0 },
      { memoryKiB: 64, iterations: 1, parallelism: 5 },
      { memoryKiB: 31, iterations: 1, parallelism: 4 },
      { memoryKiB: 64.5, iterations: 1, parallelism: 1 },
    ]) {
      await expectCode(deriveArgon2id(password, salt, params), 'limit_exceeded');
    }
  });

  it('accepts the bounds themselves (m = 8 * p, t = 10, p = 4)', async () => {
    const key = await deriveArgon2id(utf8('x'), new Uint8Array(16), { memoryKiB: 32, iterations: 10, parallelism: 4 });
    expect(key).toHaveLength(32);
  });
});

describe('passphrase normalisation (spec 3.1: UTF-8 of NFC, nothing else)', () => {
  const composed = 'caf\u00e9';
  const decomposed = 'cafe\u0301';

  it('encodes both forms of é to the same NFC bytes', () => {
    expect(composed).not.toBe(decomposed);
    expect(toHex(passphraseBytes(decomposed))).toBe(toHex(passphraseBytes(composed)));
    expect(toHex(passphraseBytes(composed))).toBe('636166c3a9');
  });

  it('derives the same key from U+00E9 and from e + U+0301', async () => {
    const salt = new Uint8Array(16).fill(5);
    const a = await deriveArgon2id(passphraseBytes(composed), salt, CHEAP_KDF);
    const b = await deriveArgon2id(passphraseBytes(decomposed), salt, CHEAP_KDF);
    expect(toHex(a)).toBe(toHex(b));
  });

  it('does not trim or otherwise change the passphrase', () => {
    expect(toHex(passphraseBytes(' pass '))).toBe(toHex(utf8(' pass ')));
    expect(toHex(passphraseBytes('Pass'))).not.toBe(toHex(passphraseBytes('pass')));
    // NFC, not NFKC: the ligature ﬁ stays as it is.
    expect(toHex(passphraseBytes('\ufb01'))).toBe(toHex(utf8('\ufb01')));
  });

  it('a backup locked with the decomposed form opens with the composed form', async () => {
    const bytes = await collect(
      createBackup([{ path: 'a.txt', type: 'file', mtime: 0, open: () => [utf8('hello')] }], {
        slots: [{ kind: 'passphrase', passphrase: decomposed, kdf: CHEAP_KDF }],
        chunkSizeLog2: 10,
      }),
    );
    const backup = await OpenedBackup.open(bytesSource(bytes), { passphrase: composed });
    expect(backup.entries.map((e) => e.path)).toEqual(['a.txt']);
    await expectCode(OpenedBackup.open(bytesSource(bytes), { passphrase: 'cafe' }), 'wrong_key');
  });
});

describe('AES-256-GCM wrappers', () => {
  it('matches the GCM test case 14 of McGrew-Viega (256-bit zero key, zero IV, one zero block)', async () => {
    // "The Galois/Counter Mode of Operation (GCM)", test case 14.
    const key = await importAesKey(new Uint8Array(32));
    const sealed = await seal(key, new Uint8Array(12), new Uint8Array(16));
    expect(toHex(sealed)).toBe('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919');
    const opened = await open(key, new Uint8Array(12), sealed);
    expect(opened && toHex(opened)).toBe('00000000000000000000000000000000');
  });

  it('open returns undefined for a bad tag, a wrong IV or a wrong AAD', async () => {
    const key = await importAesKey(new Uint8Array(32).fill(1));
    const iv = new Uint8Array(12).fill(2);
    const aad = utf8('aad');
    const sealed = await seal(key, iv, utf8('secret'), aad);
    expect(await open(key, iv, sealed, aad)).toEqual(utf8('secret'));
    const bad = sealed.slice();
    bad[bad.length - 1] ^= 1;
    expect(await open(key, iv, bad, aad)).toBeUndefined();
    expect(await open(key, new Uint8Array(12), sealed, aad)).toBeUndefined();
    expect(await open(key, iv, sealed, utf8('other'))).toBeUndefined();
    expect(await open(key, iv, sealed)).toBeUndefined();
  });
});
