/**
 * Runs every test vector in spec/vectors/ (see its README.md) through the reference reader,
 * whole and streamed in small pieces, and checks that the generator reproduces them exactly.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Drbg } from '../spec/gen/drbg.ts';
import { checkVectors } from '../spec/gen/generate.ts';
import { assembleHeader, deriveKeys, headerParts } from '../spec/gen/parts.ts';
import { toCredentials } from '../spec/gen/passkey-parts.ts';
import type { VectorEntry, VectorJson } from '../spec/gen/vectors.ts';
import { nodeAesGcm } from '../src/cli/aes-gcm.ts';
import { cliCoder } from '../src/cli/erasure.ts';
import { nodeSegmentInflate } from '../src/cli/segment-inflate.ts';
import { concatBytes } from '../src/core/bytes.ts';
import { entryDecoder } from '../src/core/entry-router.ts';
import { CofferError, FORMAT_FAILURES } from '../src/core/errors.ts';
import { buildHeader, unlockHeader } from '../src/core/header.ts';
import { decodeIndex, decodeTrailer, type IndexEntry, TRAILER_LENGTH } from '../src/core/index-codec.ts';
import { rechunk } from '../src/core/iter.ts';
import { checkPathSet } from '../src/core/paths.ts';
import { OpenedBackup, type OpenOptions, readHeader } from '../src/core/reader.ts';
import type { RestoreSink } from '../src/core/restore-sink.ts';
import type { Credentials, SlotSpec } from '../src/core/slots.ts';
import { bytesSource, type RandomAccessSource } from '../src/core/source.ts';
import { chunkIv, openChunk, openStream, type PlainChunk, sealChunks } from '../src/core/stream.ts';
import { inflateNative } from '../src/worker/inflate-native.ts';

const DIR = fileURLToPath(new URL('../spec/vectors/', import.meta.url));

interface Vector {
  json: VectorJson;
  bytes: Uint8Array;
}

const vectors: Vector[] = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({
    json: JSON.parse(readFileSync(`${DIR}${name}`, 'utf8')) as VectorJson,
    bytes: new Uint8Array(readFileSync(`${DIR}${name.replace(/\.json$/, '.coffer')}`)),
  }));

type Outcome = { entries: VectorEntry[] } | { code: string } | { unexpected: string };

async function outcome(run: () => Promise<VectorEntry[]>): Promise<Outcome> {
  try {
    return { entries: await run() };
  } catch (error) {
    if (error instanceof CofferError) return { code: error.code };
    return { unexpected: String(error) };
  }
}

function expected(json: VectorJson): Outcome {
  return json.expect === 'success' ? { entries: json.entries ?? [] } : { code: json.expect };
}

/** With both credentials, each alone (and both together) must give the vector's result. */
function credentialSets(credentials: Credentials): Credentials[] {
  const { passphrase, recoveryKey } = credentials;
  if (passphrase !== undefined && recoveryKey !== undefined) {
    return [{ passphrase }, { recoveryKey }, { passphrase, recoveryKey }];
  }
  return [credentials];
}

function describeEntry(entry: IndexEntry, data?: Uint8Array): VectorEntry {
  const out: VectorEntry = {
    path: entry.path,
    type: entry.type,
    size: entry.size,
    mtime: entry.mtime,
    mode: entry.mode,
  };
  if (data) {
    if (data.length !== entry.size)
      throw new Error(`${entry.path}: got ${data.length} bytes, index says ${entry.size}`);
    out.sha256 = createHash('sha256').update(data).digest('hex');
  }
  return out;
}

/** A sink that records every folder and file (with a hash of its bytes), in restore order. */
function collectingSink(out: VectorEntry[]): RestoreSink {
  return {
    directory(entry) {
      out.push(describeEntry(entry));
    },
    file(entry) {
      const parts: Uint8Array[] = [];
      return {
        write(bytes) {
          parts.push(bytes.slice());
        },
        close() {
          out.push(describeEntry(entry, concatBytes(parts)));
        },
      };
    },
  };
}

/** (a) The whole file from memory: open (random access), then restore everything. */
async function restoreWhole(
  bytes: Uint8Array,
  credentials: Credentials,
  options?: OpenOptions,
): Promise<VectorEntry[]> {
  // Version 3 vectors (spec 11) need the Reed–Solomon coder to rebuild damaged chunks.
  const opened = await OpenedBackup.open(bytesSource(bytes), credentials, undefined, { coder: cliCoder(), ...options });
  const out: VectorEntry[] = [];
  await opened.restore(collectingSink(out));
  return out;
}

