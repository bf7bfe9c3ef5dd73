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
import { createMD5 } from 'hash-wasm';
import { concatBytes, constantTimeEqual } from '../../core/bytes.ts';
import { CofferError, throwIfAborted } from '../../core/errors.ts';
import { type RandomAccessSource, sequentialBytes } from '../../core/source.ts';
import { MD5_BYTES, TAG_BYTES, type WhatsAppFormat, type WhatsAppHeader } from './format.ts';
import { GcmStream } from './gcm-stream.ts';
import { bodyKey, checkKeyFits, endingFailure } from './key-fit.ts';
import type { WhatsAppKey } from './keys.ts';
import { SqliteTableCounter } from './sqlite.ts';
import { ByteQueue, contentOf, inflateStream, looksZlib, readAhead, type WhatsAppContent } from './stream-parts.ts';

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

interface Verdict {
  multiFile: boolean;
  inflated: boolean;
}

class Stopped extends Error {}

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
    const body = await BodyCheck.create(header, this.key);
    const outlet = new PlaintextOutlet(open, control, options.inflate);
    const hold = header.trailerLength;
    const pending = new ByteQueue();
    const inFlight: Promise<Uint8Array>[] = [];
    try {
      for await (const piece of readAhead(sequentialBytes(source, header.bodyOffset))) {
        pending.push(piece);
        // Always keep the last `hold` bytes back: they may be the tag and MD5.
        while (pending.length >= chunkSize + hold) {
          if (control.stopped) throw new Stopped();
          throwIfAborted(options.signal);
          inFlight.push(body.decrypt(pending.take(chunkSize)));
          if (inFlight.length >= IN_FLIGHT) await outlet.feed(await (inFlight.shift() as Promise<Uint8Array>), false);
          options.onProgress?.({ bytesDone: header.bodyOffset + body.processed, bytesTotal: source.size });
        }
      }
      while (inFlight.length > 0) await outlet.feed(await (inFlight.shift() as Promise<Uint8Array>), false);
      throwIfAborted(options.signal);
      const ending = await body.finish(pending.take(pending.length), outlet.startedAs);
      options.onProgress?.({ bytesDone: source.size, bytesTotal: source.size });
      await outlet.feed(ending.plaintext, true);
      await outlet.close();
      return { multiFile: ending.multiFile, inflated: outlet.inflated } satisfies Verdict;
    } catch (error) {
      await outlet.fail(error);
      throw error;
    }
  }
}

/**
 * Where the plaintext goes: its first bytes decide between inflating (zlib) and passing
 * through, and the transform is opened then. A failing inflater does not stop the reading, so
 * the checks at the end can still say whether the file itself is damaged.
 */
class PlaintextOutlet {
  private first: Uint8Array[] = [];
  private firstLength = 0;
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private feedFailed = false;
  inflated = false;
  /** What the plaintext looked like at its start, once it has started. */
  startedAs: WhatsAppContent | 'zlib' | undefined;

  constructor(
    private readonly open: (stream: ReadableStream<Uint8Array>) => void,
    private readonly control: { stopped: boolean },
    private readonly inflate: (() => TransformStream<Uint8Array, Uint8Array>) | undefined,
  ) {}

  private start(bytes: Uint8Array): void {
    this.inflated = looksZlib(bytes);
    this.startedAs = this.inflated ? 'zlib' : contentOf(bytes);
    const transform = this.inflated ? (this.inflate ?? inflateStream)() : new TransformStream<Uint8Array, Uint8Array>();
    this.writer = transform.writable.getWriter();
    this.writer.closed.catch(() => {});
    this.open(transform.readable);
  }

  async feed(plain: Uint8Array, final: boolean): Promise<void> {
    if (!this.writer) {
      this.first.push(plain);
      this.firstLength += plain.length;
      if (this.firstLength < 4 && !final) return;
      plain = concatBytes(this.first);
      this.first = [];
      this.start(plain);
    }
    if (this.feedFailed || plain.length === 0) return;
    try {
      await this.writer?.ready;
      if (this.control.stopped) throw new Stopped();
      this.writer?.write(plain).catch(() => {});
    } catch {
      if (this.control.stopped) throw new Stopped();
      // The inflater failed; keep reading, so the checks can say whether the file is damaged.
      this.feedFailed = true;
    }
  }

