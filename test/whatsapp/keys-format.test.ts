import { describe, expect, it } from 'vitest';
import { CofferError } from '../../src/core/errors.ts';
import {
  outputName,
  parseWhatsAppHeader,
  parseWhatsAppKey,
  parseWhatsAppKeyFile,
  whatsappKeyProblem,
} from '../../src/whatsapp/core/index.ts';
import { javaByteArray } from '../../src/whatsapp/core/keys.ts';
import { encodeField, encodeVarint } from '../../src/whatsapp/core/protobuf.ts';
import { crypt15Prefix, javaBytes, legacyKeyFile, makeCrypt15, noise, zlib } from './fixtures.ts';

const HEX = '6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof CofferError ? error.code : `not a CofferError: ${String(error)}`;
  }
  return undefined;
}

describe('typed keys', () => {
  it('accept 64 hex digits in any case, with spaces, dashes and line breaks', () => {
    const spaced = `${HEX.slice(0, 16).toUpperCase()} ${HEX.slice(16, 32)}-${HEX.slice(32, 48)}\n${HEX.slice(48)}`;
    const key = parseWhatsAppKey(spaced);
    expect(key.kind).toBe('e2e');
    expect(key.kind === 'e2e' && Buffer.from(key.rootKey).toString('hex')).toBe(HEX);
  });

  it('say what is wrong with a mistyped key', () => {
    expect(whatsappKeyProblem(HEX.slice(1))).toMatch(/64 digits; this has 63/);
    expect(whatsappKeyProblem(`${HEX.slice(1)}g`)).toMatch(/"g" is not one of them/);
    expect(whatsappKeyProblem(HEX)).toBeUndefined();
    expect(codeOf(() => parseWhatsAppKey('12'))).toBe('invalid_input');
  });
});

describe('key files', () => {
  it('read encrypted_backup.key (a Java byte[32]) as the end-to-end root key', () => {
    const key = parseWhatsAppKeyFile(javaBytes(Buffer.from(HEX, 'hex')));
    expect(key.kind === 'e2e' && Buffer.from(key.rootKey).toString('hex')).toBe(HEX);
  });

  it('read the 158-byte legacy key file: salts and the AES key in its last 32 bytes', () => {
    const aes = noise(32, 9);
    const file = legacyKeyFile(aes);
    expect(file.length).toBe(158);
    const key = parseWhatsAppKeyFile(file);
    expect(key.kind).toBe('legacy');
    if (key.kind !== 'legacy') return;
    expect(Buffer.compare(key.aesKey, aes)).toBe(0);
    expect(Buffer.compare(key.serverSalt, noise(32, 5))).toBe(0);
    expect(Buffer.compare(key.googleIdSalt, noise(16, 6))).toBe(0);
  });

  it('read a text file holding the 64 digits', () => {
    const key = parseWhatsAppKeyFile(new TextEncoder().encode(`${HEX.toUpperCase()}\r\n`));
    expect(key.kind).toBe('e2e');
  });

  it('refuse files that are not keys, with a reason', () => {
    expect(codeOf(() => parseWhatsAppKeyFile(javaBytes(new Uint8Array(20))))).toBe('invalid_input');
    expect(() => parseWhatsAppKeyFile(javaBytes(new Uint8Array(20)))).toThrow(/holds 20 bytes/);
    expect(codeOf(() => parseWhatsAppKeyFile(new TextEncoder().encode('hello world')))).toBe('invalid_input');
    const cut = javaBytes(new Uint8Array(32)).subarray(0, 40);
    expect(() => parseWhatsAppKeyFile(cut)).toThrow(/byte array says 32 bytes but 13 follow/);
    expect(javaByteArray(new Uint8Array(4))).toBeUndefined();
  });
});