/** (b) Full restore where the source's sequential stream yields tiny pieces. */
async function restoreTinyPieces(bytes: Uint8Array, credentials: Credentials, piece: number): Promise<VectorEntry[]> {
  const source: RandomAccessSource = {
    size: bytes.length,
    read: async (offset, length) => bytes.slice(offset, offset + length),
    stream: (offset) => rechunk([bytes.subarray(offset)], piece),
  };
  const opened = await OpenedBackup.open(source, credentials, undefined, { coder: cliCoder() });
  const out: VectorEntry[] = [];
  await opened.restore(collectingSink(out));
  return out;
}

/**
 * (b) A purely sequential reader: header, unlock, then the payload ciphertext through openStream
 * in pieces of `piece` bytes; the archive is decoded from the plaintext the stream released.
 */
async function readStreamed(bytes: Uint8Array, credentials: Credentials, piece: number): Promise<VectorEntry[]> {
  const header = await readHeader(bytesSource(bytes));
  const keys = await unlockHeader(header, credentials);
  const parts: Uint8Array[] = [];
  const ciphertext = rechunk([bytes.subarray(header.headerLength)], piece);
  for await (const plaintext of openStream(keys.payloadKey, ciphertext, header.chunkSize)) parts.push(plaintext);
  const plaintext = concatBytes(parts);
  if (plaintext.length < TRAILER_LENGTH) throw new CofferError('payload_damaged', 'no trailer');
  const trailer = decodeTrailer(plaintext.subarray(plaintext.length - TRAILER_LENGTH), plaintext.length);
  const entries = decodeIndex(
    plaintext.subarray(trailer.indexOffset, trailer.indexOffset + trailer.indexLength),
    trailer,
  );
  checkPathSet(entries);
  const out: VectorEntry[] = [];
  for (const entry of entries) {
    if (entry.type === 'dir') {
      out.push(describeEntry(entry));
      continue;
    }
    const decoder = entryDecoder(entry);
    const pushed = await decoder.push(plaintext.subarray(entry.offset, entry.offset + entry.storedLength));
    const data = concatBytes([...pushed, ...(await decoder.finish())]);
    out.push(describeEntry(entry, data));
  }
  return out;
}

/** (c) Random access: list, then restore each file on its own, decrypting only its chunks. */
async function readEachEntry(bytes: Uint8Array, credentials: Credentials): Promise<VectorEntry[]> {
  const opened = await OpenedBackup.open(bytesSource(bytes), credentials);
  const out: VectorEntry[] = [];
  for (const entry of opened.entries) {
    if (entry.type === 'dir') {
      out.push(describeEntry(entry));
      continue;
    }
    const parts: Uint8Array[] = [];
    for await (const part of opened.fileData(entry)) parts.push(part.slice());
    out.push(describeEntry(entry, concatBytes(parts)));
  }
  // A selective restore of every entry must agree too.
  const selected: VectorEntry[] = [];
  await opened.restore(collectingSink(selected), { only: opened.entries });
  expect(selected).toEqual(out);
  return out;
}

describe('test vectors', () => {
  it('has at least 40 vectors and one for every failure class', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40);
    const classes = new Set(vectors.map((vector) => vector.json.expect));
    expect(classes.has('success')).toBe(true);
    for (const failure of FORMAT_FAILURES) expect(classes, failure).toContain(failure);
  });

  it('has well-formed descriptions', () => {
    const allowed = new Set<string>(['success', ...FORMAT_FAILURES]);
    const names = readdirSync(DIR).filter((name) => name !== 'README.md');
    expect(names.length).toBe(2 * vectors.length);
    for (const { json } of vectors) {
      expect(allowed, json.name).toContain(json.expect);
      expect(names).toContain(`${json.name}.coffer`);
      expect(typeof json.description).toBe('string');
      expect(
        json.credentials.passphrase ?? json.credentials.recoveryKey ?? json.credentials.passkey,
        json.name,
      ).toBeDefined();
      if (json.expect === 'success') {
        expect(json.entries, json.name).toBeDefined();
        for (const entry of json.entries ?? []) {
          expect(entry.sha256 !== undefined, `${json.name}: ${entry.path}`).toBe(entry.type === 'file');
        }
      } else {
        expect(json.entries, json.name).toBeUndefined();
      }
    }
  });

  it('are exactly what spec/gen/generate.ts produces (no drift)', async () => {
    expect(await checkVectors()).toEqual([]);
  });
});

