/** In-process ceilings for Node: AES-GCM, Argon2id and the codecs, with no files or processes around them. */
import { webcrypto } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { deflateRawSync, inflateRawSync, constants as zlib } from 'node:zlib';
import { deflateSync, inflateSync } from 'fflate';
import { nodeAesGcm } from '../src/cli/aes-gcm.ts';
import { deriveArgon2id, KDF_PRESETS, type KdfPreset } from '../src/core/kdf.ts';
import type { BenchData } from './data.ts';
import { type Figure, repeat } from './lib.ts';
import { zstdCodecRows } from './zstd.ts';

export async function nodeCeilings(
  data: BenchData,
  repeats: number,
  record: (name: string, value: Figure) => void,
  want: (group: string) => boolean,
): Promise<void> {
  const subtle = webcrypto.subtle;
  const head = (path: string, limit: number) => {
    const bytes = new Uint8Array(Math.min(limit, statSync(path).size));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, bytes, 0, bytes.length, 0);
    } finally {
      closeSync(fd);
    }
    return bytes;
  };
  const random = head(data.random, 256 * 2 ** 20);
  const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < random.length; offset += 2 ** 18)
    chunks.push(random.subarray(offset, offset + 2 ** 18));
  const iv = (i: number) => {
    const bytes = new Uint8Array(12);
    new DataView(bytes.buffer).setUint32(8, i);
    return bytes;
  };
  for (const inFlight of [1, 4]) {
    const sealed: ArrayBuffer[] = [];
    record(
      `node.aesgcm.encrypt${inFlight}`,
      await repeat(repeats, async () => {
        const start = performance.now();
        for (let i = 0; i < chunks.length; i += inFlight) {
          const batch = await Promise.all(
            chunks.slice(i, i + inFlight).map((c, j) => subtle.encrypt({ name: 'AES-GCM', iv: iv(i + j) }, key, c)),
          );
          batch.forEach((ct, j) => {
            sealed[i + j] = ct;
          });
        }
        return { seconds: (performance.now() - start) / 1000, bytes: random.length };
      }),
    );
    record(
      `node.aesgcm.decrypt${inFlight}`,
      await repeat(repeats, async () => {
        const start = performance.now();
        for (let i = 0; i < sealed.length; i += inFlight) {
          await Promise.all(
            sealed.slice(i, i + inFlight).map((c, j) => subtle.decrypt({ name: 'AES-GCM', iv: iv(i + j) }, key, c)),
          );
        }
        return { seconds: (performance.now() - start) / 1000, bytes: random.length };
      }),
    );
  }

  // The engine the CLI actually uses for payload chunks (src/cli/aes-gcm.ts): OpenSSL, no thread pool.
  const cipher = nodeAesGcm(new Uint8Array(32).fill(7));
  // Each sealed chunk is dropped once made, as the CLI does once it is written: keeping 256 MiB
  // alive would measure fresh memory being faulted in rather than the cipher.
  record(
    'node.openssl.encrypt',
    await repeat(repeats, async () => {
      const start = performance.now();
      let sealedBytes = 0;
      chunks.forEach((c, i) => {
        for (const part of cipher.seal(iv(i), c)) sealedBytes += part.length;
      });
      if (sealedBytes !== random.length + 16 * chunks.length) throw new Error('node:crypto sealed the wrong length');
      return { seconds: (performance.now() - start) / 1000, bytes: random.length };
    }),
  );
  // Made outside the timing, each chunk in one piece, as the CLI's reader gets them from disk.
  const joined = chunks.map((c, i) => Buffer.concat(cipher.seal(iv(i), c)));
  record(
    'node.openssl.decrypt',
    await repeat(repeats, async () => {
      const start = performance.now();
      joined.forEach((c, i) => {
        if (!cipher.open(iv(i), c)) throw new Error('node:crypto refused its own chunk');
      });
      return { seconds: (performance.now() - start) / 1000, bytes: random.length };
    }),
  );

  const text = head(data.text, 64 * 2 ** 20);
  const segments: Uint8Array[] = [];
  for (let offset = 0; offset < text.length; offset += 2 ** 20) segments.push(text.subarray(offset, offset + 2 ** 20));
  // Levels 1 and 2 side by side: the level the pools use is chosen from these rows.
  const deflaters: [string, (s: Uint8Array) => Uint8Array][] = [];
  for (const level of [1, 2] as const) {
    deflaters.push([`fflate.deflate${level}`, (s) => deflateSync(s, { level })]);
    deflaters.push([`zlib.deflate${level}`, (s) => deflateRawSync(s, { level, strategy: zlib.Z_DEFAULT_STRATEGY })]);
  }
  for (const [name, deflate] of deflaters) {
    let deflated: Uint8Array[] = [];
    record(
      `node.${name}`,
      await repeat(repeats, async () => {
        const start = performance.now();
        deflated = segments.map(deflate);
        const stored = deflated.reduce((sum, d) => sum + d.length, 0);
        return {
          seconds: (performance.now() - start) / 1000,
          bytes: text.length,
          extra: { ratio: stored / text.length },
        };
      }),
    );
    if (!name.endsWith('1')) continue;
    const library = name.split('.')[0];
    record(
      `node.${library}.inflate`,
      await repeat(repeats, async () => {
        const start = performance.now();
        for (const d of deflated) (library === 'fflate' ? inflateSync : inflateRawSync)(d);
        return { seconds: (performance.now() - start) / 1000, bytes: text.length };
      }),
    );
  }

  await zstdCodecRows(segments, repeats, record);

  for (const preset of (want('argon2.strong') ? ['default', 'strong'] : ['default']) as KdfPreset[]) {
    record(
      `node.argon2.${preset}`,
      await repeat(
        repeats,
        async () => {
          const start = performance.now();
          await deriveArgon2id(
            new TextEncoder().encode('correct horse battery staple'),
            new Uint8Array(16),
            KDF_PRESETS[preset],
          );
          return { seconds: (performance.now() - start) / 1000 };
        },
        'ms',
      ),
    );
  }
}
