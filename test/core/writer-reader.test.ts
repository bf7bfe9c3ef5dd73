import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8, view } from '../../src/core/bytes.ts';
import type { IndexEntry } from '../../src/core/index-codec.ts';
import { payloadLayout } from '../../src/core/layout.ts';
import { OpenedBackup, readHeader } from '../../src/core/reader.ts';
import { discardSink, type RestoreProgress } from '../../src/core/restore-sink.ts';
import { SEGMENT_SIZE } from '../../src/core/segments.ts';
import { bytesSource, type RandomAccessSource } from '../../src/core/source.ts';
import { type CreateProgress, createBackup, type EntrySource } from '../../src/core/writer.ts';
import {
  bytesEqual,
  collect,
  countingSource,
  craftArchive,
  craftBackup,
  expectCode,
  makeBackup,
  memorySink,
  noiseBytes,
  OTHER_RECOVERY_KEY,
  PASSPHRASE,
  PASSPHRASE_SLOT,
  RECOVERY_KEY,
  RECOVERY_SLOT,
  type SimpleEntry,
  seededRandom,
  textBytes,
} from './helpers.ts';

const KEY = { recoveryKey: RECOVERY_KEY };

async function openBytes(bytes: Uint8Array): Promise<OpenedBackup> {
  return OpenedBackup.open(bytesSource(bytes), KEY);
}

function entry(backup: OpenedBackup, path: string): IndexEntry {
  const found = backup.entries.find((e) => e.path === path);
  if (!found) throw new Error(`no entry ${path}`);
  return found;
}

function segmentCount(stored: Uint8Array): number {
  let count = 0;
  for (let offset = 0; offset < stored.length; count++) offset += 4 + (view(stored).getUint32(offset, true) % 2 ** 31);
  return count;
}