describe.each(vectors.map((vector) => [vector.json.name, vector] as const))('%s', (_name, { json, bytes }) => {
  const want = expected(json);
  const sets = credentialSets(toCredentials(json.credentials));

  it(`whole file: ${json.expect}`, async () => {
    for (const credentials of sets) expect(await outcome(() => restoreWhole(bytes, credentials))).toEqual(want);
  });

  it(`whole file with node:crypto AES-GCM (the CLI's engines, with node:zlib): ${json.expect}`, async () => {
    for (const credentials of sets) {
      expect(
        await outcome(() => restoreWhole(bytes, credentials, { aes: nodeAesGcm, inflate: nodeSegmentInflate })),
      ).toEqual(want);
    }
  });

  it(`whole file with DecompressionStream (the app worker's inflater): ${json.expect}`, async () => {
    for (const credentials of sets) {
      expect(await outcome(() => restoreWhole(bytes, credentials, { inflate: inflateNative }))).toEqual(want);
    }
  });

  // A version 3 file (spec 11) has its recovery section after the payload: the purely
  // sequential version 1 reader and random access without parity do not apply to it.
  const version1 = !(bytes.length > 10 && bytes[8] === 3 && bytes[9] === 0);

  if (version1) {
    it.each([1, 7, 13])('openStream in pieces of %i bytes', async (piece) => {
      for (const credentials of sets)
        expect(await outcome(() => readStreamed(bytes, credentials, piece))).toEqual(want);
    });
  }

  it('restore with a source that streams 3-byte pieces', async () => {
    for (const credentials of sets) expect(await outcome(() => restoreTinyPieces(bytes, credentials, 3))).toEqual(want);
  });

  if (json.expect === 'success' && version1) {
    it('random access to each entry', async () => {
      for (const credentials of sets) expect(await outcome(() => readEachEntry(bytes, credentials))).toEqual(want);
    });
  }
});

async function* chunksOf(chunks: PlainChunk[]): AsyncGenerator<PlainChunk> {
  yield* chunks;
}

describe('generator helpers', () => {
  it('assemble headers byte-identical to the core writer for the same randomness', async () => {
    const specs: SlotSpec[] = [
      { kind: 'passphrase', passphrase: 'p', kdf: { memoryKiB: 64, iterations: 1, parallelism: 1 } },
    ];
    const fromParts = await headerParts(specs, 10, new Drbg('helper check').random);
    const assembled = await assembleHeader(fromParts.fileKey, fromParts.parts);
    const built = await buildHeader(specs, 10, new Drbg('helper check').random);
    expect(assembled).toEqual(built.bytes);
    const keys = await deriveKeys(fromParts.fileKey, fromParts.parts.payloadNonce);
    const sealed: Uint8Array[] = [];
    for await (const chunk of sealChunks(keys.payloadKey, chunksOf([{ bytes: new Uint8Array(3), final: true }])))
      sealed.push(chunk);
    expect(await openChunk(built.keys.payloadKey, 0, true, sealed[0])).toEqual(new Uint8Array(3));
  });
});

describe('chunk counter limit (spec 4.2; cannot be a vector)', () => {
  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e instanceof CofferError ? e.code : String(e);
    }
    return 'no error';
  };

  it('chunkIv refuses index 2^48 and accepts 2^48 - 1', () => {
    expect(error(() => chunkIv(2 ** 48, false))).toBe('limit_exceeded');
    expect(error(() => chunkIv(2 ** 48, true))).toBe('limit_exceeded');
    expect(Array.from(chunkIv(2 ** 48 - 1, true))).toEqual([0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 1]);
  });

  it('sealChunks starting at 2^48 - 1 seals one chunk and fails on the second', async () => {
    const keys = await deriveKeys(new Uint8Array(32), new Uint8Array(32));
    const one = [{ bytes: new Uint8Array([1]), final: true }];
    const sealed: Uint8Array[] = [];
    for await (const chunk of sealChunks(keys.payloadKey, chunksOf(one), 2 ** 48 - 1)) sealed.push(chunk);
    expect(sealed).toHaveLength(1);
    const two = [
      { bytes: new Uint8Array([1]), final: false },
      { bytes: new Uint8Array([2]), final: true },
    ];
    const code = await (async () => {
      for await (const _ of sealChunks(keys.payloadKey, chunksOf(two), 2 ** 48 - 1)) {
        // draining
      }
      return 'no error';
    })().catch((e: unknown) => (e instanceof CofferError ? e.code : String(e)));
    expect(code).toBe('limit_exceeded');
  });

  it('openChunk refuses index 2^48', async () => {
    const keys = await deriveKeys(new Uint8Array(32), new Uint8Array(32));
    const code = await openChunk(keys.payloadKey, 2 ** 48, true, new Uint8Array(17)).then(
      () => 'no error',
      (e: unknown) => (e instanceof CofferError ? e.code : String(e)),
    );
    expect(code).toBe('limit_exceeded');
  });
});
