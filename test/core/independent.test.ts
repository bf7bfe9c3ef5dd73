/**
 * Spec conformance against a second, independent implementation written here from
 * spec/FORMAT.md alone with node:crypto and node:zlib (Argon2id still comes from hash-wasm, whose
 * output the KAT file pins to the reference vectors). The core must read what this writes, and
 * this must read what the core writes.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { argon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { OpenedBackup } from '../../src/core/reader.ts';
import { bytesSource } from '../../src/core/source.ts';
import {
  bytesEqual,
  CHEAP_KDF,
  makeBackup,
  memorySink,
  noiseBytes,
  PASSPHRASE,
  PASSPHRASE_SLOT,
  RECOVERY_KEY,
  RECOVERY_SLOT,
  type SimpleEntry,
  textBytes,
} from './helpers.ts';

const MAGIC = Buffer.from([0x89, 0x43, 0x4f, 0x46, 0x46, 0x45, 0x52, 0x0a]);
const SEGMENT = 1 << 20;

const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string) =>
  Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), 32));

function gcmSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}

function chunkIv(index: number, final: boolean): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUIntBE(index, 5, 6); // u88_be: the top five bytes stay zero below 2^48
  iv[11] = final ? 1 : 0;
  return iv;
}

async function passphraseKek(passphrase: string, salt: Uint8Array, m: number, t: number, p: number) {
  return argon2id({
    password: Buffer.from(passphrase.normalize('NFC'), 'utf8'),
    salt,
    memorySize: m,
    iterations: t,
    parallelism: p,
    hashLength: 32,
    outputType: 'binary',
  });
}

interface Entry {
  path: string;
  type: 'file' | 'dir';
  data?: Buffer;
  mode: number;
  mtime: number;
  compress?: boolean;
}

/** An independent writer, straight from the spec. */
async function independentWrite(entries: Entry[], chunkLog2: number): Promise<Buffer> {
  const fileKey = randomBytes(32);
  const slots: Buffer[] = [];
  {
    // Recovery-key slot (3.2).
    const salt = randomBytes(16);
    const prefix = Buffer.concat([Buffer.from([2, 0, 64, 0]), salt]);
    const kek = hkdf(Buffer.from(RECOVERY_KEY, 'ascii'), salt, 'coffer/v1 recovery key');
    slots.push(Buffer.concat([prefix, gcmSeal(kek, Buffer.alloc(12), fileKey, prefix)]));
  }
  {
    // Passphrase slot (3.1).
    const salt = randomBytes(16);
    const params = Buffer.alloc(12);
    params.writeUInt32LE(CHEAP_KDF.memoryKiB, 0);
    params.writeUInt32LE(CHEAP_KDF.iterations, 4);
    params.writeUInt32LE(CHEAP_KDF.parallelism, 8);
    const prefix = Buffer.concat([Buffer.from([1, 0, 76, 0]), params, salt]);
    const kek = await passphraseKek(PASSPHRASE, salt, CHEAP_KDF.memoryKiB, CHEAP_KDF.iterations, CHEAP_KDF.parallelism);
    slots.push(Buffer.concat([prefix, gcmSeal(kek, Buffer.alloc(12), fileKey, prefix)]));
  }
  const nonce = randomBytes(32);
  const fixed = Buffer.alloc(52);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt16LE(1, 8);
  const headerLength = 52 + slots.reduce((sum, s) => sum + s.length, 0) + 32;
  fixed.writeUInt32LE(headerLength, 12);
  fixed[16] = chunkLog2;
  fixed[17] = slots.length;
  nonce.copy(fixed, 20);
  const unauthenticated = Buffer.concat([fixed, ...slots]);
  const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'coffer/v1 header mac'))
    .update(unauthenticated)
    .digest();
  const header = Buffer.concat([unauthenticated, mac]);

  // Archive (5).
  const data: Buffer[] = [];
  const records: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    let stored: Buffer = Buffer.alloc(0);
    let method = 0;
    const size = entry.data?.length ?? 0;
    if (entry.type === 'file' && entry.data && size > 0) {
      if (entry.compress) {
        method = 1;
        const segments: Buffer[] = [];
        for (let s = 0; s < size; s += SEGMENT) {
          const raw = entry.data.subarray(s, s + SEGMENT);
          const deflated = deflateRawSync(raw, { level: 6 });
          const useRaw = deflated.length >= raw.length;
          const word = Buffer.alloc(4);
          word.writeUInt32LE((useRaw ? 0x80000000 : 0) + (useRaw ? raw.length : deflated.length));
          segments.push(word, useRaw ? raw : deflated);
        }
        stored = Buffer.concat(segments);
      } else {
        stored = entry.data;
      }
    }
    const path = Buffer.from(entry.path, 'utf8');
    const record = Buffer.alloc(40);
    record[0] = entry.type === 'file' ? 1 : 2;
    record[1] = method;
    record.writeUInt16LE(path.length, 2);
    record.writeUInt32LE(entry.mode, 4);
    record.writeBigInt64LE(BigInt(entry.mtime), 8);
    record.writeBigUInt64LE(BigInt(size), 16);
    record.writeBigUInt64LE(BigInt(stored.length), 24);
    record.writeBigUInt64LE(BigInt(offset), 32);
    records.push(record, path);
    data.push(stored);
    offset += stored.length;
  }
  const index = Buffer.concat(records);
  const trailer = Buffer.alloc(32);
  trailer.writeBigUInt64LE(BigInt(offset), 0);
  trailer.writeBigUInt64LE(BigInt(index.length), 8);
  trailer.writeBigUInt64LE(BigInt(entries.length), 16);
  Buffer.from('COFFIDX1').copy(trailer, 24);
  const plaintext = Buffer.concat([...data, index, trailer]);

  // STREAM (4).
  const payloadKey = hkdf(fileKey, nonce, 'coffer/v1 payload');
  const C = 2 ** chunkLog2;
  const n = Math.ceil(plaintext.length / C);
  const chunks: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    chunks.push(gcmSeal(payloadKey, chunkIv(i, i === n - 1), plaintext.subarray(i * C, (i + 1) * C)));
  }
  return Buffer.concat([header, ...chunks]);
}