describe('createBackup and OpenedBackup', () => {
  it('lists and restores a small tree, with folders, empty files and metadata', async () => {
    const entries: SimpleEntry[] = [
      { path: 'docs', type: 'dir', mtime: 1000, mode: 0o700 },
      { path: 'docs/a.txt', type: 'file', data: utf8('hello'), mtime: 1_600_000_000_000, mode: 0o600 },
      { path: 'docs/empty', type: 'file', data: new Uint8Array(0) },
      { path: 'docs/sub', type: 'dir' },
      { path: 'top.bin', type: 'file', data: noiseBytes(3000), mtime: -5000, mode: 0o100755 },
    ];
    const bytes = await makeBackup(entries);
    const backup = await openBytes(bytes);
    expect(backup.entries.map((e) => [e.path, e.type, e.size, e.mode, e.mtime])).toEqual([
      ['docs', 'dir', 0, 0o700, 1000],
      ['docs/a.txt', 'file', 5, 0o600, 1_600_000_000_000],
      ['docs/empty', 'file', 0, 0o644, 1_700_000_000_000],
      ['docs/sub', 'dir', 0, 0o755, 1_700_000_000_000],
      ['top.bin', 'file', 3000, 0o755, -5000],
    ]);
    expect(backup.totalSize).toBe(3005);
    const { sink, files, dirs } = memorySink();
    await backup.restore(sink);
    expect(dirs).toEqual(['docs', 'docs/sub']);
    expect([...files.keys()]).toEqual(['docs/a.txt', 'docs/empty', 'top.bin']);
    expect(files.get('docs/a.txt')).toEqual(utf8('hello'));
    expect(files.get('docs/empty')).toEqual(new Uint8Array(0));
    expect(bytesEqual(files.get('top.bin') as Uint8Array, entries[4].data as Uint8Array)).toBe(true);
    await backup.verify();
  });

  it('opens with a passphrase slot and refuses the wrong credentials', async () => {
    const bytes = await makeBackup([{ path: 'f', type: 'file', data: utf8('x') }], {
      slots: [PASSPHRASE_SLOT, RECOVERY_SLOT],
    });
    await OpenedBackup.open(bytesSource(bytes), { passphrase: PASSPHRASE });
    await OpenedBackup.open(bytesSource(bytes), KEY);
    await expectCode(OpenedBackup.open(bytesSource(bytes), { passphrase: 'wrong' }), 'wrong_key');
    await expectCode(OpenedBackup.open(bytesSource(bytes), { recoveryKey: OTHER_RECOVERY_KEY }), 'wrong_key');
    await expectCode(OpenedBackup.open(bytesSource(bytes), { recoveryKey: '1234' }), 'key_typo');
  });

  it('writes the default chunk size (2^18) unless told otherwise', async () => {
    const bytes = await collect(createBackup([{ path: 'f', type: 'file', mtime: 0 }], { slots: [RECOVERY_SLOT] }));
    const header = await readHeader(bytesSource(bytes));
    expect(header.chunkSizeLog2).toBe(18);
  });

  it('handles an empty backup (no entries)', async () => {
    const bytes = await makeBackup([]);
    const backup = await openBytes(bytes);
    expect(backup.entries).toEqual([]);
    expect(backup.layout.plaintextLength).toBe(32);
    await backup.verify();
  });

  it('normalises paths to NFC and refuses unsafe or duplicate paths', async () => {
    const bytes = await makeBackup([{ path: 'cafe\u0301', type: 'file', data: utf8('x') }]);
    expect((await openBytes(bytes)).entries[0].path).toBe('caf\u00e9');
    for (const path of ['../x', '/abs', 'a//b', 'C:x', 'a\\b', '']) {
      await expectCode(makeBackup([{ path, type: 'file', data: utf8('x') }]), 'unsafe_entry');
    }
    await expectCode(
      makeBackup([
        { path: 'same', type: 'file' },
        { path: 'same', type: 'dir' },
      ]),
      'invalid_input',
    );
    await expectCode(
      makeBackup([
        { path: 'caf\u00e9', type: 'file' },
        { path: 'cafe\u0301', type: 'file' },
      ]),
      'invalid_input',
    );
  });

  it('reads file data from ReadableStreams, async iterables and promises, and entries from async iterables', async () => {
    const a = textBytes(70_000);
    const b = noiseBytes(5000);
    async function* entries(): AsyncGenerator<EntrySource> {
      yield {
        path: 'stream.txt',
        type: 'file',
        mtime: 1,
        open: () =>
          new ReadableStream<Uint8Array>({
            start(controller) {
              for (let i = 0; i < a.length; i += 1000) controller.enqueue(a.slice(i, i + 1000));
              controller.close();
            },
          }),
      };
      yield {
        path: 'async.bin',
        type: 'file',
        mtime: 2,
        open: async () =>
          (async function* () {
            yield b.subarray(0, 1);
            yield new Uint8Array(0);
            yield b.subarray(1);
          })(),
      };
      yield { path: 'no-open', type: 'file', mtime: 3 };
    }
    const bytes = await collect(createBackup(entries(), { slots: [RECOVERY_SLOT], chunkSizeLog2: 12 }));
    const backup = await openBytes(bytes);
    expect(bytesEqual(await collect(backup.fileData(entry(backup, 'stream.txt'))), a)).toBe(true);
    expect(bytesEqual(await collect(backup.fileData(entry(backup, 'async.bin'))), b)).toBe(true);
    expect(entry(backup, 'no-open').size).toBe(0);
  });
});

