/**
 * Decrypting a WhatsApp backup as a stream, in one pass and in bounded memory: the file is read
 * piece by piece, decrypted with AES-CTR (a few pieces in flight, so WebCrypto works while
 * GHASH recomputes the GCM tag and hash-wasm the MD5 here), and the plaintext inflated (zlib)
 * by the platform's DecompressionStream on the way out.
 *
 * The output is unverified until the iterator finishes: a wrong key, a damaged file or a
 * truncated one is reported by the final `next()` throwing, after earlier pieces were already
 * yielded. Callers must write to a temporary place and keep the result only when iteration
 * completes (the CLI renames a temporary file; the browser downloads an OPFS file only then).
 *
 * The last 32 bytes of a crypt14/15 file are either "tag, MD5" (single file) or "end of the
 * ciphertext, tag" (multi-file, no MD5, a ZIP inside). Both readings share every byte before
 * them, so both are checked at the end from one pass.
 */
import { Unzlib } from 'fflate';
import { createMD5 } from 'hash-wasm';
import { concatBytes, constantTimeEqual } from '../../core/bytes.ts';
import { hkdfBytes } from '../../core/crypto.ts';
import { CofferError, throwIfAborted } from '../../core/errors.ts';
import { type RandomAccessSource, sequentialBytes } from '../../core/source.ts';
import { MD5_BYTES, TAG_BYTES, type WhatsAppFormat, type WhatsAppHeader } from './format.ts';
import { GcmStream } from './gcm-stream.ts';
import type { WhatsAppKey } from './keys.ts';
import { isSqliteHeader, SqliteTableCounter } from './sqlite.ts';

export type WhatsAppContent = 'sqlite' | 'zip' | 'data';

export interface WhatsAppSummary {
  format: WhatsAppFormat;
  /** A multi-file backup: no MD5, a ZIP inside. */
  multiFile: boolean;
  /** What the output is. */
  content: WhatsAppContent;
  /** Whether a zlib layer was removed. */
  inflated: boolean;
  /** Bytes of output. */
  size: number;
  /** SQLite databases: the number of tables, when it could be counted. */
  tables?: number;
  appVersion?: string;
  phoneSuffix?: string;
}

export interface WhatsAppDecryptOptions {
  signal?: AbortSignal;
  /** Encrypted bytes read so far, of the whole file. */
  onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void;
  /** Bytes per decryption step (a multiple of 16); tests use small ones. */
  chunkSize?: number;
  /** zlib inflation as a stream; by default the platform's DecompressionStream (the CLI uses node:zlib). */
  inflate?: () => TransformStream<Uint8Array, Uint8Array>;
}

/** 256 KiB steps with two in flight measured fastest for WebCrypto's AES-CTR in Chromium. */
const DEFAULT_CHUNK = 256 * 1024;
const IN_FLIGHT = 2;
const BACKUP_INFO = 'backup encryption';

/** Refuses a key of the wrong kind before anything is decrypted. */
export function checkKeyFits(header: WhatsAppHeader, key: WhatsAppKey): void {
  if (header.format === 'crypt15' && key.kind === 'legacy') {
    throw new CofferError(
      'key_mismatch',
      'This is a crypt12/crypt14 key file (the 158-byte "key" file), but this backup is crypt15 (end-to-end encrypted). It opens with the 64-digit key WhatsApp showed you, or with its encrypted_backup.key file.',
    );
  }
  if (header.format !== 'crypt15' && key.kind === 'e2e') {
    throw new CofferError(
      'key_mismatch',
      `This is an end-to-end backup key (64 digits or encrypted_backup.key), which opens crypt15 backups, but this backup is ${header.format}. It opens with the 158-byte "key" file from the phone (/data/data/com.whatsapp/files/key).`,
    );
  }
}

