/**
 * Vectors for the recovery section (spec 11, format version 3): parity that rebuilds damaged
 * chunks, the header and index copies, and damage beyond what parity undoes. Deterministic like
 * the others (a DRBG seeded with the vector's name). Built by the reference writer with the
 * Reed–Solomon WebAssembly; test/core/reed-solomon-spec.test.ts checks that it computes the code
 * spec 11.2 describes.
 */
import { createHash } from 'node:crypto';
import { cliCoder } from '../../src/cli/erasure.ts';
import { concatBytes } from '../../src/core/bytes.ts';
import type { FormatFailure } from '../../src/core/errors.ts';
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import { backupBytes, type EntrySource } from '../../src/core/writer.ts';
import { Drbg } from './drbg.ts';
import type { VectorDef, VectorEntry } from './vector-kit.ts';

// The same recovery key as every other recovery-key vector (vectors.ts).
const RECOVERY_KEY = generateRecoveryKey(new Drbg('recovery key').random);
const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const CHUNK_LOG2 = 10;
const SEALED = 2 ** CHUNK_LOG2 + 16;
const FOOTER_LENGTH = 64;

interface Built {
  bytes: Uint8Array;
  entries?: VectorEntry[];
}

/**
 * The same file with a revision 1.2 footer (magic COFFREC1, a SHA-256 check): the first vectors
 * of format version 3 were written so, and readers still open them. Only the footer differs:
 * the parity and the copies are sealed the same way.
 */
function revision12(built: Built): Built {
  const bytes = built.bytes.slice();
  const footer = bytes.subarray(bytes.length - FOOTER_LENGTH);
  footer.set(new TextEncoder().encode('COFFREC1'), 0);
  footer.set(createHash('sha256').update(footer.subarray(0, 32)).digest(), 32);
  return { ...built, bytes };
}

/** A revision 1.3 footer with stripes of `dataShards` (the file size stays right); its MAC no longer verifies. */
function alteredShape(built: Built, dataShards: number): Built {
  const bytes = built.bytes.slice();
  bytes[bytes.length - FOOTER_LENGTH + 25] = dataShards;
  return { ...built, bytes };
}

/** 60,001 bytes of random files: 59 chunks of 1 KiB, so stripes of 50 and 9 data chunks, m = 5 at 10%. */
async function written(name: string, parity: number): Promise<Built> {
  return revision12(await writtenNow(name, parity));
}

/** As written, with the footer every writer makes since revision 1.3 (an HMAC check). */
async function writtenNow(name: string, parity: number): Promise<Built> {
  const content = new Drbg(`${name}/content`);
  const files = [3000, 20_000, 1, 37_000].map((size, i) => ({ path: `f${i}.bin`, data: content.bytes(size) }));
  const sources: EntrySource[] = [
    { path: 'd', type: 'dir', mtime: T0, mode: 0o755 },
    ...files.map((file) => ({
      path: `d/${file.path}`,
      type: 'file' as const,
      mtime: T0,
      mode: 0o644,
      open: () => [file.data],
    })),
  ];
  const parts: Uint8Array[] = [];
  for await (const part of backupBytes(sources, {
    slots: [{ kind: 'recovery-key', recoveryKey: RECOVERY_KEY }],
    chunkSizeLog2: CHUNK_LOG2,
    compress: false,
    random: new Drbg(name).random,
    parity,
    coder: cliCoder(),
  }))
    parts.push(part);
  const entries: VectorEntry[] = [
    { path: 'd', type: 'dir', size: 0, mtime: T0, mode: 0o755 },
    ...files.map((file) => ({
      path: `d/${file.path}`,
      type: 'file' as const,
      size: file.data.length,
      mtime: T0,
      mode: 0o644,
      sha256: createHash('sha256').update(file.data).digest('hex'),
    })),
  ];
  return { bytes: concatBytes(parts), entries };
}

function headerLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12, true);
}

/** Flips one byte inside each listed chunk's ciphertext. */
function damageChunks(built: Built, chunks: number[]): Built {
  const bytes = built.bytes.slice();
  for (const chunk of chunks) bytes[headerLength(bytes) + chunk * SEALED + 500] ^= 0x40;
  return { ...built, bytes };
}

function flipAt(built: Built, offset: (bytes: Uint8Array) => number): Built {
  const bytes = built.bytes.slice();
  bytes[offset(bytes)] ^= 0x01;
  return { ...built, bytes };
}

