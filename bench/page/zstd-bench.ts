/**
 * zstd in the browser (spec 5.6): Coffer's codec alone, in this worker at levels 1-3, and on every
 * core through the app's own helper pool (src/worker/compression-helpers.ts), which the Coffer worker
 * uses to create and restore. Same 1 MiB segments of chat text as the DEFLATE rows; no I/O.
 */
import { ZSTD_LEVEL, zstdCompress, zstdDecompress, zstdReady } from '../../src/core/zstd.ts';
import { createCompressionHelpers, defaultHelperCount } from '../../src/worker/compression-helpers.ts';

const seconds = () => performance.now() / 1000;
const total = (parts: Uint8Array[]) => parts.reduce((sum, p) => sum + p.length, 0);

export async function zstdBench(data: Uint8Array): Promise<Record<string, number>> {
  await zstdReady();
  const segments: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += 2 ** 20) segments.push(data.subarray(offset, offset + 2 ** 20));
  const result: Record<string, number> = { bytes: data.length, poolSize: defaultHelperCount() };
  let compressed: Uint8Array[] = [];
  for (const level of [1, 2, 3]) {
    const start = seconds();
    const out: Uint8Array[] = [];
    for (const segment of segments) out.push(await zstdCompress(segment, level));
    result[`compress${level}`] = seconds() - start;
    result[`size${level}`] = total(out);
    if (level === ZSTD_LEVEL) compressed = out;
  }
  let start = seconds();
  for (const [i, c] of compressed.entries()) {
    if (!(await zstdDecompress(c, segments[i].length))) throw new Error('zstd decoded the wrong size');
  }
  result.decompress = seconds() - start;

  const pool = createCompressionHelpers();
  try {
    // The first job starts the helpers and loads their WebAssembly: not part of the figure.
    await pool.compress(segments[0]);
    start = seconds();
    const out = await Promise.all(segments.map((s) => pool.compress(s)));
    result.poolCompress = seconds() - start;
    result.poolSize2 = total(out);
    start = seconds();
    const back = await Promise.all(compressed.map((c, i) => pool.decompress(c, segments[i].length)));
    if (back.some((b) => !b)) throw new Error('the zstd pool decoded the wrong size');
    result.poolDecompress = seconds() - start;
  } finally {
    await pool.close();
  }
  return result;
}
