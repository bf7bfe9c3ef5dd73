/**
 * The benchmark's reference worker, in the same Chromium as Coffer's own worker: the raw
 * WebCrypto and DEFLATE ceilings (no I/O), Argon2id through the core's own code, and the peers
 * (typage and libsodium's secretstream) end to end with the same source (a File) and sink (an OPFS
 * file through a sync access handle) as Coffer.
 */
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { deflateSync, inflateSync } from 'fflate';
import sodium from 'libsodium-wrappers-sumo';
import { deriveArgon2id, KDF_PRESETS, type KdfPreset } from '../../src/core/kdf.ts';
import { withHelperReports } from '../../src/worker/helper-launch.ts';
import { touchFreshPages, touchReusedPages } from './page-touch.ts';
import { type TreeIoVariant, treeIo } from './tree-io.ts';
import { zstdBench } from './zstd-bench.ts';

interface SyncHandle {
  write(bytes: Uint8Array, options: { at: number }): number;
  read(bytes: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

export type BenchRequest =
  | { op: 'ceiling'; file: File; bytes: number; chunk: number }
  | { op: 'deflate'; file: File; bytes: number; level: number }
  | { op: 'zstd'; file: File; bytes: number }
  | { op: 'argon2'; preset: KdfPreset }
  | { op: 'io'; file: File; chunk: number }
  | { op: 'typage' | 'sodium'; file: File; direction: 'encrypt' | 'decrypt' }
  | { op: 'peersInMemory'; file: File; bytes: number }
  | { op: 'copyToOpfs'; file: File; name: string }
  | { op: 'treeIo'; files: File[]; paths: string[]; variant: TreeIoVariant };

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<BenchRequest>) => void) | null;
  postMessage(message: unknown): void;
};

const seconds = () => performance.now() / 1000;

async function readHead(file: Blob, bytes: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, Math.min(bytes, file.size)).arrayBuffer());
}

/** AES-256-GCM over `bytes` of the file held in memory, one call at a time and with four in flight. */
async function ceiling(file: File, bytes: number, chunk: number) {
  const data = await readHead(file, bytes);
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const ivFor = (i: number) => {
    const iv = new Uint8Array(12);
    new DataView(iv.buffer).setUint32(8, i);
    return iv;
  };
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += chunk) chunks.push(data.subarray(offset, offset + chunk));
  const sealed: ArrayBuffer[] = new Array(chunks.length);
  const result: Record<string, number> = { bytes: data.length };
  for (const inFlight of [1, 4]) {
    let start = seconds();
    for (let i = 0; i < chunks.length; i += inFlight) {
      const batch = chunks
        .slice(i, i + inFlight)
        .map((c, j) => crypto.subtle.encrypt({ name: 'AES-GCM', iv: ivFor(i + j) }, key, c as Uint8Array<ArrayBuffer>));
      (await Promise.all(batch)).forEach((ct, j) => {
        sealed[i + j] = ct;
      });
    }
    result[`encrypt${inFlight}`] = seconds() - start;
    start = seconds();
    for (let i = 0; i < sealed.length; i += inFlight) {
      await Promise.all(
        sealed
          .slice(i, i + inFlight)
          .map((ct, j) => crypto.subtle.decrypt({ name: 'AES-GCM', iv: ivFor(i + j) }, key, ct)),
      );
    }
    result[`decrypt${inFlight}`] = seconds() - start;
  }
  return result;
}

async function pipeThroughStream(
  stream: ReadableStream<Uint8Array>,
  transform: (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>,
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = transform(stream).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

/** Coffer's segmenting (1 MiB, independent streams) with fflate and with the browser's CompressionStream. */
async function deflate(file: File, bytes: number, level: number) {
  const data = await readHead(file, bytes);
  const segments: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += 2 ** 20) segments.push(data.subarray(offset, offset + 2 ** 20));
  const result: Record<string, number> = { bytes: data.length };
  let start = seconds();
  const deflated = segments.map((segment) => deflateSync(segment, { level: level as 1 }));
  result.fflateDeflate = seconds() - start;
  result.fflateSize = deflated.reduce((sum, d) => sum + d.length, 0);
  start = seconds();
  for (const [i, d] of deflated.entries()) inflateSync(d, { out: new Uint8Array(segments[i].length) });
  result.fflateInflate = seconds() - start;
  // The browser's own DEFLATE (zlib at its default level) has no level setting: measured once.
  if (level !== 1) return result;

  start = seconds();
  const native: Uint8Array[] = [];
  for (const segment of segments) {
    const parts = await pipeThroughStream(new Blob([segment as Uint8Array<ArrayBuffer>]).stream(), (s) =>
      s.pipeThrough(new CompressionStream('deflate-raw') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>),
    );
    native.push(new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer()));
  }
  result.nativeDeflate = seconds() - start;
  result.nativeSize = native.reduce((sum, d) => sum + d.length, 0);
  start = seconds();
  for (const d of native) {
    await pipeThroughStream(new Blob([d as Uint8Array<ArrayBuffer>]).stream(), (s) =>
      s.pipeThrough(new DecompressionStream('deflate-raw') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>),
    );
  }
  result.nativeInflate = seconds() - start;
  return result;
}

