/**
 * Decrypting generated crypt15, crypt14 and crypt12 backups: every outcome the issue names
 * (right key, wrong key, damaged, truncated, key of the wrong kind, multi-file ZIP without
 * MD5) and the promise that nothing is passed off as complete before the checks pass.
 */
import { createHash, randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { CofferError } from '../../src/core/errors.ts';
import { bytesSource } from '../../src/core/source.ts';
import {
  parseWhatsAppHeader,
  parseWhatsAppKey,
  parseWhatsAppKeyFile,
  readWhatsAppHeader,
  WhatsAppDecryption,
  type WhatsAppKey,
  type WhatsAppSummary,
} from '../../src/whatsapp/core/index.ts';
import { legacyKeyFile, makeCrypt12, makeCrypt14, makeCrypt15, makeSqlite, noise, zlib } from './fixtures.ts';

const ROOT = randomBytes(32);
const KEY = parseWhatsAppKey(ROOT.toString('hex'));
const DATABASE = Buffer.concat([
  makeSqlite({ 1: { children: [3, 4] }, 3: { rows: ['table', 'index', 'table'] }, 4: { rows: ['table'] } }, 6, 4096),
  noise(300_000, 4),
]);

interface Outcome {
  bytes?: Buffer;
  summary?: WhatsAppSummary;
  code?: string;
  message?: string;
  /** Bytes yielded before a failure was reported. */
  yielded: number;
}

async function decrypt(file: Uint8Array, key: WhatsAppKey, chunkSize?: number, name?: string): Promise<Outcome> {
  const parts: Uint8Array[] = [];
  let yielded = 0;
  try {
    const source = bytesSource(file);
    const header = await readWhatsAppHeader(source, name);
    const decryption = new WhatsAppDecryption(source, header, key, { chunkSize });
    for await (const piece of decryption) {
      parts.push(piece);
      yielded += piece.length;
    }
    return { bytes: Buffer.concat(parts), summary: decryption.summary, yielded };
  } catch (error) {
    if (!(error instanceof CofferError)) throw error;
    return { code: error.code, message: error.message, yielded };
  }
}

function flip(file: Buffer, position: number): Buffer {
  const copy = Buffer.from(file);
  copy[position] ^= 0x40;
  return copy;
}

describe('crypt15, generated from the format facts', () => {
  const single = makeCrypt15({ rootKey: ROOT, payload: zlib(DATABASE), newer: true });

  it('decrypts and inflates to the database, with a summary, at any chunk size', async () => {
    for (const chunkSize of [16, 4096, 1 << 20]) {
      const { bytes, summary } = await decrypt(single, KEY, chunkSize);
      expect(bytes && Buffer.compare(bytes, DATABASE), `chunk ${chunkSize}`).toBe(0);
      expect(summary).toEqual({
        format: 'crypt15',
        multiFile: false,
        content: 'sqlite',
        inflated: true,
        size: DATABASE.length,
        tables: 3,
        appVersion: '2.24.1.7',
        phoneSuffix: '42',
      });
    }
  });

  it('opens with encrypted_backup.key as well as the typed digits', async () => {
    const { bytes } = await decrypt(
      single,
      parseWhatsAppKeyFile(
        Buffer.concat([Buffer.from('aced0005757200025b42acf317f8060854e0020000787000000020', 'hex'), ROOT]),
      ),
    );
    expect(bytes && Buffer.compare(bytes, DATABASE)).toBe(0);
  });

  it('handles the smallest files: empty and one-byte databases', async () => {
    for (const content of [new Uint8Array(0), Buffer.from('x')]) {
      const file = makeCrypt15({ rootKey: ROOT, payload: zlib(content) });
      const { bytes, summary, code } = await decrypt(file, KEY, 16);
      expect(code).toBeUndefined();
      expect(summary?.multiFile).toBe(false);
      expect(bytes && Buffer.compare(bytes, content)).toBe(0);
    }
  });

  it('passes a ZIP payload without MD5 (multi-file backup) through as it is', async () => {
    const zip = zipSync({ 'a.txt': Buffer.from('hello'), 'sub/b.bin': noise(70_000, 2) });
    for (const chunkSize of [16, 1024, 1 << 20]) {
      const file = makeCrypt15({ rootKey: ROOT, payload: zip, multiFile: true });
      const { bytes, summary, code } = await decrypt(file, KEY, chunkSize);
      expect(code).toBeUndefined();
      expect(bytes && Buffer.compare(bytes, zip)).toBe(0);
      expect(summary).toMatchObject({ multiFile: true, content: 'zip', inflated: false, size: zip.length });
    }
  });

  it('says "wrong key" when the tag fails but the MD5 matches', async () => {
    const outcome = await decrypt(single, parseWhatsAppKey(randomBytes(32).toString('hex')), 4096);
    expect(outcome.code).toBe('wrong_key');
    expect(outcome.message).toMatch(/does not open this crypt15 backup/);
    expect(outcome.bytes).toBeUndefined();
  });

  it('says "wrong key" for a multi-file backup opened with another key', async () => {
    const file = makeCrypt15({ rootKey: ROOT, payload: zipSync({ 'a.txt': noise(5000) }), multiFile: true });
    const outcome = await decrypt(file, parseWhatsAppKey(randomBytes(32).toString('hex')));
    expect(outcome.code).toBe('wrong_key');
  });

  it('says "damaged" for a changed byte in the header, the body, the tag or the MD5', async () => {
    const bodyStart = parseWhatsAppHeader(single, single.length).bodyOffset;
    const version = single.indexOf('2.24.1.7');
    for (const position of [version, bodyStart + 5000, single.length - 40, single.length - 20, single.length - 1]) {
      const outcome = await decrypt(flip(single, position), KEY, 4096);
      expect(outcome.code, `byte ${position}`).toBe('payload_damaged');
    }
    const zip = makeCrypt15({ rootKey: ROOT, payload: zipSync({ 'a.txt': noise(5000) }), multiFile: true });
    expect((await decrypt(flip(zip, zip.length - 100), KEY)).code).toBe('payload_damaged');
  });

  it('says it cannot tell a wrong key from damage when the IV itself is damaged', async () => {
    // Garbage out and no MD5 match: a multi-file backup (no MD5) opened with the wrong key looks
    // exactly like this, so the message names both.
    const outcome = await decrypt(flip(single, 12), KEY, 4096);
    expect(outcome.code).toBe('wrong_key');
    expect(outcome.message).toMatch(/or the file is damaged/);
  });

  it('says "damaged" for a database backup whose MD5 was cut off, though its tag still verifies', async () => {
    const outcome = await decrypt(single.subarray(0, single.length - 16), KEY);
    expect(outcome.code).toBe('payload_damaged');
  });

  it('says "damaged" for a file cut short anywhere, and never reports success', async () => {
    const header = parseWhatsAppHeader(single, single.length);
    for (const cut of [1, 15, 16, 17, 32, 1000, single.length - header.bodyOffset - 20]) {
      const outcome = await decrypt(single.subarray(0, single.length - cut), KEY, 4096);
      expect(['payload_damaged', 'truncated'], `cut ${cut}`).toContain(outcome.code);
    }
    const headerOnly = await decrypt(single.subarray(0, header.bodyOffset + 10), KEY);
    expect(headerOnly.code).toBe('truncated');
  });

  it('yields unverified bytes only as a stream whose end reports the failure', async () => {
    const outcome = await decrypt(flip(single, single.length - 40), KEY, 4096);
    expect(outcome.code).toBe('payload_damaged');
    // Earlier pieces did flow (that is what streaming means); the failure came last, so a
    // caller writing to a temporary place never keeps them.
    expect(outcome.yielded).toBeGreaterThan(0);
  });

  it('refuses a legacy key file for a crypt15 backup before decrypting anything', async () => {
    const outcome = await decrypt(single, parseWhatsAppKeyFile(legacyKeyFile(randomBytes(32))));
    expect(outcome.code).toBe('key_mismatch');
    expect(outcome.message).toMatch(/crypt12\/crypt14 key file.*crypt15/);
    expect(outcome.yielded).toBe(0);
  });

  it('says "damaged" when the checks pass but the zlib data inside is broken', async () => {
    const broken = Buffer.from(zlib(DATABASE));
    broken.fill(0xff, 10, 40);
    const file = makeCrypt15({ rootKey: ROOT, payload: broken });
    const outcome = await decrypt(file, KEY);
    expect(outcome.code).toBe('payload_damaged');
    expect(outcome.message).toMatch(/not valid zlib/);
  });

  it('inflates with fflate where the platform has no DecompressionStream', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    try {
      const { bytes, summary } = await decrypt(single, KEY, 4096);
      expect(bytes && Buffer.compare(bytes, DATABASE)).toBe(0);
      expect(summary?.tables).toBe(3);
      const broken = Buffer.from(zlib(DATABASE));
      broken.fill(0xff, 10, 40);
      const outcome = await decrypt(makeCrypt15({ rootKey: ROOT, payload: broken }), KEY);
      expect(outcome.code).toBe('payload_damaged');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('inflates with a transform the caller gives (the CLI uses node:zlib)', async () => {
    const { nodeInflate } = await import('../../src/cli/inflate.ts');
    const source = bytesSource(single);
    const header = await readWhatsAppHeader(source);
    const decryption = new WhatsAppDecryption(source, header, KEY, { inflate: nodeInflate });
    const parts: Uint8Array[] = [];
    for await (const piece of decryption) parts.push(piece);
    expect(Buffer.compare(Buffer.concat(parts), DATABASE)).toBe(0);
    const broken = Buffer.from(zlib(DATABASE));
    broken.fill(0xff, 10, 40);
    const bad = makeCrypt15({ rootKey: ROOT, payload: broken });
    const badSource = bytesSource(bad);
    const failing = new WhatsAppDecryption(badSource, await readWhatsAppHeader(badSource), KEY, {
      inflate: nodeInflate,
    });
    await expect(async () => {
      for await (const _ of failing);
    }).rejects.toMatchObject({ code: 'payload_damaged' });
  });

  it('stops reading when the consumer stops early', async () => {
    let pulled = 0;
    async function* pieces(offset: number) {
      for (let at = offset; at < single.length; at += 1024) {
        pulled++;
        yield single.subarray(at, at + 1024);
      }
    }
    const source = { ...bytesSource(single), stream: pieces };
    const decryption = new WhatsAppDecryption(source, await readWhatsAppHeader(source), KEY, { chunkSize: 1024 });
    for await (const _ of decryption) break;
    expect(decryption.summary).toBeUndefined();
    expect(single.length / 1024).toBeGreaterThan(250);
    // Far fewer than all 250+ pieces; the exact count depends on scheduling (read-ahead and the
    // inflater's queue fill while the break propagates), so the bound leaves room for a busy machine.
    expect(pulled).toBeLessThan(64);
  });

  it('checks cancellation between chunks', async () => {
    const controller = new AbortController();
    const header = parseWhatsAppHeader(single, single.length);
    const decryption = new WhatsAppDecryption(bytesSource(single), header, KEY, {
      chunkSize: 1024,
      signal: controller.signal,
    });
    controller.abort();
    await expect(async () => {
      for await (const _ of decryption) break;
    }).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('crypt14 and crypt12, generated from the layouts found in the real fixtures', () => {
  const aes = randomBytes(32);
  const keyFile = parseWhatsAppKeyFile(legacyKeyFile(aes));
  const cases = [
    ['crypt14', makeCrypt14(aes, zlib(DATABASE))],
    ['crypt12', makeCrypt12(aes, zlib(DATABASE))],
  ] as const;

  for (const [format, file] of cases) {
    it(`${format}: decrypts with the key file, and tells a wrong key from damage`, async () => {
      const good = await decrypt(file, keyFile, 4096);
      expect(good.bytes && createHash('sha256').update(good.bytes).digest('hex')).toBe(
        createHash('sha256').update(DATABASE).digest('hex'),
      );
      expect(good.summary).toMatchObject({ format, content: 'sqlite', tables: 3, phoneSuffix: '42' });

      const otherAccount = parseWhatsAppKeyFile(legacyKeyFile(randomBytes(32), noise(32, 77)));
      const wrong = await decrypt(file, otherAccount);
      expect(wrong.code).toBe('wrong_key');
      expect(wrong.message).toMatch(/belongs to another backup/);
      expect((await decrypt(flip(file, 2000), keyFile)).code).toBe('payload_damaged');
      expect((await decrypt(file, KEY)).code).toBe('key_mismatch');
    });
  }
});