/** An independent reader, straight from the spec. */
async function independentRead(file: Buffer, credentials: { recoveryKey?: string; passphrase?: string }) {
  expect(file.subarray(0, 8).equals(MAGIC)).toBe(true);
  expect(file.readUInt16LE(8)).toBe(1);
  const H = file.readUInt32LE(12);
  const chunkLog2 = file[16];
  const slotCount = file[17];
  const nonce = file.subarray(20, 52);
  let fileKey: Buffer | undefined;
  let offset = 52;
  for (let s = 0; s < slotCount; s++) {
    const type = file[offset];
    const L = file.readUInt16LE(offset + 2);
    const slot = file.subarray(offset, offset + 4 + L);
    const aad = slot.subarray(0, 4 + L - 48);
    const wrapped = slot.subarray(4 + L - 48);
    let kek: Uint8Array | undefined;
    if (type === 2 && credentials.recoveryKey) {
      kek = hkdf(Buffer.from(credentials.recoveryKey, 'ascii'), slot.subarray(4, 20), 'coffer/v1 recovery key');
    } else if (type === 1 && credentials.passphrase) {
      const m = slot.readUInt32LE(4);
      const t = slot.readUInt32LE(8);
      const p = slot.readUInt32LE(12);
      kek = await passphraseKek(credentials.passphrase, slot.subarray(16, 32), m, t, p);
    }
    if (kek && !fileKey) {
      try {
        fileKey = gcmOpen(kek, Buffer.alloc(12), wrapped, aad);
      } catch {
        // not this slot
      }
    }
    offset += 4 + L;
  }
  expect(offset).toBe(H - 32);
  if (!fileKey) throw new Error('no slot opened');
  const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'coffer/v1 header mac'))
    .update(file.subarray(0, H - 32))
    .digest();
  expect(mac.equals(file.subarray(H - 32, H))).toBe(true);

  const payloadKey = hkdf(fileKey, nonce, 'coffer/v1 payload');
  const sealed = 2 ** chunkLog2 + 16;
  const B = file.length - H;
  const n = Math.ceil(B / sealed);
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const start = H + i * sealed;
    parts.push(
      gcmOpen(payloadKey, chunkIv(i, i === n - 1), file.subarray(start, Math.min(file.length, start + sealed))),
    );
  }
  const P = Buffer.concat(parts);
  const trailer = P.subarray(P.length - 32);
  expect(trailer.subarray(24).toString('latin1')).toBe('COFFIDX1');
  const indexOffset = Number(trailer.readBigUInt64LE(0));
  const indexLength = Number(trailer.readBigUInt64LE(8));
  const count = Number(trailer.readBigUInt64LE(16));
  expect(indexOffset + indexLength + 32).toBe(P.length);
  const result: { path: string; type: string; mode: number; mtime: number; data: Buffer }[] = [];
  let position = indexOffset;
  for (let i = 0; i < count; i++) {
    const type = P[position] === 1 ? 'file' : 'dir';
    const method = P[position + 1];
    const pathLength = P.readUInt16LE(position + 2);
    const mode = P.readUInt32LE(position + 4);
    const mtime = Number(P.readBigInt64LE(position + 8));
    const size = Number(P.readBigUInt64LE(position + 16));
    const storedLength = Number(P.readBigUInt64LE(position + 24));
    const dataOffset = Number(P.readBigUInt64LE(position + 32));
    const path = P.subarray(position + 40, position + 40 + pathLength).toString('utf8');
    const stored = P.subarray(dataOffset, dataOffset + storedLength);
    let data: Buffer = stored;
    if (method === 1 || method === 2) {
      // Method 2 (spec 5.6): each segment one zstd frame, decoded by the zstd command.
      const decode =
        method === 1 ? inflateRawSync : (body: Buffer) => execFileSync('zstd', ['-d', '-c', '-q'], { input: body });
      const out: Buffer[] = [];
      for (let s = 0; s < stored.length; ) {
        const word = stored.readUInt32LE(s);
        const body = stored.subarray(s + 4, s + 4 + (word & 0x7fffffff));
        out.push(word >= 0x80000000 ? body : decode(body));
        s += 4 + body.length;
      }
      data = Buffer.concat(out);
    }
    expect(data.length).toBe(size);
    result.push({ path, type, mode, mtime, data });
    position += 40 + pathLength;
  }
  return result;
}