describe('compression by content (spec 5.5)', () => {
  it('compresses text with zstd (method 2, well under half) and stores random bytes (method 0)', async () => {
    const text = textBytes(200_000);
    const noise = noiseBytes(200_000);
    const seen: { path: string; method: number; size: number; storedLength: number }[] = [];
    const bytes = await makeBackup(
      [
        { path: 'text.txt', type: 'file', data: text, pieceSize: 7000 },
        { path: 'noise.bin', type: 'file', data: noise },
        { path: 'tiny', type: 'file', data: utf8('ab') },
        { path: 'empty', type: 'file', data: new Uint8Array(0) },
      ],
      { chunkSizeLog2: 16, onEntry: (e) => seen.push(e) },
    );
    const backup = await openBytes(bytes);
    const t = entry(backup, 'text.txt');
    expect(t.method).toBe(2);
    expect(t.storedLength / t.size).toBeLessThan(0.5);
    const n = entry(backup, 'noise.bin');
    expect(n.method).toBe(0);
    expect(n.storedLength).toBe(n.size);
    expect(entry(backup, 'tiny').method).toBe(0);
    expect(entry(backup, 'empty').method).toBe(0);
    expect(seen.map((e) => [e.path, e.method, e.size, e.storedLength])).toEqual(
      backup.entries.map((e) => [e.path, e.method, e.size, e.storedLength]),
    );
    expect(bytesEqual(await collect(backup.fileData(t)), text)).toBe(true);
    expect(bytesEqual(await collect(backup.fileData(n)), noise)).toBe(true);
  });

  it('stores everything with compress: false', async () => {
    const bytes = await makeBackup([{ path: 't', type: 'file', data: textBytes(100_000) }], {
      compress: false,
      chunkSizeLog2: 16,
    });
    expect((await openBytes(bytes)).entries[0].method).toBe(0);
  });

  it('splits a compressible file over 1 MiB into several segments and restores it', async () => {
    const data = concatBytes([textBytes(2 * SEGMENT_SIZE), noiseBytes(SEGMENT_SIZE / 2)]);
    const bytes = await makeBackup([{ path: 'big.txt', type: 'file', data, pieceSize: 300_000 }], {
      chunkSizeLog2: 18,
    });
    const backup = await openBytes(bytes);
    const big = entry(backup, 'big.txt');
    expect(big.method).toBe(2);
    expect(big.size).toBe(data.length);
    const stored = await backup.readPlaintext(big.offset, big.storedLength);
    expect(segmentCount(stored)).toBe(3);
    // The noise segment is stored raw.
    const lastHeader = (() => {
      let offset = 0;
      let word = 0;
      while (offset < stored.length) {
        word = view(stored).getUint32(offset, true);
        offset += 4 + (word % 2 ** 31);
      }
      return word;
    })();
    expect(lastHeader).toBe(2 ** 31 + SEGMENT_SIZE / 2);
    expect(bytesEqual(await collect(backup.fileData(big)), data)).toBe(true);
    const { sink, files } = memorySink();
    await backup.restore(sink);
    expect(bytesEqual(files.get('big.txt') as Uint8Array, data)).toBe(true);
  });

  it('uses a custom compressor when given one', async () => {
    let calls = 0;
    const data = textBytes(SEGMENT_SIZE + 10);
    const bytes = await makeBackup([{ path: 'x', type: 'file', data }], {
      chunkSizeLog2: 16,
      compression: 'deflate',
      compressor: async (segment) => {
        calls++;
        return deflateSync(segment, { level: 6 });
      },
    });
    expect(calls).toBe(2);
    const backup = await openBytes(bytes);
    expect(backup.entries[0].method).toBe(1);
    expect(bytesEqual(await collect(backup.fileData(backup.entries[0])), data)).toBe(true);
  });

  it('refuses a zstd compressor whose output is not a valid method-2 frame', async () => {
    const data = textBytes(SEGMENT_SIZE + 10);
    const made = makeBackup([{ path: 'x', type: 'file', data }], {
      chunkSizeLog2: 16,
      compressor: (segment) => deflateSync(segment, { level: 1 }),
    });
    await expect(made).rejects.toThrow(/zstd compressor made a segment that is not a zstd frame/);
  });
});

