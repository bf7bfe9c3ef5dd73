/**
 * Makes crypt15 backups from the format facts alone (varint-prefixed BackupPrefix protobuf,
 * HKDF-derived key, AES-256-GCM with a 16-byte IV, tag, then an MD5 of everything before it
 * for single-file backups), so the tests run where the real fixtures in ../shared are absent.
 */
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Zlib, zlibSync } from 'fflate';
import { encodeField, encodeVarint } from '../../src/whatsapp/core/protobuf.ts';

export const SHARED = resolve(import.meta.dirname, '../../../shared/fixtures/whatsapp');
/** COFFER_IGNORE_SHARED=1 runs the tests as if ../shared were absent (to see them skip). */
export const HAVE_SHARED = !process.env.COFFER_IGNORE_SHARED && existsSync(join(SHARED, 'README.md'));
export const SHARED_ROOT_KEY = '6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017';
export const SHARED_SHA256 = '1425b944a2e3885fc936a7bb82f6548c5cc09523a2f61f02aa836c4ed8bbd16e';

/** HKDF-SHA256(root, empty salt, "backup encryption", 32), written out by hand as RFC 5869 says. */
export function backupKey(rootKey: Uint8Array): Buffer {
  const prk = createHmac('sha256', Buffer.alloc(32)).update(rootKey).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('backup encryption'), Buffer.from([1])]))
    .digest();
}

export interface HeaderOptions {
  iv: Uint8Array;
  appVersion?: string;
  /** Adds the feature flags and a top-level field 6, as newer WhatsApp versions write. */
  newer?: boolean;
  /** Fields before the IV message, to show the IV is found by field number, not offset. */
  leadingUnknown?: boolean;
}

export function crypt15Prefix(options: HeaderOptions): Buffer {
  const info: Uint8Array[] = [encodeField(1, options.appVersion ?? '2.24.1.7'), encodeField(3, '42')];
  if (options.newer) for (let field = 4; field < 60; field++) info.push(encodeField(field, field % 3 === 0 ? 0 : 1));
  const parts: Uint8Array[] = [];
  if (options.leadingUnknown) parts.push(encodeField(9, 'an unknown field first'), encodeField(10, 12345));
  parts.push(encodeField(1, 1), encodeField(3, encodeField(1, options.iv)), encodeField(4, Buffer.concat(info)));
  if (options.newer) parts.push(encodeField(6, Buffer.concat([encodeField(1, 7), encodeField(2, randomBytes(20))])));
  const proto = Buffer.concat(parts);
  return Buffer.concat([encodeVarint(proto.length), proto]);
}

export interface Crypt15Options extends Partial<HeaderOptions> {
  rootKey: Uint8Array;
  /** What goes inside: zlib data for a database, or a ZIP. */
  payload: Uint8Array;
  /** Multi-file layout: no MD5 after the tag. */
  multiFile?: boolean;
}

export function makeCrypt15(options: Crypt15Options): Buffer {
  const iv = options.iv ?? randomBytes(16);
  const prefix = crypt15Prefix({ ...options, iv });
  const cipher = createCipheriv('aes-256-gcm', backupKey(options.rootKey), iv);
  const body = Buffer.concat([cipher.update(options.payload), cipher.final(), cipher.getAuthTag()]);
  const file = Buffer.concat([prefix, body]);
  if (options.multiFile) return file;
  return Buffer.concat([file, createHash('md5').update(file).digest()]);
}

/** A Java-serialised byte[] as ObjectOutputStream writes it (encrypted_backup.key, key). */
export function javaBytes(payload: Uint8Array): Buffer {
  const head = Buffer.from('aced0005757200025b42acf317f8060854e00200007870', 'hex');
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([head, length, payload]);
}

export const SERVER_SALT = noise(32, 5);
export const ACCOUNT_SALT = noise(16, 6);

/** The 158-byte crypt12/crypt14 key file: versions, server salt, account salt, hashed id, zeros, AES key. */
export function legacyKeyFile(aesKey: Uint8Array, serverSalt = SERVER_SALT, googleIdSalt = ACCOUNT_SALT): Buffer {
  return javaBytes(
    Buffer.concat([Buffer.from([0, 1, 2]), serverSalt, googleIdSalt, noise(32, 7), Buffer.alloc(16), aesKey]),
  );
}