const ENTRIES: Entry[] = [
  { path: 'docs', type: 'dir', mode: 0o755, mtime: 1_000 },
  { path: 'docs/readme.txt', type: 'file', data: Buffer.from(textBytes(5000)), mode: 0o644, mtime: -1, compress: true },
  {
    path: 'docs/big.log',
    type: 'file',
    data: Buffer.concat([Buffer.from(textBytes(SEGMENT + 1000, 3)), Buffer.from(noiseBytes(3000))]),
    mode: 0o600,
    mtime: 1_700_000_000_000,
    compress: true,
  },
  { path: 'noise.bin', type: 'file', data: Buffer.from(noiseBytes(2500, 11)), mode: 0, mtime: 0 },
  { path: 'empty', type: 'file', data: Buffer.alloc(0), mode: 0o400, mtime: 5 },
  { path: 'ünïcödé 日本 😀', type: 'file', data: Buffer.from('x'), mode: 0o644, mtime: 6 },
];

describe('independent implementation from the spec', () => {
  it('the core reads a backup written by the independent writer', async () => {
    for (const chunkLog2 of [10, 16]) {
      const file = await independentWrite(ENTRIES, chunkLog2);
      for (const credentials of [{ recoveryKey: RECOVERY_KEY }, { passphrase: PASSPHRASE }]) {
        const backup = await OpenedBackup.open(bytesSource(file), credentials);
        expect(backup.entries.map((e) => [e.path, e.type, e.mode, e.mtime, e.size])).toEqual(
          ENTRIES.map((e) => [e.path, e.type, e.mode, e.mtime, e.data?.length ?? 0]),
        );
        const { sink, files } = memorySink();
        await backup.restore(sink);
        for (const entry of ENTRIES.filter((e) => e.type === 'file')) {
          expect(bytesEqual(files.get(entry.path) as Uint8Array, entry.data as Uint8Array)).toBe(true);
        }
      }
    }
  });

  it('the independent reader reads a backup written by the core', async () => {
    const tree: SimpleEntry[] = ENTRIES.map((e) => ({
      path: e.path,
      type: e.type,
      data: e.data,
      mode: e.mode,
      mtime: e.mtime,
    }));
    const file = Buffer.from(await makeBackup(tree, { slots: [PASSPHRASE_SLOT, RECOVERY_SLOT], chunkSizeLog2: 12 }));
    for (const credentials of [{ recoveryKey: RECOVERY_KEY }, { passphrase: PASSPHRASE }]) {
      const read = await independentRead(file, credentials);
      expect(read.map((e) => [e.path, e.type, e.mode, e.mtime])).toEqual(
        ENTRIES.map((e) => [e.path, e.type, e.mode, e.mtime]),
      );
      for (const [i, entry] of ENTRIES.entries()) {
        expect(bytesEqual(read[i].data, entry.data ?? Buffer.alloc(0))).toBe(true);
      }
    }
  });

  it('the independent implementations agree with each other (sanity of the oracle)', async () => {
    const file = await independentWrite(ENTRIES, 11);
    const read = await independentRead(file, { recoveryKey: RECOVERY_KEY });
    expect(read.map((e) => e.path)).toEqual(ENTRIES.map((e) => e.path));
  });
});