describe('recognising a backup', () => {
  const iv = noise(16, 3);

  it('finds the IV of a crypt15 header by field number, whatever comes before it', () => {
    for (const options of [{}, { newer: true }, { leadingUnknown: true }, { newer: true, leadingUnknown: true }]) {
      const file = makeCrypt15({ rootKey: noise(32), payload: zlib(noise(100)), iv, ...options });
      const header = parseWhatsAppHeader(file, file.length, 'msgstore.db.crypt15');
      expect(header.format).toBe('crypt15');
      expect(Buffer.compare(header.iv, iv)).toBe(0);
      expect(header.appVersion).toBe('2.24.1.7');
      expect(header.phoneSuffix).toBe('42');
      expect(header.bodyOffset).toBe(crypt15Prefix({ iv, ...options }).length);
    }
  });

  it('reads a header longer than 127 bytes (two-byte varint) with a top-level field 6', () => {
    const prefix = crypt15Prefix({ iv, newer: true });
    expect(prefix.length).toBeGreaterThan(130);
    expect(prefix[0] & 0x80).toBe(0x80);
    const header = parseWhatsAppHeader(Buffer.concat([prefix, new Uint8Array(64)]), prefix.length + 64);
    expect(header.format).toBe('crypt15');
    expect(header.bodyOffset).toBe(prefix.length);
  });

  it('also reads a one-byte length followed by a 0x01 flag byte', () => {
    const proto = Buffer.concat([encodeField(1, 1), encodeField(3, encodeField(1, iv))]);
    const file = Buffer.concat([Buffer.from([proto.length, 0x01]), proto, new Uint8Array(48)]);
    const header = parseWhatsAppHeader(file, file.length);
    expect(header.format).toBe('crypt15');
    expect(header.bodyOffset).toBe(2 + proto.length);
  });

  it('tells crypt14 from crypt15 by its cipher message, and keeps the salts', () => {
    const legacy = Buffer.concat([
      encodeField(1, Uint8Array.of(0, 1)),
      encodeField(2, '2'),
      encodeField(3, noise(32, 5)),
      encodeField(4, noise(16, 6)),
      encodeField(5, iv),
    ]);
    const proto = Buffer.concat([encodeField(1, 0), encodeField(2, legacy), encodeField(4, encodeField(1, '2.21.0'))]);
    const file = Buffer.concat([encodeVarint(proto.length), proto, new Uint8Array(64)]);
    const header = parseWhatsAppHeader(file, file.length, 'x.crypt14');
    expect(header.format).toBe('crypt14');
    expect(header.appVersion).toBe('2.21.0');
    expect(Buffer.compare(header.serverSalt ?? new Uint8Array(), noise(32, 5))).toBe(0);
  });

  it('recognises crypt12 by its fixed header', () => {
    const file = Buffer.concat([Buffer.from([0, 1, 2]), noise(32, 5), noise(16, 6), iv, new Uint8Array(100)]);
    const header = parseWhatsAppHeader(file, file.length, 'msgstore.db.crypt12');
    expect(header.format).toBe('crypt12');
    expect(header.bodyOffset).toBe(67);
    expect(Buffer.compare(header.iv, iv)).toBe(0);
  });

  it('says which files it does not recognise, which formats it does not support, and which are cut short', () => {
    const junk = Buffer.from('PK\u0003\u0004 not a backup at all');
    expect(codeOf(() => parseWhatsAppHeader(junk, junk.length, 'photo.zip'))).toBe('not_whatsapp');
    expect(codeOf(() => parseWhatsAppHeader(junk, junk.length, 'msgstore.db.crypt15'))).toBe('not_whatsapp');
    expect(() => parseWhatsAppHeader(junk, junk.length, 'msgstore.db.crypt8')).toThrow(/crypt8 backups are not/);
    expect(codeOf(() => parseWhatsAppHeader(junk, junk.length, 'msgstore.db.crypt8'))).toBe('unsupported_version');
    expect(codeOf(() => parseWhatsAppHeader(new Uint8Array(0), 0))).toBe('not_whatsapp');
    const prefix = crypt15Prefix({ iv });
    expect(codeOf(() => parseWhatsAppHeader(Buffer.concat([prefix, new Uint8Array(8)]), prefix.length + 8))).toBe(
      'truncated',
    );
    const crypt12 = Buffer.concat([Buffer.from([0, 1, 2]), new Uint8Array(80)]);
    expect(codeOf(() => parseWhatsAppHeader(crypt12, crypt12.length))).toBe('truncated');
  });

  it('refuses a file larger than AES-GCM can encrypt under one IV', () => {
    const prefix = crypt15Prefix({ iv });
    expect(codeOf(() => parseWhatsAppHeader(prefix, 2 ** 36 + 1000))).toBe('limit_exceeded');
    expect(parseWhatsAppHeader(prefix, 2 ** 36 - 1000).format).toBe('crypt15');
  });

  it('names the output after the backup', () => {
    expect(outputName('msgstore.db.crypt15', 'sqlite')).toBe('msgstore.db');
    expect(outputName('wallpapers.backup.crypt15', 'zip')).toBe('wallpapers.backup.zip');
    expect(outputName('backup', 'data')).toBe('backup.decrypted');
  });
});