  async close(): Promise<void> {
    await this.writer?.close().catch(() => {});
  }

  /** Hands the failure to the reader of the output, whether or not the output had started. */
  async fail(error: unknown): Promise<void> {
    if (this.writer) await this.writer.abort(error).catch(() => {});
    else this.open(new ReadableStream({ start: (controller) => controller.error(error) }));
  }
}

/**
 * The body's decryption and its checks, in one pass: AES-CTR through the GCM stream, GHASH over
 * the ciphertext, and MD5 over the whole file. At the end, the last bytes are tried as each
 * layout they may have ("tag, MD5" for one file; "ciphertext end, tag" for a multi-file ZIP).
 */
class BodyCheck {
  private blocks = 0;

  private constructor(
    private readonly header: WhatsAppHeader,
    private readonly key: WhatsAppKey,
    private readonly gcm: GcmStream,
    private readonly ghash: ReturnType<GcmStream['newGhash']>,
    private readonly md5: Awaited<ReturnType<typeof createMD5>>,
  ) {}

  static async create(header: WhatsAppHeader, key: WhatsAppKey): Promise<BodyCheck> {
    const gcm = await GcmStream.create(await bodyKey(header, key), header.iv);
    const md5 = await createMD5();
    md5.init();
    md5.update(header.headerBytes);
    return new BodyCheck(header, key, gcm, gcm.newGhash(), md5);
  }

  /** Ciphertext bytes taken so far (whole 16-byte blocks). */
  get processed(): number {
    return this.blocks * 16;
  }

  /** Starts decrypting one whole-block chunk and adds it to both checksums. */
  decrypt(chunk: Uint8Array): Promise<Uint8Array> {
    const plain = this.gcm.crypt(this.blocks, chunk);
    plain.catch(() => {});
    this.ghash.update(chunk);
    this.md5.update(chunk);
    this.blocks += chunk.length / 16;
    return plain;
  }

  /** The last bytes: checks the layout that fits, and gives the plaintext they hold. */
  async finish(
    rest: Uint8Array,
    startedAs: WhatsAppContent | 'zlib' | undefined,
  ): Promise<{ plaintext: Uint8Array; multiFile: boolean }> {
    const { header, gcm, ghash, md5, processed } = this;
    const fill = rest.length;
    const hold = header.trailerLength;
    const single = fill >= hold;
    const multi = header.multiFilePossible && fill >= TAG_BYTES;
    if (!single && !multi) {
      throw new CofferError('truncated', `This ${header.format} backup is cut short: it ends before its checksum.`);
    }
    const longest = multi ? fill - TAG_BYTES : fill - hold;
    const plainRest = await gcm.crypt(this.blocks, rest.subarray(0, longest));
    let singleOk = false;
    let md5Ok = false;
    if (single) {
      const ctEnd = fill - hold;
      const tag = rest.subarray(ctEnd, ctEnd + TAG_BYTES);
      md5.update(rest.subarray(0, ctEnd + TAG_BYTES));
      md5Ok = constantTimeEqual(md5.digest('binary'), rest.subarray(ctEnd + TAG_BYTES, ctEnd + TAG_BYTES + MD5_BYTES));
      singleOk = gcm.tagMatches(ghash, rest.subarray(0, ctEnd), processed + ctEnd, tag);
    }
    const looks = startedAs ?? (looksZlib(plainRest) ? 'zlib' : contentOf(plainRest));
    // Only a ZIP comes without an MD5: a database whose MD5 is missing was cut short.
    const multiOk =
      multi &&
      !md5Ok &&
      looks === 'zip' &&
      gcm.tagMatches(ghash, rest.subarray(0, longest), processed + longest, rest.subarray(longest));
    if (!(md5Ok && singleOk) && !multiOk) {
      throw endingFailure(header, this.key, md5Ok, singleOk, looks === 'zlib' || looks === 'zip');
    }
    return { plaintext: md5Ok ? plainRest.subarray(0, fill - hold) : plainRest, multiFile: !md5Ok };
  }
}