const KEY = { recoveryKey: RECOVERY_KEY };

function vector(
  name: string,
  expect: 'success' | FormatFailure,
  description: string,
  build: () => Promise<Built>,
): VectorDef {
  return {
    name,
    description,
    expect,
    credentials: KEY,
    build: async () => {
      const built = await build();
      return expect === 'success' ? built : { bytes: built.bytes };
    },
  };
}

export function recoveryVectors(): VectorDef[] {
  return [
    vector(
      'success-recovery-parity-intact',
      'success',
      'Format version 3 with 10% parity (spec 11): 59 chunks in stripes of k = 50 with m = 5 parity shards each, a header copy and an index copy; nothing damaged.',
      () => written('success-recovery-parity-intact', 10),
    ),
    vector(
      'success-recovery-repaired-chunks',
      'success',
      'As success-recovery-parity-intact, with 5 damaged chunks in the first stripe (the most it can lose) and 2 in the second: every one is rebuilt from parity and passes its tag (spec 11.4).',
      async () => damageChunks(await written('success-recovery-repaired-chunks', 10), [0, 10, 11, 12, 49, 50, 55]),
    ),
    vector(
      'success-recovery-index-rebuilt',
      'success',
      "The last two chunks (the end of the last file, the index and the trailer) are damaged: the reader lists from the index copy and rebuilds both chunks from the second stripe's parity.",
      async () => damageChunks(await written('success-recovery-index-rebuilt', 10), [57, 58]),
    ),
    vector(
      'success-recovery-header-copy',
      'success',
      "A byte of the header's MAC is flipped: the header copy in the recovery section verifies and is used (spec 11.3).",
      async () => flipAt(await written('success-recovery-header-copy', 10), (bytes) => headerLength(bytes) - 3),
    ),
    vector(
      'success-recovery-parity-zero',
      'success',
      'Parity 0: a version 3 file with the header and index copies and no parity shards (m = 0); nothing damaged.',
      () => written('success-recovery-parity-zero', 0),
    ),
    vector(
      'payload-damaged-recovery-beyond-parity',
      'payload_damaged',
      'Six damaged chunks in the first stripe, one more than its 5 parity shards can rebuild: the restore fails as damaged payload.',
      async () => damageChunks(await written('payload-damaged-recovery-beyond-parity', 10), [1, 2, 3, 4, 5, 6]),
    ),
    vector(
      'payload-damaged-recovery-footer',
      'payload_damaged',
      "The footer's SHA-256 check does not match (one byte of its payloadLength flipped): the payload's end cannot be located, so the file is refused (spec 11.1).",
      async () =>
        flipAt(await written('payload-damaged-recovery-footer', 10), (bytes) => bytes.length - FOOTER_LENGTH + 8),
    ),
    vector(
      'success-recovery-authenticated-footer',
      'success',
      "As success-recovery-parity-intact, with the footer of revision 1.3: magic COFFREC2, its check HMAC(footerMacKey, footer[0..32)) with footerMacKey = HKDF(fileKey, payloadNonce, 'coffer/v3 recovery footer'), verified after unlocking (spec 11.1, 11.3).",
      () => writtenNow('success-recovery-authenticated-footer', 10),
    ),
    vector(
      'success-recovery-authenticated-repaired-chunks',
      'success',
      'A revision 1.3 footer and 5 damaged chunks in the first stripe and 2 in the second: every one is rebuilt from parity and passes its tag (spec 11.4).',
      async () =>
        damageChunks(
          await writtenNow('success-recovery-authenticated-repaired-chunks', 10),
          [0, 10, 11, 12, 49, 50, 55],
        ),
    ),
    vector(
      'payload-damaged-recovery-footer-altered',
      'payload_damaged',
      'A revision 1.3 footer whose dataShards was changed from 50 to 30 (still 2 stripes, so the file size fits): its HMAC does not verify once the file is unlocked, so the file is refused as altered before its parity or index copy is used, although every chunk is intact (spec 11.3).',
      async () => alteredShape(await writtenNow('payload-damaged-recovery-footer-altered', 10), 30),
    ),
    vector(
      'payload-damaged-recovery-parity-zero-chunk',
      'payload_damaged',
      'Parity 0 and one damaged data chunk: nothing can rebuild it, so a full restore fails (salvage restores the other files).',
      async () => damageChunks(await written('payload-damaged-recovery-parity-zero-chunk', 0), [30]),
    ),
  ];
}
