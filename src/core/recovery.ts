/**
 * The recovery section of a version 3 file (spec 11): a copy of the header, a separately sealed
 * copy of the index, Reed–Solomon parity over the sealed chunks, and a footer that locates them.
 * Parity is computed over ciphertext, so repairing needs no plaintext and every repaired chunk is
 * still checked by its own GCM tag before it is used.
 */
import { concatBytes, constantTimeEqual, readU64, utf8, view, writeU64 } from './bytes.ts';
import { type AesGcmKey, hmac, openWith, sealWith, sha256, TAG_LENGTH } from './crypto.ts';
import { CofferError } from './errors.ts';
import { memorySpill, type ParitySpill } from './parity-spill.ts';
import { chunkIv } from './stream.ts';

export const FOOTER_LENGTH = 64;
/** Revision 1.3: the footer's check is an HMAC under a key derived from the file key. */
export const FOOTER_MAGIC = utf8('COFFREC2');
/** Revision 1.2: the check is a plain SHA-256 (anyone can recompute it); still read. */
export const LEGACY_FOOTER_MAGIC = utf8('COFFREC1');
/** Data shards per stripe that a writer uses (fewer when the payload has fewer chunks). */
export const STRIPE_DATA_SHARDS = 50;
export const MAX_SHARDS = 256;
export const MAX_PARITY_PERCENT = 100;
/**
 * Stripes a writer lets encode on another thread while it reads on (ErasureCoder.encodeAway):
 * two keep the thread busy, and hold about 28 MiB at 256 KiB chunks.
 */
const STRIPES_IN_FLIGHT = 2;

/** Reed–Solomon over GF(2^8) on one stripe held in one buffer of (k + m) equal shards. */
export interface ErasureCoder {
  /** Fills the last m shards with parity of the first k. */
  encode(shards: Uint8Array, dataShards: number, parityShards: number): void;
  /** Rebuilds the shards marked unavailable from the others; throws if too few are left. */
  reconstruct(shards: Uint8Array, dataShards: number, parityShards: number, available: boolean[]): void;
  /**
   * Where present, encode on another thread: the buffer of `shards` is transferred away, and
   * the same view comes back, parity filled. The writer seals and writes meanwhile.
   */
  encodeAway?(shards: Uint8Array, dataShards: number, parityShards: number): Promise<Uint8Array>;
}

export interface Footer {
  payloadLength: number;
  headerLength: number;
  indexCopyLength: number;
  chunkSizeLog2: number;
  dataShards: number;
  parityShards: number;
}

/** A footer as read: its fields, and how its check is made. */
export interface ReadFooter extends Footer {
  /** COFFREC2: the check is an HMAC, verified once the file is unlocked (verifyFooter). */
  authenticated: boolean;
  /** The 64 bytes as read. */
  bytes: Uint8Array;
}

/** Where everything of a version 3 file is, from its footer and its size. */
export interface RecoveryLayout extends ReadFooter {
  fileSize: number;
  sealedChunkSize: number;
  chunkCount: number;
  stripeCount: number;
  headerCopyOffset: number;
  indexCopyOffset: number;
  parityOffset: number;
  /** A sealed parity shard: the shard and its tag. */
  sealedShardSize: number;
}

function damaged(what: string): CofferError {
  return new CofferError('payload_damaged', `This backup's recovery data is damaged: ${what}.`);
}

/**
 * The footer's 64 bytes. With `macKey` (every writer since revision 1.3) its check is
 * HMAC(footerMacKey, footer[0..32)), so k, m and the lengths cannot be changed without the file
 * key; without it, the revision 1.2 footer (a SHA-256 check), which a repair keeps for a file
 * that had one, so that repairing an intact file still gives it back byte for byte.
 */
