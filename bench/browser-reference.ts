/** Chromium reference rows: I/O and CPU alone in a worker, and other tools in the same browser. */
import { call, type PageBench } from './browser-page.ts';
import { figure, MB, MiB, repeat } from './lib.ts';

export async function ioReference(bench: PageBench): Promise<void> {
  const { page, repeats, log, record } = bench;
  log('Chromium: I/O alone in a worker');
  const ios: Record<string, number>[] = [];
  for (let i = 0; i < repeats; i++) {
    ios.push(await call(page, 'reference', { op: 'io', input: 'random', chunk: 2 ** 18 }));
  }
  for (const key of [
    'readFile',
    'readSlices',
    'writeSync',
    'writeWritable',
    'writeWritable16',
    'memFresh',
    'memReused',
  ]) {
    record(
      `browser.io.${key}`,
      figure(
        'MB/s',
        ios.map((c) => c.bytes / MB / c[key]),
        key === 'readFile' ? { pieceKiB: ios[0].readPieceKiB } : undefined,
      ),
    );
  }
}

export async function cpuReference(bench: PageBench, want: (group: string) => boolean): Promise<void> {
  const { page, repeats, log, record } = bench;
  log('Chromium: raw ceilings and Argon2id in a worker');
  const ceilingBytes = 256 * MiB;
  const ceilings: Record<string, number>[] = [];
  for (let i = 0; i < repeats; i++) {
    ceilings.push(
      await call(page, 'reference', { op: 'ceiling', input: 'random', bytes: ceilingBytes, chunk: 2 ** 18 }),
    );
  }
  for (const key of ['encrypt1', 'encrypt4', 'decrypt1', 'decrypt4']) {
    record(
      `browser.aesgcm.${key}`,
      figure(
        'MB/s',
        ceilings.map((c) => c.bytes / MB / c[key]),
      ),
    );
  }
  for (const level of [1, 2]) {
    const deflates: Record<string, number>[] = [];
    for (let i = 0; i < repeats; i++) {
      deflates.push(await call(page, 'reference', { op: 'deflate', input: 'text', bytes: 64 * MiB, level }));
    }
    const keys: [string, string][] =
      level === 1
        ? [
            ['fflateDeflate', 'fflateSize'],
            ['fflateInflate', ''],
            ['nativeDeflate', 'nativeSize'],
            ['nativeInflate', ''],
          ]
        : [['fflateDeflate', 'fflateSize']];
    for (const [key, sizeKey] of keys) {
      record(
        `browser.${key}${level === 1 ? '' : level}`,
        figure(
          'MB/s',
          deflates.map((d) => d.bytes / MB / d[key]),
          sizeKey ? { ratio: deflates[0][sizeKey] / deflates[0].bytes } : undefined,
        ),
      );
    }
  }
  const zstdRuns: Record<string, number>[] = [];
  for (let i = 0; i < repeats; i++) {
    zstdRuns.push(await call(page, 'reference', { op: 'zstd', input: 'text', bytes: 64 * MiB }));
  }
  const zstdKeys: [string, string][] = [
    ['compress1', 'size1'],
    ['compress2', 'size2'],
    ['compress3', 'size3'],
    ['decompress', ''],
    ['poolCompress', 'poolSize2'],
    ['poolDecompress', ''],
  ];
  for (const [key, sizeKey] of zstdKeys) {
    record(
      `browser.zstd.${key}`,
      figure(
        'MB/s',
        zstdRuns.map((z) => z.bytes / MB / z[key]),
        sizeKey ? { ratio: zstdRuns[0][sizeKey] / zstdRuns[0].bytes } : undefined,
      ),
    );
  }
  for (const preset of want('argon2.strong') ? ['default', 'strong'] : ['default']) {
    record(
      `browser.argon2.${preset}`,
      await repeat(
        repeats,
        async () => ({ seconds: (await call(page, 'reference', { op: 'argon2', preset })).seconds }),
        'ms',
      ),
    );
  }
}

export async function peerTools(bench: PageBench): Promise<void> {
  const { page, repeats, log, record } = bench;
  log('Chromium: peers in a worker, in memory (no I/O), then File in, OPFS out');
  const inMemory: Record<string, number>[] = [];
  for (let i = 0; i < repeats; i++) {
    inMemory.push(await call(page, 'reference', { op: 'peersInMemory', input: 'random', bytes: 256 * MiB }));
  }
  for (const peer of ['sodium', 'typage']) {
    for (const direction of ['Encrypt', 'Decrypt']) {
      record(
        `browser.${peer}.${direction.toLowerCase()}Memory`,
        figure(
          'MB/s',
          inMemory.map((r) => r.bytes / MB / r[`${peer}${direction}`]),
        ),
      );
    }
  }
  for (const peer of ['sodium', 'typage'] as const) {
    const decrypts: number[] = [];
    record(
      `browser.${peer}.encrypt`,
      await repeat(repeats, async () => {
        await call(page, 'clear');
        const enc = await call(page, 'reference', { op: peer, input: 'random', direction: 'encrypt' });
        const dec = await call(page, 'reference', { op: peer, input: 'random', direction: 'decrypt' });
        decrypts.push(dec.bytes / MB / dec.seconds);
        return { seconds: enc.seconds, bytes: enc.bytes };
      }),
    );
    record(`browser.${peer}.decrypt`, figure('MB/s', decrypts));
  }
}
