/** The CLI's node:crypto AES-GCM must be indistinguishable from WebCrypto in every byte. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Drbg } from '../../spec/gen/drbg.ts';
import { nodeAesGcm } from '../../src/cli/aes-gcm.ts';
import { concatBytes } from '../../src/core/bytes.ts';
import { importAesKey, open, seal } from '../../src/core/crypto.ts';
import { backupBytes, bytesSource, OpenedBackup, type RestoreSink } from '../../src/core/index.ts';
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import { chunkIv } from '../../src/core/stream.ts';

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return concatBytes(parts);
}

function sealed(cipher: ReturnType<typeof nodeAesGcm>, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return concatBytes(cipher.seal(iv, plaintext));
}

/** Byte equality without vitest's element-by-element diffing, which crawls on large arrays. */
function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));
}

/** Deterministic bytes, cheaply: SHA-256 in counter mode over the seed. */
function sample(length: number, seed: string): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0, i = 0; offset < length; offset += 32, i++) {
    out.set(
      createHash('sha256')
        .update(`${seed}/${i}`)
        .digest()
        .subarray(0, length - offset),
      offset,
    );
  }
  return out;
}

describe('node:crypto AES-256-GCM', () => {
  const raw = sample(32, 'key');

  it('seals exactly as WebCrypto does, and each opens the other', async () => {
    const cipher = nodeAesGcm(raw);
    const webKey = await importAesKey(raw);
    for (const length of [0, 1, 15, 16, 17, 65_536, 262_144]) {
      const iv = chunkIv(length, length % 2 === 0);
      const plaintext = sample(length, `pt ${length}`);
      const bytes = sealed(cipher, iv, plaintext);
      expect(same(bytes, await seal(webKey, iv, plaintext))).toBe(true);
      expect(same(await open(webKey, iv, bytes), plaintext)).toBe(true);
      expect(same(cipher.open(iv, bytes), plaintext)).toBe(true);
    }
  });

  it('refuses a changed byte, a wrong IV or a cut tag, returning nothing', () => {
    const cipher = nodeAesGcm(raw);
    const iv = chunkIv(3, false);
    const bytes = sealed(cipher, iv, sample(1000, 'pt'));
    for (const position of [0, 500, 999, 1000, 1015]) {
      const bad = bytes.slice();
      bad[position] ^= 1;
      expect(cipher.open(iv, bad), `byte ${position}`).toBeUndefined();
    }
    expect(cipher.open(chunkIv(3, true), bytes)).toBeUndefined();
    expect(cipher.open(iv, bytes.subarray(0, 1015))).toBeUndefined();
    expect(cipher.open(iv, bytes.subarray(0, 10))).toBeUndefined();
  });

  it('keeps its own copy of the key, so the caller can wipe the raw bytes', () => {
    const key = raw.slice();
    const cipher = nodeAesGcm(key);
    const bytes = sealed(cipher, chunkIv(0, true), sample(64, 'x'));
    key.fill(0);
    expect(same(cipher.open(chunkIv(0, true), bytes), sample(64, 'x'))).toBe(true);
  });

  it('makes byte-identical backups to the WebCrypto path, and they open either way', async () => {
    const recoveryKey = generateRecoveryKey(new Drbg('rk').random);
    const files = [
      { path: 'a.bin', type: 'file' as const, mtime: 0, mode: 0o644, data: sample(700_000, 'a') },
      {
        path: 'b.txt',
        type: 'file' as const,
        mtime: 0,
        mode: 0o644,
        data: new TextEncoder().encode('hi '.repeat(9000)),
      },
    ];
    const make = (aes?: typeof nodeAesGcm) =>
      collect(
        backupBytes(
          files.map((file) => ({ ...file, size: file.data.length, open: () => [file.data] })),
          { slots: [{ kind: 'recovery-key', recoveryKey }], compress: true, random: new Drbg('file').random, aes },
        ),
      );
    const viaNode = await make(nodeAesGcm);
    expect(same(viaNode, await make())).toBe(true);
    for (const aes of [undefined, nodeAesGcm]) {
      const opened = await OpenedBackup.open(bytesSource(viaNode), { recoveryKey }, undefined, { aes });
      const restored = new Map<string, Uint8Array[]>();
      const sink: RestoreSink = {
        file: (entry) => {
          const parts: Uint8Array[] = [];
          restored.set(entry.path, parts);
          return { write: (bytes) => void parts.push(bytes.slice()), close() {} };
        },
      };
      await opened.restore(sink);
      for (const file of files)
        expect(same(concatBytes(restored.get(file.path) ?? []), file.data), file.path).toBe(true);
    }
  });
});