/** The I/O alone: read the File as a stream, write as many bytes to OPFS (sync handle, then a writable). */
async function io(file: File, chunk: number) {
  const result: Record<string, number> = { bytes: file.size };
  let start = seconds();
  const reader = file.stream().getReader();
  let pieces = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.length > 0) pieces++;
  }
  result.readFile = seconds() - start;
  result.readPieceKiB = file.size / pieces / 1024;
  start = seconds();
  for (let offset = 0; offset < file.size; offset += 8 * 2 ** 20) {
    await file.slice(offset, offset + 8 * 2 ** 20).arrayBuffer();
  }
  result.readSlices = seconds() - start;
  result.memFresh = touchFreshPages(file.size, chunk);
  result.memReused = touchReusedPages(file.size, chunk);
  const block = crypto.getRandomValues(new Uint8Array(65536));
  const data = new Uint8Array(chunk);
  for (let offset = 0; offset < chunk; offset += block.length) data.set(block.subarray(0, chunk - offset), offset);
  start = seconds();
  const out = await opfsWriter('io.bin');
  for (let done = 0; done < file.size; done += chunk) out.write(data);
  out.close();
  result.writeSync = seconds() - start;
  const root = await navigator.storage.getDirectory();
  start = seconds();
  const writable = await (await root.getFileHandle('io2.bin', { create: true })).createWritable();
  for (let done = 0; done < file.size; done += chunk) await writable.write(data as Uint8Array<ArrayBuffer>);
  await writable.close();
  result.writeWritable = seconds() - start;
  const big = new Uint8Array(16 * chunk);
  for (let offset = 0; offset < big.length; offset += chunk) big.set(data, offset);
  start = seconds();
  const batched = await (await root.getFileHandle('io3.bin', { create: true })).createWritable();
  for (let done = 0; done < file.size; done += big.length) await batched.write(big as Uint8Array<ArrayBuffer>);
  await batched.close();
  result.writeWritable16 = seconds() - start;
  for (const name of ['io.bin', 'io2.bin', 'io3.bin']) await root.removeEntry(name);
  return result;
}

async function argon2(preset: KdfPreset) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const start = seconds();
  await deriveArgon2id(new TextEncoder().encode('correct horse battery staple'), salt, KDF_PRESETS[preset]);
  return { seconds: seconds() - start };
}

async function opfsWriter(name: string) {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(name, { create: true });
  const access = (await (
    handle as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
  ).createSyncAccessHandle()) as SyncHandle;
  access.truncate(0);
  let position = 0;
  return {
    write(bytes: Uint8Array) {
      position += access.write(bytes, { at: position });
    },
    close() {
      access.flush();
      access.close();
    },
    size: () => position,
  };
}

async function opfsFile(name: string): Promise<File> {
  const root = await navigator.storage.getDirectory();
  return (await root.getFileHandle(name)).getFile();
}

async function drain(stream: ReadableStream<Uint8Array>, name: string): Promise<number> {
  const out = await opfsWriter(name);
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.write(value);
  }
  out.close();
  return out.size();
}

let ageIdentity: string | undefined;

/** typage (age-encryption on npm) with an X25519 recipient, as `age -r` does. */
async function typage(file: File, direction: 'encrypt' | 'decrypt') {
  ageIdentity ??= await generateX25519Identity();
  const start = seconds();
  if (direction === 'encrypt') {
    const encrypter = new Encrypter();
    encrypter.addRecipient(await identityToRecipient(ageIdentity));
    const size = await drain(await encrypter.encrypt(file.stream()), 'typage.age');
    return { seconds: seconds() - start, bytes: file.size, size };
  }
  const decrypter = new Decrypter();
  decrypter.addIdentity(ageIdentity);
  const sealed = await opfsFile('typage.age');
  const size = await drain(await decrypter.decrypt(sealed.stream()), 'typage.out');
  if (size !== file.size) throw new Error(`typage restored ${size} bytes, not ${file.size}`);
  return { seconds: seconds() - start, bytes: file.size, size };
}

const SODIUM_CHUNK = 64 * 1024;
let sodiumKey: Uint8Array | undefined;

