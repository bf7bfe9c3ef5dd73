/**
 * Decrypting a WhatsApp backup as a stream, in one pass and in bounded memory: the file is read
 * in 1 MiB pieces, decrypted with AES-CTR, its GCM tag recomputed with GHASH and its MD5 with
 * hash-wasm, and the plaintext inflated (zlib) on the way out.
 *
 * The output is unverified until the iterator finishes: a wrong key, a damaged file or a
 * truncated one is reported by the final `next()` throwing, after earlier pieces were already
 * yielded. Callers must write to a temporary place and keep the result only when iteration
 * completes (the CLI renames a temporary file; the browser downloads an OPFS file only then).
 *
 * The last 32 bytes of a crypt14/15 file are either "tag, MD5" (single file) or "end of the
 * ciphertext, tag" (multi-file, no MD5). Both readings share every byte before them, so both
 * are checked at the end from one pass.
 */

import { Unzlib } from 'fflate';
import { createMD5 } from 'hash-wasm';
import { concatBytes, constantTimeEqual } from '../bytes.ts';
import { hkdfBytes } from '../crypto.ts';
import { CofferError, throwIfAborted } from '../errors.ts';
import { iterateBytes } from '../iter.ts';
import type { RandomAccessSource } from '../reader.ts';
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
}

const DEFAULT_CHUNK = 1024 * 1024;
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

function contentOf(head: Uint8Array): WhatsAppContent {
  if (isSqliteHeader(head)) return 'sqlite';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) return 'zip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 5 && head[3] === 6) return 'zip';
  return 'data';
}

function looksZlib(head: Uint8Array): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && head[0] >> 4 <= 7 && ((head[0] << 8) | head[1]) % 31 === 0;
}

/** Turns decrypted bytes into output: inflates zlib, passes anything else through, and watches the result. */
class Output {
  private head: Uint8Array[] = [];
  private headLength = 0;
  private inflater: Unzlib | undefined;
  private decided = false;
  private pieces: Uint8Array[] = [];
  private outHead: Uint8Array = new Uint8Array(0);
  inflated = false;
  inflateError: unknown;
  size = 0;
  readonly tables = new SqliteTableCounter();

  /** What the decrypted bytes looked like before any inflating. */
  startedAs: WhatsAppContent | 'zlib' | undefined;
  /** Whether the plaintext started like zlib or a ZIP: with a wrong key it almost never does. */
  plausible = false;

  push(plain: Uint8Array, final: boolean): Uint8Array[] {
    if (!this.decided) {
      this.head.push(plain);
      this.headLength += plain.length;
      if (this.headLength < 4 && !final) return [];
      const first = concatBytes(this.head);
      this.head = [];
      this.decided = true;
      this.inflated = looksZlib(first);
      this.startedAs = this.inflated ? 'zlib' : contentOf(first);
      this.plausible = this.inflated || this.startedAs === 'zip';
      if (this.inflated) this.inflater = new Unzlib((data) => this.emit(data));
      plain = first;
    }
    if (this.inflater) {
      if (this.inflateError === undefined) {
        try {
          this.inflater.push(plain, final);
        } catch (error) {
          this.inflateError = error;
        }
      }
    } else {
      this.emit(plain);
    }
    const out = this.pieces;
    this.pieces = [];
    return out;
  }

  private emit(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.outHead.length < 16) this.outHead = concatBytes([this.outHead, data.subarray(0, 16)]).subarray(0, 16);
    this.size += data.length;
    this.tables.push(data);
    this.pieces.push(data);
  }

  content(): WhatsAppContent {
    return contentOf(this.outHead);
  }
}

async function* bodyBytes(source: RandomAccessSource, offset: number): AsyncGenerator<Uint8Array> {
  if (source.stream) {
    yield* iterateBytes(source.stream(offset));
    return;
  }
  for (let position = offset; position < source.size; position += 4 * DEFAULT_CHUNK) {
    yield await source.read(position, Math.min(4 * DEFAULT_CHUNK, source.size - position));
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

  private async *run(): AsyncGenerator<Uint8Array> {
    const { header, options, source } = this;
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    if (chunkSize <= 0 || chunkSize % 16 !== 0) throw new RangeError('chunkSize must be a positive multiple of 16');
    const gcm = await GcmStream.create(await bodyKey(header, this.key), header.iv);
    const ghash = gcm.newGhash();
    const md5 = await createMD5();
    md5.init();
    md5.update(header.headerBytes);
    const output = new Output();
    const hold = header.trailerLength;
    const total = source.size;
    let blocks = 0;
    let done = header.bodyOffset;

    const buffer = new Uint8Array(chunkSize + hold);
    let fill = 0;
    for await (const piece of bodyBytes(source, header.bodyOffset)) {
      let offset = 0;
      while (offset < piece.length) {
        const take = Math.min(buffer.length - fill, piece.length - offset);
        buffer.set(piece.subarray(offset, offset + take), fill);
        fill += take;
        offset += take;
        if (fill < buffer.length) continue;
        throwIfAborted(options.signal);
        const chunk = buffer.slice(0, chunkSize);
        buffer.copyWithin(0, chunkSize, fill);
        fill -= chunkSize;
        // AES runs (off this thread, in browsers) while GHASH and MD5 run here.
        const plain = gcm.crypt(blocks, chunk);
        ghash.update(chunk);
        md5.update(chunk);
        blocks += chunkSize / 16;
        done += chunkSize;
        for (const out of output.push(await plain, false)) yield out;
        options.onProgress?.({ bytesDone: done, bytesTotal: total });
      }
    }
    throwIfAborted(options.signal);

    // The end: up to chunkSize + trailer bytes remain; try each layout they may have.
    const rest = buffer.subarray(0, fill);
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
      md5Ok = constantTimeEqual(md5.digest('binary'), rest.subarray(ctEnd + TAG_BYTES, ctEnd + TAG_BYTES + MD5_BYTES));
      singleOk = gcm.tagMatches(ghash, rest.subarray(0, ctEnd), processed + ctEnd, tag);
    }
    // Only a ZIP comes without an MD5: a database whose MD5 is missing was cut short.
    const zipInside = output.startedAs === 'zip' || (processed === 0 && contentOf(plainRest) === 'zip');
    const multiOk =
      multi &&
      !md5Ok &&
      zipInside &&
      gcm.tagMatches(ghash, rest.subarray(0, longest), processed + longest, rest.subarray(longest));
    done = total;
    options.onProgress?.({ bytesDone: done, bytesTotal: total });

    if (!(md5Ok && singleOk) && !multiOk) {
      throw this.failure(md5Ok, singleOk, output.plausible || (processed === 0 && plausibleStart(plainRest)));
    }
    const tail = md5Ok ? plainRest.subarray(0, fill - hold) : plainRest;
    for (const out of output.push(tail, true)) yield out;
    if (output.inflateError !== undefined) {
      throw new CofferError(
        'payload_damaged',
        'The backup decrypted and its checksums are right, but the compressed data inside is not valid zlib. It may have been made by a WhatsApp version Coffer does not know.',
      );
    }
    this.summary = {
      format: header.format,
      multiFile: !md5Ok,
      content: output.content(),
      inflated: output.inflated,
      size: output.size,
      tables: output.content() === 'sqlite' ? output.tables.result() : undefined,
      appVersion: header.appVersion,
      phoneSuffix: header.phoneSuffix,
    };
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

function plausibleStart(plain: Uint8Array): boolean {
  return looksZlib(plain) || contentOf(plain) === 'zip';
}