function gcmSeal(key: Uint8Array, iv: Uint8Array, payload: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
}

/** crypt14: like crypt15, but the protobuf carries the legacy cipher message (field 2) with salts and IV. */
export function makeCrypt14(aesKey: Uint8Array, payload: Uint8Array, iv: Uint8Array = randomBytes(16)): Buffer {
  const legacy = Buffer.concat([
    encodeField(1, Uint8Array.of(0, 1)),
    encodeField(2, '2'),
    encodeField(3, SERVER_SALT),
    encodeField(4, ACCOUNT_SALT),
    encodeField(5, iv),
  ]);
  const info = Buffer.concat([encodeField(1, '2.21.20.1'), encodeField(3, '42')]);
  const proto = Buffer.concat([encodeField(1, 0), encodeField(2, legacy), encodeField(4, info)]);
  const file = Buffer.concat([encodeVarint(proto.length), proto, gcmSeal(aesKey, iv, payload)]);
  return Buffer.concat([file, createHash('md5').update(file).digest()]);
}

/** crypt12: a fixed 67-byte header; after the tag an MD5 of everything before it, then "--42". */
export function makeCrypt12(aesKey: Uint8Array, payload: Uint8Array, iv: Uint8Array = randomBytes(16)): Buffer {
  const file = Buffer.concat([Buffer.from([0, 1, 2]), SERVER_SALT, ACCOUNT_SALT, iv, gcmSeal(aesKey, iv, payload)]);
  return Buffer.concat([file, createHash('md5').update(file).digest(), Buffer.from('--42')]);
}

export function zlib(data: Uint8Array, level: 0 | 1 | 6 = 6): Uint8Array {
  return zlibSync(data, { level });
}

/** A deterministic pseudo-random buffer (xorshift). */
export function noise(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Writes a large single-file crypt15 to `path` in 4 MiB steps (for measuring): the payload is a
 * zlib stream of stored blocks over pseudo-random data, so the file is about `size` bytes.
 * Returns the SHA-256 of the plaintext.
 */
export function writeLargeCrypt15(path: string, rootKey: Uint8Array, size: number): string {
  const iv = randomBytes(16);
  const prefix = crypt15Prefix({ iv, newer: true });
  const cipher = createCipheriv('aes-256-gcm', backupKey(rootKey), iv);
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  const fd = openSync(path, 'w');
  const put = (bytes: Uint8Array) => {
    md5.update(bytes);
    writeSync(fd, bytes);
  };
  put(prefix);
  put(cipher.update(Buffer.from([0x78, 0x01])));
  const block = noise(65535, 99);
  let adlerA = 1;
  let adlerB = 0;
  const blocks = Math.max(1, Math.floor(size / 65540));
  for (let i = 0; i < blocks; i++) {
    block.writeUInt32LE(i, 0);
    const last = i === blocks - 1;
    const stored = Buffer.alloc(5 + block.length);
    stored[0] = last ? 1 : 0;
    stored.writeUInt16LE(block.length, 1);
    stored.writeUInt16LE(~block.length & 0xffff, 3);
    block.copy(stored, 5);
    put(cipher.update(stored));
    sha.update(block);
    for (const byte of block) {
      adlerA = (adlerA + byte) % 65521;
      adlerB = (adlerB + adlerA) % 65521;
    }
  }
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((adlerB << 16) | adlerA) >>> 0);
  put(cipher.update(adler));
  put(cipher.final());
  put(cipher.getAuthTag());
  writeSync(fd, md5.digest());
  closeSync(fd);
  return sha.digest('hex');
}

function sqliteVarint(value: number): number[] {
  const out = [value & 0x7f];
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) out.unshift((rest & 0x7f) | 0x80);
  return out;
}

export type SchemaPage = { rows: ('table' | 'index' | 'view' | 'trigger')[] } | { children: number[] };

/**
 * A minimal SQLite file whose schema b-tree (rooted at page 1) has the given pages; other pages
 * are filler. `encoding` is the header's text encoding: 1 UTF-8, 2 UTF-16le, 3 UTF-16be.
 */
