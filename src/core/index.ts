/** The core's public surface: everything the worker and the CLI use. */

export type { AesGcmCipher, AesGcmKey, AesGcmProvider } from './crypto.ts';
export { describeHeader, type HeaderDescription } from './describe.ts';
export { CofferError, type ErrorCode, FORMAT_FAILURES, type FormatFailure, isCofferError } from './errors.ts';
export { DEFAULT_CHUNK_LOG2, type Header } from './header.ts';
export type { EntryType, IndexEntry } from './index-codec.ts';
export { type ByteSource, iterateBytes, rechunk, toReadableStream } from './iter.ts';
export { type Argon2Params, KDF_BOUNDS, KDF_PRESETS, type KdfPreset } from './kdf.ts';
export { payloadLayout } from './layout.ts';
export type { ParitySpill, ParitySpillFactory } from './parity-spill.ts';
export {
  MAX_CREDENTIAL_ID,
  type PasskeyCredential,
  PRF_OUTPUT_LENGTH,
  PRF_SALT_LENGTH,
  SLOT_TYPE_PASSKEY,
} from './passkey.ts';
export { checkCaseFolds, checkPath, checkPathSet, foldCase, pathProblem } from './paths.ts';
export { OpenedBackup, type OpenOptions, readHeader } from './reader.ts';
export { checkRecoveryKey, formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from './recovery-key.ts';
export {
  checkPlan,
  kindsAfter,
  openFileKey,
  type PortableKind,
  type RekeyChanges,
  rekeyHeader,
} from './rekey.ts';
export {
  discardSink,
  type FileSink,
  type RestoreOptions,
  type RestoreProgress,
  type RestoreSink,
} from './restore-sink.ts';
export type { LostEntry, SalvageReport } from './salvage.ts';
export type { SegmentCompressor, SegmentInflater } from './segments.ts';
export type { Credentials, ParsedSlot, SlotSpec } from './slots.ts';
export { bytesSource, type RandomAccessSource, sequentialBytes } from './source.ts';
export {
  backupBytes,
  type Compression,
  type CreateOptions,
  type CreateProgress,
  createBackup,
  type EntrySource,
  type WholeFile,
} from './writer.ts';
export { checkZstdFrame, ZSTD_LEVEL, zstdCompress, zstdDecompress } from './zstd.ts';