describe('cancellation', () => {
  const entries: SimpleEntry[] = [
    { path: 'a', type: 'file', data: noiseBytes(20_000), pieceSize: 1000 },
    { path: 'b', type: 'file', data: textBytes(20_000), pieceSize: 1000 },
  ];

  it('an aborted signal cancels create before anything but the header', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectCode(makeBackup(entries, { signal: controller.signal }), 'cancelled');
  });

  it('aborting midway cancels create', async () => {
    const controller = new AbortController();
    let progressCalls = 0;
    await expectCode(
      makeBackup(entries, {
        signal: controller.signal,
        onProgress: (p) => {
          progressCalls++;
          if (p.bytesDone >= 5000) controller.abort();
        },
      }),
      'cancelled',
    );
    expect(progressCalls).toBeLessThan(40);
  });

  it('cancelling the output stream stops the writer', async () => {
    let pulled = 0;
    const stream = createBackup(
      [
        {
          path: 'endless',
          type: 'file',
          mtime: 0,
          open: () =>
            (function* () {
              const random = seededRandom(5);
              for (;;) {
                pulled++;
                yield random(1024); // incompressible, so no 1 MiB DEFLATE segments are buffered
              }
            })(),
        },
      ],
      { slots: [RECOVERY_SLOT], chunkSizeLog2: 10 },
    );
    const reader = stream.getReader();
    for (let i = 0; i < 5; i++) await reader.read();
    await reader.cancel();
    const after = pulled;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(after);
    expect(pulled).toBeLessThan(100);
  });

  it('an aborted signal cancels restore and verify', async () => {
    const bytes = await makeBackup(entries);
    const backup = await openBytes(bytes);
    const controller = new AbortController();
    controller.abort();
    await expectCode(backup.restore(memorySink().sink, { signal: controller.signal }), 'cancelled');
    await expectCode(backup.verify({ signal: controller.signal }), 'cancelled');
    await expectCode(
      backup.restore(memorySink().sink, { only: [backup.entries[1]], signal: controller.signal }),
      'cancelled',
    );
  });

  it('aborting midway cancels a full restore and aborts the open file (regression)', async () => {
    const bytes = await makeBackup(entries);
    const backup = await openBytes(bytes);
    const controller = new AbortController();
    const { sink, files, aborted } = memorySink();
    await expectCode(
      backup.restore(sink, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytesDone >= 5000) controller.abort();
        },
      }),
      'cancelled',
    );
    expect(files.has('b')).toBe(false);
    expect(aborted).toEqual(['a']);
  });

  it('aborting midway cancels a selective restore', async () => {
    const bytes = await makeBackup(entries);
    const backup = await openBytes(bytes);
    const controller = new AbortController();
    const { sink, aborted } = memorySink();
    await expectCode(
      backup.restore(sink, {
        only: [backup.entries[0]],
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
      'cancelled',
    );
    expect(aborted).toEqual(['a']);
  });
});

describe('progress', () => {
  it('create reports monotonically increasing bytesDone, ending at the total', async () => {
    const entries: SimpleEntry[] = [
      { path: 'd', type: 'dir' },
      { path: 'd/a', type: 'file', data: textBytes(200_000), pieceSize: 4096 },
      { path: 'd/b', type: 'file', data: noiseBytes(100_000), pieceSize: 1000 },
      { path: 'e', type: 'file', data: new Uint8Array(0) },
    ];
    const total = 300_000;
    const seen: CreateProgress[] = [];
    await makeBackup(entries, { totalBytes: total, onProgress: (p) => seen.push({ ...p }) });
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].bytesDone).toBeGreaterThanOrEqual(seen[i - 1].bytesDone);
      expect(seen[i].entriesDone).toBeGreaterThanOrEqual(seen[i - 1].entriesDone);
    }
    expect(seen.every((p) => p.bytesTotal === total && p.bytesDone <= total)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ bytesDone: total, entriesDone: 4, currentPath: 'e' });
  });

  it('restore reports monotonically increasing bytesDone, ending at the total', async () => {
    const bytes = await makeBackup([
      { path: 'a', type: 'file', data: textBytes(50_000) },
      { path: 'b', type: 'file', data: noiseBytes(30_000) },
    ]);
    const backup = await openBytes(bytes);
    for (const options of [{}, { only: backup.entries }]) {
      const seen: RestoreProgress[] = [];
      await backup.restore(memorySink().sink, { ...options, onProgress: (p) => seen.push({ ...p }) });
      expect(seen.length).toBeGreaterThan(2);
      for (let i = 1; i < seen.length; i++) expect(seen[i].bytesDone).toBeGreaterThan(seen[i - 1].bytesDone);
      expect(seen.every((p) => p.bytesTotal === 80_000)).toBe(true);
      expect(seen.at(-1)?.bytesDone).toBe(80_000);
    }
  });
});