export function makeSqlite(
  pages: Record<number, SchemaPage>,
  pageCount: number,
  pageSize = 1024,
  encoding = 1,
): Buffer {
  const file = Buffer.alloc(pageCount * pageSize, 0x11);
  const text = (value: string) =>
    encoding === 1
      ? Buffer.from(value, 'utf8')
      : encoding === 2
        ? Buffer.from(value, 'utf16le')
        : Buffer.from(value, 'utf16le').swap16();
  file.fill(0, 0, pageSize);
  file.write('SQLite format 3\u0000', 0, 'latin1');
  file.writeUInt16BE(pageSize === 65536 ? 1 : pageSize, 16);
  file.set([1, 1, 0, 64, 32, 32], 18);
  file.writeUInt32BE(pageCount, 28);
  file.writeUInt32BE(4, 44);
  file.writeUInt32BE(encoding, 56);
  let rowid = 1;
  for (const [numberText, spec] of Object.entries(pages)) {
    const number = Number(numberText);
    const page = file.subarray((number - 1) * pageSize, number * pageSize);
    if (number !== 1) page.fill(0);
    const start = number === 1 ? 100 : 0;
    const cells: Buffer[] = [];
    if ('rows' in spec) {
      for (const [i, type] of spec.rows.entries()) {
        const values = [text(type), text(`t${rowid}`), text(`t${rowid}`), Buffer.from([i + 2]), text('CREATE x')];
        const types = [
          13 + 2 * values[0].length,
          13 + 2 * values[1].length,
          13 + 2 * values[2].length,
          1,
          13 + 2 * values[4].length,
        ].flatMap(sqliteVarint);
        const header = Buffer.from([types.length + 1, ...types]);
        const payload = Buffer.concat([header, ...values]);
        cells.push(Buffer.from([...sqliteVarint(payload.length), ...sqliteVarint(rowid++), ...payload]));
      }
    } else {
      for (const child of spec.children.slice(0, -1)) {
        const cell = Buffer.alloc(4);
        cell.writeUInt32BE(child);
        cells.push(Buffer.concat([cell, Buffer.from(sqliteVarint(rowid++))]));
      }
    }
    const interior = 'children' in spec;
    const headerSize = interior ? 12 : 8;
    let content = pageSize;
    page[start] = interior ? 0x05 : 0x0d;
    page.writeUInt16BE(0, start + 1);
    page.writeUInt16BE(cells.length, start + 3);
    page[start + 7] = 0;
    if (interior) page.writeUInt32BE(spec.children[spec.children.length - 1], start + 8);
    for (const [i, cell] of cells.entries()) {
      content -= cell.length;
      cell.copy(page, content);
      page.writeUInt16BE(content, start + headerSize + 2 * i);
    }
    page.writeUInt16BE(content, start + 5);
  }
  return file;
}

/**
 * Like writeLargeCrypt15, but the plaintext is chat-log-like text (about 5:1 under zlib), so
 * inflating costs what it does for a real msgstore.db. `size` is the plaintext size.
 */
export function writeCompressibleCrypt15(path: string, rootKey: Uint8Array, size: number): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-gcm', backupKey(rootKey), iv);
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  const fd = openSync(path, 'w');
  const put = (bytes: Uint8Array) => {
    md5.update(bytes);
    writeSync(fd, bytes);
  };
  put(crypt15Prefix({ iv, newer: true }));
  const deflater = new Zlib({ level: 1 }, (data) => put(cipher.update(data)));
  const words = ['ok', 'see you', 'on my way', 'haha', 'what time?', 'call me', 'photo', 'thanks!', 'where are you'];
  let x = 12345;
  for (let done = 0; done < size; ) {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      lines.push(
        `${done + i}|${1_700_000_000 + (x % 100000)}|+1555${(x >>> 8) % 10000}|${words[x % words.length]}|${x % 7}\n`,
      );
    }
    const block = Buffer.from(lines.join('')).subarray(0, Math.min(size - done, Number.MAX_SAFE_INTEGER));
    done += block.length;
    sha.update(block);
    deflater.push(block, done >= size);
  }
  put(cipher.final());
  put(cipher.getAuthTag());
  writeSync(fd, md5.digest());
  closeSync(fd);
  return sha.digest('hex');
}