/** Reads a stream in pieces of exactly `size` bytes (the last one shorter). */
async function* fixedPieces(stream: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let buffer = new Uint8Array(size);
  let fill = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let offset = 0;
    while (offset < value.length) {
      const take = Math.min(size - fill, value.length - offset);
      buffer.set(value.subarray(offset, offset + take), fill);
      fill += take;
      offset += take;
      if (fill === size) {
        yield buffer;
        buffer = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buffer.subarray(0, fill);
}

/** libsodium's crypto_secretstream_xchacha20poly1305 in 64 KiB chunks, hat.sh's construction. */
async function secretstream(file: File, direction: 'encrypt' | 'decrypt') {
  await sodium.ready;
  sodiumKey ??= sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const start = seconds();
  if (direction === 'encrypt') {
    const out = await opfsWriter('sodium.bin');
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(sodiumKey);
    out.write(header);
    let done = 0;
    for await (const piece of fixedPieces(file.stream(), SODIUM_CHUNK)) {
      done += piece.length;
      const tag =
        done === file.size
          ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
          : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      out.write(sodium.crypto_secretstream_xchacha20poly1305_push(state, piece, null, tag));
    }
    out.close();
    return { seconds: seconds() - start, bytes: file.size, size: out.size() };
  }
  const sealed = await opfsFile('sodium.bin');
  const headerBytes = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES;
  const header = new Uint8Array(await sealed.slice(0, headerBytes).arrayBuffer());
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, sodiumKey);
  const out = await opfsWriter('sodium.out');
  let final = false;
  for await (const piece of fixedPieces(
    sealed.slice(headerBytes).stream(),
    SODIUM_CHUNK + sodium.crypto_secretstream_xchacha20poly1305_ABYTES,
  )) {
    const opened = sodium.crypto_secretstream_xchacha20poly1305_pull(state, piece, null);
    if (!opened) throw new Error('secretstream: a chunk did not open');
    out.write(opened.message);
    final = opened.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  }
  out.close();
  if (!final || out.size() !== file.size) throw new Error('secretstream: the output is incomplete');
  return { seconds: seconds() - start, bytes: file.size, size: out.size() };
}

/**
 * The peers at their own best: no I/O, the same bytes already in memory, the output kept in
 * memory (typage whole-buffer, secretstream in 64 KiB chunks).
 */
async function peersInMemory(file: File, bytes: number) {
  const data = await readHead(file, bytes);
  const result: Record<string, number> = { bytes: data.length };
  ageIdentity ??= await generateX25519Identity();
  const encrypter = new Encrypter();
  encrypter.addRecipient(await identityToRecipient(ageIdentity));
  let start = seconds();
  const sealed = await encrypter.encrypt(data);
  result.typageEncrypt = seconds() - start;
  const decrypter = new Decrypter();
  decrypter.addIdentity(ageIdentity);
  start = seconds();
  const opened = await decrypter.decrypt(sealed);
  result.typageDecrypt = seconds() - start;
  if (opened.length !== data.length) throw new Error('typage: wrong size');

  await sodium.ready;
  sodiumKey ??= sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const chunks: Uint8Array[] = [];
  start = seconds();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(sodiumKey);
  for (let offset = 0; offset < data.length; offset += SODIUM_CHUNK) {
    const last = offset + SODIUM_CHUNK >= data.length;
    const tag = last
      ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    chunks.push(
      sodium.crypto_secretstream_xchacha20poly1305_push(state, data.subarray(offset, offset + SODIUM_CHUNK), null, tag),
    );
  }
  result.sodiumEncrypt = seconds() - start;
  start = seconds();
  const pull = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, sodiumKey);
  for (const chunk of chunks) {
    if (!sodium.crypto_secretstream_xchacha20poly1305_pull(pull, chunk, null))
      throw new Error('secretstream: bad chunk');
  }
  result.sodiumDecrypt = seconds() - start;
  return result;
}

async function handle(request: BenchRequest): Promise<Record<string, number>> {
  switch (request.op) {
    case 'ceiling':
      return ceiling(request.file, request.bytes, request.chunk);
    case 'deflate':
      return deflate(request.file, request.bytes, request.level);
    case 'zstd':
      return zstdBench(await readHead(request.file, request.bytes));
    case 'argon2':
      return argon2(request.preset);
    case 'io':
      return io(request.file, request.chunk);
    case 'typage':
      return typage(request.file, request.direction);
    case 'sodium':
      return secretstream(request.file, request.direction);
    case 'peersInMemory':
      return peersInMemory(request.file, request.bytes);
    case 'copyToOpfs':
      // The I/O-only twin of Coffer's no-picker path: the same File in, the same OPFS sink out.
      return { bytes: await drain(request.file.stream() as ReadableStream<Uint8Array>, request.name) };
    case 'treeIo':
      return treeIo(request.files, request.paths, request.variant);
  }
}

scope.onmessage = withHelperReports<BenchRequest>(async (event) => {
  try {
    scope.postMessage({ ok: true, result: await handle(event.data) });
  } catch (error) {
    scope.postMessage({
      ok: false,
      error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
    });
  }
});
