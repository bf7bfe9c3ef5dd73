/**
 * zstd rows for the Node half of the benchmark (spec 5.6): Coffer's codec alone (the WebAssembly
 * zstd the core, the app and the CLI share) on one thread at levels 1-3 and on every core through
 * the CLI's thread pool, and the native `zstd -1 | age` reference next to `gzip -1 | age`.
 */

import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createCompressionThreads, defaultThreads } from '../src/cli/compression-threads.ts';
import { ZSTD_LEVEL, zstdCompressLoaded, zstdDecompress, zstdReady } from '../src/core/zstd.ts';
import { type Figure, repeat, timedCommand } from './lib.ts';

type Record = (name: string, value: Figure) => void;

const seconds = (start: number) => (performance.now() - start) / 1000;
const total = (parts: Uint8Array[]) => parts.reduce((sum, p) => sum + p.length, 0);

/** `segments` are 1 MiB pieces of chat text, as the writer cuts them. */
export async function zstdCodecRows(segments: Uint8Array[], repeats: number, record: Record): Promise<void> {
  await zstdReady();
  const bytes = total(segments);
  let compressed: Uint8Array[] = [];
  for (const level of [1, 2, 3]) {
    record(
      `node.zstd.compress${level}`,
      await repeat(repeats, async () => {
        const start = performance.now();
        const out = segments.map((s) => zstdCompressLoaded(s, level));
        if (level === ZSTD_LEVEL) compressed = out;
        return { seconds: seconds(start), bytes, extra: { ratio: total(out) / bytes } };
      }),
    );
  }
  record(
    'node.zstd.decompress',
    await repeat(repeats, async () => {
      const start = performance.now();
      for (const [i, c] of compressed.entries()) {
        if (!(await zstdDecompress(c, segments[i].length))) throw new Error('zstd decoded the wrong size');
      }
      return { seconds: seconds(start), bytes };
    }),
  );
  const pool = createCompressionThreads();
  try {
    // The first job starts the threads and loads their WebAssembly: not part of the figure.
    await pool.compress(segments[0]);
    record(
      'node.zstd.poolCompress',
      await repeat(repeats, async () => {
        const start = performance.now();
        const out = await Promise.all(segments.map((s) => pool.compress(s)));
        return { seconds: seconds(start), bytes, extra: { ratio: total(out) / bytes, threads: defaultThreads() } };
      }),
    );
    record(
      'node.zstd.poolDecompress',
      await repeat(repeats, async () => {
        const start = performance.now();
        const out = await Promise.all(compressed.map((c, i) => pool.decompress(c, segments[i].length)));
        if (out.some((o) => !o)) throw new Error('the zstd pool decoded the wrong size');
        return { seconds: seconds(start), bytes };
      }),
    );
  } finally {
    await pool.close();
  }
}

/** `zstd -1 | age` and back, on the same text file as `gzip -1 | age`; also `zstd -1` alone. */
export async function zstdNativeRows(
  text: string,
  out: string,
  age: { recipient: string; identity: string } | undefined,
  repeats: number,
  record: Record,
): Promise<void> {
  const textBytes = statSync(text).size;
  const zst = join(out, 'text.zst');
  record(
    'native.zstd1',
    await repeat(repeats, async () => {
      rmSync(zst, { force: true });
      const run = await timedCommand('sh', ['-c', 'zstd -1 -q -c "$1" > "$2"', 'sh', text, zst]);
      return { seconds: run.seconds, bytes: textBytes, extra: { ratio: statSync(zst).size / textBytes } };
    }),
  );
  rmSync(zst, { force: true });
  if (!age) return;
  const sealed = join(out, 'text.zst.age');
  record(
    'native.zstdAge.create',
    await repeat(repeats, async () => {
      rmSync(sealed, { force: true });
      const run = await timedCommand('sh', [
        '-c',
        'zstd -1 -q -c "$1" | age -e -r "$2" -o "$3"',
        'sh',
        text,
        age.recipient,
        sealed,
      ]);
      return { seconds: run.seconds, bytes: textBytes, extra: { ratio: statSync(sealed).size / textBytes } };
    }),
  );
  const back = join(out, 'text.zst.out');
  record(
    'native.zstdAge.restore',
    await repeat(repeats, async () => {
      rmSync(back, { force: true });
      const run = await timedCommand('sh', [
        '-c',
        'age -d -i "$1" "$2" | zstd -d -q -c > "$3"',
        'sh',
        age.identity,
        sealed,
        back,
      ]);
      if (statSync(back).size !== textBytes) throw new Error('zstd -d | age restored the wrong size');
      return { seconds: run.seconds, bytes: textBytes };
    }),
  );
  rmSync(back, { force: true });
  rmSync(sealed, { force: true });
}