describe('random access', () => {
  it('restoring one small file decrypts only the chunks it needs', async () => {
    const big = noiseBytes(4 * 1024 * 1024);
    const small = utf8('just a few bytes');
    const bytes = await makeBackup(
      [
        { path: 'big-1', type: 'file', data: big.subarray(0, 2 * 1024 * 1024) },
        { path: 'small', type: 'file', data: small },
        { path: 'big-2', type: 'file', data: big.subarray(2 * 1024 * 1024) },
      ],
      { chunkSizeLog2: 16 },
    );
    const source = countingSource(bytesSource(bytes));
    const backup = await OpenedBackup.open(source, KEY);
    // Listing reads the header and the last chunk(s), not the data.
    expect(source.bytesRead).toBeLessThan(4 * 65_552);
    source.bytesRead = 0;
    const { sink, files } = memorySink();
    await backup.restore(sink, { only: [entry(backup, 'small')] });
    expect(files.get('small')).toEqual(small);
    expect(source.bytesRead).toBeLessThanOrEqual(2 * 65_552);
    expect(source.bytesRead).toBeLessThan(bytes.length / 20);
  });

  it('fileData works for every file in any order, and readPlaintext for any range', async () => {
    const files = [textBytes(3000, 1), noiseBytes(5000, 2), new Uint8Array(0), textBytes(70_000, 3)];
    const bytes = await makeBackup(files.map((data, i) => ({ path: `f${i}`, type: 'file' as const, data })));
    const backup = await openBytes(bytes);
    for (const i of [3, 0, 2, 1, 0]) {
      expect(bytesEqual(await collect(backup.fileData(entry(backup, `f${i}`))), files[i])).toBe(true);
    }
    const whole = await backup.readPlaintext(0, backup.layout.plaintextLength);
    expect(whole.length).toBe(backup.layout.plaintextLength);
    for (const [offset, length] of [
      [0, 1],
      [1023, 2],
      [1024, 1024],
      [5000, 3000],
      [backup.layout.plaintextLength - 32, 32],
    ]) {
      expect(bytesEqual(await backup.readPlaintext(offset, length), whole.subarray(offset, offset + length))).toBe(
        true,
      );
    }
  });

  it('payloadLayout matches spec 4.2', async () => {
    const bytes = await makeBackup([{ path: 'x', type: 'file', data: noiseBytes(5000) }]);
    const header = await readHeader(bytesSource(bytes));
    const layout = payloadLayout(header, bytes.length);
    const payload = bytes.length - header.headerLength;
    expect(layout.chunkCount).toBe(Math.ceil(payload / 1040));
    expect(layout.plaintextLength).toBe(payload - 16 * layout.chunkCount);
    expect(layout.plaintextLength).toBe(5000 + 41 + 32);
    await expectCode(() => payloadLayout(header, header.headerLength + 16), 'truncated');
    await expectCode(() => payloadLayout(header, header.headerLength + 1040 + 16), 'truncated');
    expect(payloadLayout(header, header.headerLength + 17).chunkCount).toBe(1);
  });

  it('works with a source that provides stream()', async () => {
    const data = textBytes(100_000);
    const bytes = await makeBackup([{ path: 'x', type: 'file', data }]);
    let streamed = 0;
    const source: RandomAccessSource = {
      ...bytesSource(bytes),
      stream(offset) {
        streamed++;
        return (function* () {
          for (let i = offset; i < bytes.length; i += 777) yield bytes.subarray(i, Math.min(bytes.length, i + 777));
        })();
      },
    };
    const backup = await OpenedBackup.open(source, KEY);
    const { sink, files } = memorySink();
    await backup.restore(sink);
    expect(streamed).toBe(1);
    expect(bytesEqual(files.get('x') as Uint8Array, data)).toBe(true);
  });
});

describe('memory stays bounded', () => {
  it('a 64 MiB backup is produced without reading far ahead of the consumer', async () => {
    const piece = noiseBytes(1024 * 1024);
    let produced = 0;
    const total = 64 * 1024 * 1024;
    const stream = createBackup(
      [
        {
          path: 'big',
          type: 'file',
          mtime: 0,
          open: () =>
            (function* () {
              while (produced < total) {
                produced += piece.length;
                yield piece;
              }
            })(),
        },
      ],
      { slots: [RECOVERY_SLOT] },
    );
    const reader = stream.getReader();
    let consumed = 0;
    let maxAhead = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      consumed += value.length;
      maxAhead = Math.max(maxAhead, produced - consumed);
    }
    expect(produced).toBe(total);
    // Header, one source piece, a held-back chunk and four chunks in flight: a few MiB at most.
    expect(maxAhead).toBeLessThan(8 * 1024 * 1024);
    const plaintext = total + 40 + 3 + 32; // data, one index record for "big", trailer
    expect(consumed).toBe(52 + 68 + 32 + plaintext + 16 * Math.ceil(plaintext / 2 ** 18));
  });
});