export async function encodeFooter(footer: Footer, macKey: CryptoKey | undefined): Promise<Uint8Array> {
  const out = new Uint8Array(FOOTER_LENGTH);
  const dv = view(out);
  out.set(macKey ? FOOTER_MAGIC : LEGACY_FOOTER_MAGIC, 0);
  writeU64(dv, 8, footer.payloadLength);
  dv.setUint32(16, footer.headerLength, true);
  dv.setUint32(20, footer.indexCopyLength, true);
  out[24] = footer.chunkSizeLog2;
  out[25] = footer.dataShards;
  out[26] = footer.parityShards;
  const fields = out.subarray(0, 32);
  out.set(macKey ? await hmac(macKey, fields) : await sha256(fields), 32);
  return out;
}

function hasMagic(bytes: Uint8Array, magic: Uint8Array): boolean {
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

/**
 * Parses the last 64 bytes; undefined when they are not a footer. A revision 1.2 footer's
 * SHA-256 is checked here; a revision 1.3 footer's HMAC needs the file key (verifyFooter).
 */
export async function decodeFooter(bytes: Uint8Array): Promise<ReadFooter | undefined> {
  if (bytes.length !== FOOTER_LENGTH) return undefined;
  const authenticated = hasMagic(bytes, FOOTER_MAGIC);
  if (!authenticated && !hasMagic(bytes, LEGACY_FOOTER_MAGIC)) return undefined;
  if (!authenticated && !constantTimeEqual(await sha256(bytes.subarray(0, 32)), bytes.subarray(32))) return undefined;
  const dv = view(bytes);
  const payloadLength = readU64(dv, 8);
  if (payloadLength === undefined) return undefined;
  for (let i = 27; i < 32; i++) if (bytes[i] !== 0) return undefined;
  return {
    payloadLength,
    headerLength: dv.getUint32(16, true),
    indexCopyLength: dv.getUint32(20, true),
    chunkSizeLog2: bytes[24],
    dataShards: bytes[25],
    parityShards: bytes[26],
    authenticated,
    bytes: bytes.slice(),
  };
}

/** The recovery data was changed by someone without the key: never used, never "repaired". */
export function alteredRecovery(what: string): CofferError {
  return new CofferError(
    'payload_damaged',
    `This backup's repair data has been altered: ${what}. It was not used; a repair would not be trustworthy, so none is made. Make a new backup of these files.`,
  );
}

/**
 * Checks a revision 1.3 footer's HMAC with the unlocked file's key, before the index copy or any
 * parity is used (spec 11.3). A revision 1.2 footer passes here; verify and repair then recompute
 * its parity (spec 11.5).
 */
export async function verifyFooter(footer: ReadFooter, macKey: CryptoKey): Promise<void> {
  if (!footer.authenticated) return;
  const expected = await hmac(macKey, footer.bytes.subarray(0, 32));
  if (!constantTimeEqual(expected, footer.bytes.subarray(32))) {
    throw alteredRecovery('its footer (the last 64 bytes, which describe the repair data) does not verify');
  }
}

/** Checks a footer against the file size and the format's bounds (spec 11.2). */
export function recoveryLayout(footer: ReadFooter, fileSize: number): RecoveryLayout {
  const { payloadLength, headerLength, indexCopyLength, chunkSizeLog2, dataShards, parityShards } = footer;
  if (chunkSizeLog2 < 10 || chunkSizeLog2 > 24) throw damaged('its chunk size is out of range');
  if (dataShards < 1 || dataShards + parityShards > MAX_SHARDS) throw damaged('its stripe shape is out of range');
  if (headerLength < 88 || headerLength > 65536) throw damaged('its header length is out of range');
  if (indexCopyLength < 32 + TAG_LENGTH) throw damaged('its index copy is too short');
  const sealedChunkSize = 2 ** chunkSizeLog2 + TAG_LENGTH;
  const chunkCount = Math.ceil(payloadLength / sealedChunkSize);
  const stripeCount = parityShards > 0 ? Math.ceil(chunkCount / dataShards) : 0;
  const sealedShardSize = sealedChunkSize + TAG_LENGTH;
  const headerCopyOffset = headerLength + payloadLength;
  const indexCopyOffset = headerCopyOffset + headerLength;
  const parityOffset = indexCopyOffset + indexCopyLength;
  const end = parityOffset + stripeCount * parityShards * sealedShardSize + FOOTER_LENGTH;
  if (chunkCount < 1 || end !== fileSize) throw damaged('its footer does not match the size of the file');
  return {
    ...footer,
    fileSize,
    sealedChunkSize,
    chunkCount,
    stripeCount,
    headerCopyOffset,
    indexCopyOffset,
    parityOffset,
    sealedShardSize,
  };
}

/** The IV of the index copy: counter 0 with flag 0x01; parity shard i uses counter i, flag 0x00. */
export function indexCopyIv(): Uint8Array {
  return chunkIv(0, true);
}

export async function sealIndexCopy(key: AesGcmKey, indexAndTrailer: Uint8Array): Promise<Uint8Array> {
  return concatBytes(pieces(await sealWith(key, indexCopyIv(), indexAndTrailer)));
}

export async function openIndexCopy(key: AesGcmKey, sealed: Uint8Array): Promise<Uint8Array | undefined> {
  return openWith(key, indexCopyIv(), sealed);
}

function pieces(sealed: Uint8Array | Uint8Array[]): Uint8Array[] {
  return Array.isArray(sealed) ? sealed : [sealed];
}

/** Parity shards per stripe for a parity percentage: at least one, rounded up. */
export function parityShardsFor(dataShards: number, percent: number): number {
  if (percent <= 0) return 0;
  return Math.min(MAX_SHARDS - dataShards, Math.max(1, Math.ceil((dataShards * percent) / 100)));
}

/**
 * The m parity shards (unsealed) of one stripe of sealed chunks, as spec 11.2 computes them: each
 * chunk padded with zeros to a shard, missing shards of a short last stripe all zeros.
 */
export function stripeParity(
  coder: ErasureCoder,
  chunks: readonly Uint8Array[],
  dataShards: number,
  parityShards: number,
  shardSize: number,
): Uint8Array[] {
  const buffer = new Uint8Array((dataShards + parityShards) * shardSize);
  chunks.forEach((chunk, j) => {
    buffer.set(chunk, j * shardSize);
  });
  coder.encode(buffer, dataShards, parityShards);
  return Array.from({ length: parityShards }, (_, j) =>
    buffer.subarray((dataShards + j) * shardSize, (dataShards + j + 1) * shardSize),
  );
}

/**
 * Collects sealed chunks into stripes and computes their parity as it goes. The writer fixes
 * the stripe shape before it knows the chunk count, so a payload of fewer than
 * STRIPE_DATA_SHARDS chunks is one short stripe (k = chunk count), computed at the end.
 */
export class ParityEncoder {
  private readonly shardSize: number;
  private stripe: Uint8Array;
  private fill = 0;
  private chunks = 0;
  private payloadLength = 0;
  private shardNumber = 0;
  private dataShards = STRIPE_DATA_SHARDS;
  /**
   * With encodeAway: the stripes being encoded or sealed, oldest first. Each waits for the one
   * before it, so the newest one's end is the end of them all.
   */
  private inFlight: Promise<void>[] = [];
  private spareStripes: Uint8Array[] = [];

  private readonly parityFor: (dataShards: number) => number;
  private readonly fixedShape: boolean;

  /**
   * `shape` is a percentage (a writer: k = STRIPE_DATA_SHARDS or the chunk count if fewer) or
   * an exact stripe shape (a repair, which rewrites what the footer said).
   */
  constructor(
    private readonly coder: ErasureCoder,
    private readonly key: AesGcmKey,
    /** Authenticates the footer (revision 1.3); undefined only to rewrite a revision 1.2 file. */
    private readonly footerMacKey: CryptoKey | undefined,
    private readonly chunkSizeLog2: number,
    shape: number | { dataShards: number; parityShards: number },
    /** Holds the sealed parity until finish(); the caller disposes of it. */
    private readonly spill: ParitySpill = memorySpill(),
  ) {
    this.shardSize = 2 ** chunkSizeLog2 + TAG_LENGTH;
    if (typeof shape === 'number') {
      this.parityFor = (k) => parityShardsFor(k, shape);
      this.fixedShape = false;
    } else {
      this.dataShards = shape.dataShards;
      this.parityFor = () => shape.parityShards;
      this.fixedShape = true;
    }
    // One stripe and its parity; a shorter last stripe (fewer data shards) needs no more parity.
    this.stripe = new Uint8Array(this.shardSize * (this.dataShards + this.parityFor(this.dataShards)));
  }

  /** Takes the sealed payload in pieces of any size, in order. */
  async push(piece: Uint8Array): Promise<void> {
    this.payloadLength += piece.length;
    let offset = 0;
    const dataBytes = this.dataShards * this.shardSize;
    while (offset < piece.length) {
      const take = Math.min(dataBytes - this.fill, piece.length - offset);
      this.stripe.set(piece.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
      if (this.fill === dataBytes) await this.flushStripe(this.dataShards);
    }
  }

  private async flushStripe(dataShards: number): Promise<void> {
    const k = this.dataShards;
    const m = this.parityFor(k);
    this.chunks += dataShards;
    if (m === 0) {
      this.fill = 0;
      return;
    }
    // Zero the padding: a short last chunk and any missing shards of the last stripe.
    this.stripe.fill(0, this.fill, k * this.shardSize);
    const buffer = this.stripe.subarray(0, (k + m) * this.shardSize);
    const firstShard = this.shardNumber;
    this.shardNumber += m;
    this.fill = 0;
    if (!this.coder.encodeAway) {
      this.coder.encode(buffer, k, m);
      await this.sealParity(buffer, k, m, firstShard);
      return;
    }
    // Read before the buffer is transferred (and this view emptied).
    const stripeBytes = this.stripe.length;
    const encoded = this.coder.encodeAway(buffer, k, m);
    this.stripe = this.spareStripes.pop() ?? new Uint8Array(stripeBytes);
    const before = this.inFlight.at(-1);
    // Sealed and spilled in stripe order, whatever order the encodings finish in.
    const sealed = (async () => {
      const stripe = await encoded;
      await before;
      await this.sealParity(stripe, k, m, firstShard);
      this.spareStripes.push(new Uint8Array(stripe.buffer));
    })();
    // A failure is seen by the next await of it (below or in finish), not left unhandled.
    sealed.catch(() => {});
    this.inFlight.push(sealed);
    if (this.inFlight.length > STRIPES_IN_FLIGHT) await this.inFlight.shift();
  }

  private async sealParity(stripe: Uint8Array, k: number, m: number, firstShard: number): Promise<void> {
    for (let j = 0; j < m; j++) {
      const start = (k + j) * this.shardSize;
      const sealed = await sealWith(
        this.key,
        chunkIv(firstShard + j, false),
        stripe.subarray(start, start + this.shardSize),
      );
      // Piece by piece (a shard's ciphertext, then its tag, where the engine gives them apart):
      // joining them first copied every shard once more, 100 MiB per GiB at 10%.
      for (const piece of pieces(sealed)) await this.spill.write(piece);
    }
  }

  /** The recovery section: header copy, index copy, parity, footer. */
  async *finish(header: Uint8Array, indexAndTrailer: Uint8Array): AsyncGenerator<Uint8Array> {
    const chunkCount = Math.ceil(this.payloadLength / this.shardSize);
    if (!this.fixedShape && this.chunks === 0 && chunkCount < this.dataShards) this.dataShards = chunkCount;
    if (this.fill > 0) await this.flushStripe(Math.ceil(this.fill / this.shardSize));
    await this.inFlight.at(-1);
    this.inFlight = [];
    this.stripe = new Uint8Array(0);
    this.spareStripes = [];
    yield header;
    const indexCopy = await sealIndexCopy(this.key, indexAndTrailer);
    yield indexCopy;
    yield* this.spill.read();
    yield await encodeFooter(
      {
        payloadLength: this.payloadLength,
        headerLength: header.length,
        indexCopyLength: indexCopy.length,
        chunkSizeLog2: this.chunkSizeLog2,
        dataShards: this.dataShards,
        parityShards: this.parityFor(this.dataShards),
      },
      this.footerMacKey,
    );
  }
}