/** The AES-256 key of the backup body. */
export async function bodyKey(header: WhatsAppHeader, key: WhatsAppKey): Promise<Uint8Array> {
  checkKeyFits(header, key);
  if (key.kind === 'e2e') return hkdfBytes(key.rootKey, new Uint8Array(0), BACKUP_INFO, 32);
  return key.aesKey;
}

function legacySaltsDiffer(header: WhatsAppHeader, key: WhatsAppKey): boolean {
  if (key.kind !== 'legacy' || !header.serverSalt || !header.googleIdSalt) return false;
  return (
    !constantTimeEqual(header.serverSalt, key.serverSalt) || !constantTimeEqual(header.googleIdSalt, key.googleIdSalt)
  );
}

export function contentOf(head: Uint8Array): WhatsAppContent {
  if (isSqliteHeader(head)) return 'sqlite';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) return 'zip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 5 && head[3] === 6) return 'zip';
  return 'data';
}

function looksZlib(head: Uint8Array): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && head[0] >> 4 <= 7 && ((head[0] << 8) | head[1]) % 31 === 0;
}

type ByteTransform = TransformStream<Uint8Array, Uint8Array>;

/** zlib inflation: the platform's native DecompressionStream, or fflate where there is none. */
export function inflateStream(): ByteTransform {
  if (typeof globalThis.DecompressionStream === 'function')
    return new DecompressionStream('deflate') as unknown as ByteTransform;
  let inflater: Unzlib;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      inflater = new Unzlib((data) => {
        if (data.length > 0) controller.enqueue(data);
      });
    },
    transform(chunk) {
      inflater.push(chunk, false);
    },
    flush() {
      inflater.push(new Uint8Array(0), true);
    },
  });
}

/** Starts the next read before handing out the current piece, so reading overlaps the work. */
async function* readAhead(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const { done, value } = await next;
      if (done) return;
      next = iterator.next();
      yield value;
    }
  } finally {
    await iterator.return?.();
  }
}

interface Verdict {
  multiFile: boolean;
  inflated: boolean;
}

class Stopped extends Error {}

/** Bytes in arrival order; `take` hands out a view of the first piece when it is long enough (no copy). */
class ByteQueue {
  private pieces: Uint8Array[] = [];
  length = 0;

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.length += piece.length;
  }

  take(count: number): Uint8Array {
    if (count > this.length) throw new RangeError('not enough bytes queued');
    this.length -= count;
    const first = this.pieces[0];
    if (first && first.length >= count) {
      if (first.length === count) this.pieces.shift();
      else this.pieces[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const piece = this.pieces[0];
      const part = Math.min(piece.length, count - filled);
      out.set(piece.subarray(0, part), filled);
      filled += part;
      if (part === piece.length) this.pieces.shift();
      else this.pieces[0] = piece.subarray(part);
    }
    return out;
  }
}

/**
 * The decrypted (and inflated) content of a WhatsApp backup, as an async iterable of bytes.
 * `summary` is set once iteration has finished and everything verified.
 */
export class WhatsAppDecryption implements AsyncIterable<Uint8Array> {
  summary: WhatsAppSummary | undefined;

  constructor(
    private readonly source: RandomAccessSource,
    readonly header: WhatsAppHeader,
    private readonly key: WhatsAppKey,
    private readonly options: WhatsAppDecryptOptions = {},
  ) {
    checkKeyFits(header, key);
  }

  [Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    return this.run();
  }