describe('hostile archives inside a valid STREAM', () => {
  const file = (path: string, offset: number, size: number, extra: Partial<IndexEntry> = {}): IndexEntry => ({
    path,
    type: 'file',
    method: 0,
    mode: 0,
    mtime: 0,
    size,
    storedLength: size,
    offset,
    ...extra,
  });

  it('the crafting helper makes backups the reader accepts', async () => {
    const bytes = await craftBackup(craftArchive(utf8('abc'), [file('x', 0, 3)]));
    const backup = await openBytes(bytes);
    expect(new TextDecoder().decode(await collect(backup.fileData(backup.entries[0])))).toBe('abc');
  });

  it('unsafe paths are refused at open, before any file is written', async () => {
    for (const path of ['../evil', '/etc/passwd', 'a/../../b', 'C:evil', 'a\\b', 'x\u0000y', 'cafe\u0301']) {
      const bytes = await craftBackup(craftArchive(utf8('abc'), [file(path, 0, 3)]));
      await expectCode(openBytes(bytes), 'unsafe_entry');
    }
    const dup = await craftBackup(craftArchive(utf8('ab'), [file('x', 0, 1), file('x', 1, 1)]));
    await expectCode(openBytes(dup), 'unsafe_entry');
    const under = await craftBackup(craftArchive(utf8('ab'), [file('x', 0, 1), file('x/y', 1, 1)]));
    await expectCode(openBytes(under), 'unsafe_entry');
  });

  it('a payload too short for a trailer is payload_damaged', async () => {
    await expectCode(openBytes(await craftBackup(new Uint8Array(31))), 'payload_damaged');
    await expectCode(openBytes(await craftBackup(new Uint8Array(1))), 'payload_damaged');
  });

  it('a bad trailer or index is payload_damaged', async () => {
    const data = utf8('abc');
    const records = [file('x', 0, 3)];
    const good = craftArchive(data, records);
    const badMagic = good.slice();
    badMagic[badMagic.length - 1] ^= 1;
    await expectCode(openBytes(await craftBackup(badMagic)), 'payload_damaged');
    await expectCode(openBytes(await craftBackup(craftArchive(data, records, { indexOffset: 2 }))), 'payload_damaged');
    await expectCode(openBytes(await craftBackup(craftArchive(data, records, { entryCount: 2 }))), 'payload_damaged');
    await expectCode(
      openBytes(await craftBackup(craftArchive(data, records, { entryCount: 16_777_217 }))),
      'limit_exceeded',
    );
    await expectCode(openBytes(await craftBackup(craftArchive(data, [file('x', 0, 2)]))), 'payload_damaged');
    await expectCode(
      openBytes(await craftBackup(craftArchive(data, [file('x', 0, 3, { method: 7 })]))),
      'unsupported_version',
    );
  });

  it('a DEFLATE bomb inside a backup is payload_damaged on restore and on fileData', async () => {
    const bomb = deflateSync(new Uint8Array(8 * SEGMENT_SIZE), { level: 9 });
    const stored = concatBytes([new Uint8Array(4), bomb]);
    view(stored).setUint32(0, bomb.length, true);
    const records = [file('bomb', 0, 1000, { method: 1, storedLength: stored.length })];
    const bytes = await craftBackup(craftArchive(stored, records));
    const backup = await openBytes(bytes);
    const { sink, files, aborted } = memorySink();
    await expectCode(backup.restore(sink), 'payload_damaged');
    expect(files.size).toBe(0);
    expect(aborted).toEqual(['bomb']);
    await expectCode(collect(backup.fileData(backup.entries[0])), 'payload_damaged');
    await expectCode(backup.restore(discardSink, { only: backup.entries }), 'payload_damaged');
  });
});