  /**
   * Two stages: `decrypt` (below) reads, decrypts and checks, and writes plaintext into a
   * transform (inflate, or pass-through); this generator reads the transform's output. The
   * transform's backpressure keeps at most about one piece and its inflation in memory.
   */
  private async *run(): AsyncGenerator<Uint8Array> {
    let readable: ReadableStream<Uint8Array> | undefined;
    let opened: (stream: ReadableStream<Uint8Array>) => void = () => {};
    const ready = new Promise<ReadableStream<Uint8Array>>((resolve) => {
      opened = resolve;
    });
    const control = { stopped: false };
    const decrypting = this.decrypt((stream) => opened(stream), control);
    decrypting.catch(() => {});
    let finished = false;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    try {
      readable = await Promise.race([ready, decrypting.then(() => ready)]);
      reader = readable.getReader();
      let head: Uint8Array = new Uint8Array(0);
      let size = 0;
      const tables = new SqliteTableCounter();
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch {
          await decrypting; // a failed check is the real story; only if all checks passed...
          throw new CofferError(
            'payload_damaged',
            'The backup decrypted and its checksums are right, but the compressed data inside is not valid zlib. It may have been made by a WhatsApp version Coffer does not know.',
          );
        }
        if (next.done) break;
        const piece = next.value;
        if (piece.length === 0) continue;
        if (head.length < 16) head = concatBytes([head, piece.subarray(0, 16)]).subarray(0, 16);
        size += piece.length;
        tables.push(piece);
        yield piece;
      }
      const verdict = await decrypting;
      const content = contentOf(head);
      this.summary = {
        format: this.header.format,
        multiFile: verdict.multiFile,
        content,
        inflated: verdict.inflated,
        size,
        tables: content === 'sqlite' ? tables.result() : undefined,
        appVersion: this.header.appVersion,
        phoneSuffix: this.header.phoneSuffix,
      };
      finished = true;
    } finally {
      if (!finished) {
        control.stopped = true;
        await reader?.cancel().catch(() => {});
        await decrypting.catch(() => {});
      }
    }
  }

  /** Reads, decrypts and verifies; writes plaintext into the transform it opens; closes it only if all checks pass. */
  private async decrypt(open: (stream: ReadableStream<Uint8Array>) => void, control: { stopped: boolean }) {
    const { header, options, source } = this;
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    if (chunkSize <= 0 || chunkSize % 16 !== 0) throw new RangeError('chunkSize must be a positive multiple of 16');
    const gcm = await GcmStream.create(await bodyKey(header, this.key), header.iv);
    const ghash = gcm.newGhash();
    const md5 = await createMD5();
    md5.init();
    md5.update(header.headerBytes);
    const total = source.size;

    // The plaintext's first bytes decide between inflating (zlib) and passing through.
    let first: Uint8Array[] = [];
    let firstLength = 0;
    let writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
    let inflated = false;
    let startedAs: WhatsAppContent | 'zlib' | undefined;
    let feedFailed = false;
    const start = (bytes: Uint8Array) => {
      inflated = looksZlib(bytes);
      startedAs = inflated ? 'zlib' : contentOf(bytes);
      const transform = inflated ? (options.inflate ?? inflateStream)() : new TransformStream<Uint8Array, Uint8Array>();
      writer = transform.writable.getWriter();
      writer.closed.catch(() => {});
      open(transform.readable);
    };
    const feed = async (plain: Uint8Array, final: boolean) => {
      if (!writer) {
        first.push(plain);
        firstLength += plain.length;
        if (firstLength < 4 && !final) return;
        plain = concatBytes(first);
        first = [];
        start(plain);
      }
      if (feedFailed || plain.length === 0) return;
      try {
        await writer?.ready;
        if (control.stopped) throw new Stopped();
        writer?.write(plain).catch(() => {});
      } catch {
        if (control.stopped) throw new Stopped();
        // The inflater failed; keep reading, so the checks can say whether the file is damaged.
        feedFailed = true;
      }
    };

    const hold = header.trailerLength;
    const pending = new ByteQueue();
    let blocks = 0;
    let done = header.bodyOffset;
    const inFlight: Promise<Uint8Array>[] = [];
    try {
      for await (const piece of readAhead(sequentialBytes(source, header.bodyOffset))) {
        pending.push(piece);
        // Always keep the last `hold` bytes back: they may be the tag and MD5.
        while (pending.length >= chunkSize + hold) {
          if (control.stopped) throw new Stopped();
          throwIfAborted(options.signal);
          const chunk = pending.take(chunkSize);
          const plain = gcm.crypt(blocks, chunk);
          plain.catch(() => {});
          inFlight.push(plain);
          ghash.update(chunk);
          md5.update(chunk);
          blocks += chunkSize / 16;
          done += chunkSize;
          if (inFlight.length >= IN_FLIGHT) await feed(await (inFlight.shift() as Promise<Uint8Array>), false);
          options.onProgress?.({ bytesDone: done, bytesTotal: total });
        }
      }
      while (inFlight.length > 0) await feed(await (inFlight.shift() as Promise<Uint8Array>), false);
      throwIfAborted(options.signal);

      // The end: up to chunkSize + trailer bytes remain; try each layout they may have.
      const fill = pending.length;
      const rest = pending.take(fill);
      const processed = blocks * 16;
      const single = fill >= hold;
      const multi = header.multiFilePossible && fill >= TAG_BYTES;
      if (!single && !multi) {
        throw new CofferError('truncated', `This ${header.format} backup is cut short: it ends before its checksum.`);
      }
      const longest = multi ? fill - TAG_BYTES : fill - hold;
      const plainRest = await gcm.crypt(blocks, rest.subarray(0, longest));
      let singleOk = false;
      let md5Ok = false;
      if (single) {
        const ctEnd = fill - hold;
        const tag = rest.subarray(ctEnd, ctEnd + TAG_BYTES);
        md5.update(rest.subarray(0, ctEnd + TAG_BYTES));
        md5Ok = constantTimeEqual(
          md5.digest('binary'),
          rest.subarray(ctEnd + TAG_BYTES, ctEnd + TAG_BYTES + MD5_BYTES),
        );
        singleOk = gcm.tagMatches(ghash, rest.subarray(0, ctEnd), processed + ctEnd, tag);
      }
      const looks = startedAs ?? (looksZlib(plainRest) ? 'zlib' : contentOf(plainRest));
      // Only a ZIP comes without an MD5: a database whose MD5 is missing was cut short.
      const multiOk =
        multi &&
        !md5Ok &&
        looks === 'zip' &&
        gcm.tagMatches(ghash, rest.subarray(0, longest), processed + longest, rest.subarray(longest));
      options.onProgress?.({ bytesDone: total, bytesTotal: total });
      if (!(md5Ok && singleOk) && !multiOk) throw this.failure(md5Ok, singleOk, looks === 'zlib' || looks === 'zip');

      await feed(md5Ok ? plainRest.subarray(0, fill - hold) : plainRest, true);
      await writer?.close().catch(() => {});
      return { multiFile: !md5Ok, inflated } satisfies Verdict;
    } catch (error) {
      if (writer) await writer.abort(error).catch(() => {});
      else open(new ReadableStream({ start: (controller) => controller.error(error) }));
      throw error;
    }
  }

  private failure(md5Ok: boolean, singleOk: boolean, plausible: boolean): CofferError {
    const name = this.header.format;
    if (md5Ok) {
      // The file is exactly as written (its MD5 matches), so the key must be wrong.
      const other = legacySaltsDiffer(this.header, this.key)
        ? ' This key file belongs to another backup: its salts differ from the ones in this backup, so it is probably from another phone or account.'
        : '';
      return new CofferError('wrong_key', `This key does not open this ${name} backup.${other}`);
    }
    if (singleOk) {
      return new CofferError(
        'payload_damaged',
        `This ${name} backup is damaged: its MD5 checksum at the very end does not match, so nothing was kept.`,
      );
    }
    if (plausible || !this.header.multiFilePossible) {
      return new CofferError(
        'payload_damaged',
        `This ${name} backup is damaged or incomplete: its checksum does not match what it holds, so nothing was kept. An interrupted copy is the usual cause; copy the whole file again.`,
      );
    }
    return new CofferError(
      'wrong_key',
      `This key does not open this ${name} backup (or the file is damaged: its checksum does not match either).`,
    );
  }
}
