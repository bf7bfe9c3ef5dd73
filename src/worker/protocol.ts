/**
 * The typed message protocol between the page and the Coffer worker. The page only sends
 * commands and receives progress; all crypto, compression and file I/O happen in the worker.
 * Errors cross as codes (the spec's failure classes) and become human messages in the UI.
 */
import type { Argon2Params, ErrorCode, KdfPreset } from '../core/index.ts';
import type { WhatsAppFormat, WhatsAppSummary } from '../whatsapp/core/index.ts';

export interface BackupItem {
  /** Relative path inside the backup, `/`-separated. */
  path: string;
  type: 'file' | 'dir';
  file?: File;
  mtime: number;
}

/** A source the backup left out, and why (issue 13 item 21). */
export interface SkippedItem {
  path: string;
  reason: string;
}

/**
 * Where a command writes its file. `memory` is the fallback where the browser offers no private
 * file system (WebKit under automation, some private windows): the bytes are collected in the
 * worker, up to MEMORY_OUTPUT_LIMIT, and handed back with the result. `stream` posts the bytes
 * in batches on `port` to the service worker, which answers a download with them.
 */
export type Output =
  | { kind: 'opfs'; name: string }
  | { kind: 'handle'; handle: FileSystemFileHandle }
  | { kind: 'memory' }
  | { kind: 'stream'; port: MessagePort };

/** The most a `memory` output holds: the backup (or restored file) lives in RAM until downloaded. */
export const MEMORY_OUTPUT_LIMIT = 1024 * 1024 * 1024;

export interface CreateCommand {
  type: 'create';
  items: BackupItem[];
  passphrase?: string;
  recoveryKey?: string;
  /** A passkey registered in the page (spec 3.4); never the only slot (the page refuses that). */
  passkey?: NewPasskeySlot;
  kdf: KdfPreset;
  compress: boolean;
  output: Output;
  verify: boolean;
  /** Parity in percent (spec 11): a format version 3 file that can be repaired; absent: version 1. */
  parity?: number;
  /** A temporary private-storage file name where the parity waits (absent: the worker's memory). */
  paritySpill?: string;
}

/** What a new passkey slot needs: the PRF output on `prfSalt`, and the ids stored in the slot. */
export interface NewPasskeySlot {
  credentialId: Uint8Array;
  prfOutput: Uint8Array;
  rpIdHash: Uint8Array;
  prfSalt: Uint8Array;
}

export interface UnlockCredentials {
  passphrase?: string;
  recoveryKey?: string;
  /** A passkey's credential id and its PRF output (spec 3.4). */
  passkey?: { credentialId: Uint8Array; prfOutput: Uint8Array };
}

/**
 * A backup at a place, as the page hands it to the Coffer worker: read through `port`, which the
 * places worker answers with range requests (src/worker/range-port.ts).
 */
export interface RemoteBackupInput {
  kind: 'remote';
  name: string;
  size: number;
  port: MessagePort;
}

/** A backup to open: a file, or one at a place. */
export type BackupInput = File | RemoteBackupInput;

export type Command =
  | CreateCommand
  | { type: 'inspect'; file: BackupInput }
  | { type: 'unlock'; file: BackupInput; credentials: UnlockCredentials }
  | { type: 'verify' }
  /** A clean copy of the opened backup with parity (spec 11.5). */
  /** `paritySpill`: a temporary private-storage file name where the new parity waits (absent: memory). */
  | { type: 'repair'; output: Output; paritySpill?: string }
  | { type: 'extract'; path: string; output: Output }
  | {
      type: 'restore-all';
      /** Salvage (spec 10): restore only the entries whose chunks are intact, and list the rest. */
      salvage?: boolean;
      target:
        | { kind: 'directory'; handle: FileSystemDirectoryHandle; folderName: string }
        | { kind: 'zip'; output: Output };
    }
  | WhatsAppCommand
  | DeviceKeyCommand
  | RekeyCommand;

/**
 * Derives the key that wraps a recovery key remembered on this device (Argon2id, in the worker
 * like every other KDF run). The page imports the result as a non-extractable key and zeroes it.
 */
export interface DeviceKeyCommand {
  type: 'device-key';
  passphrase: string;
  salt: Uint8Array;
  params: Argon2Params;
}

/** Changing how a backup unlocks (spec 9); the worker returns the new header only. */
export interface RekeyRequest {
  /** A new passphrase, replacing any old one. */
  setPassphrase?: { passphrase: string; kdf: KdfPreset };
  /** A recovery key (64 digits), replacing any old one. */
  setRecoveryKey?: string;
  remove?: ('passphrase' | 'recovery-key')[];
  addPasskey?: NewPasskeySlot;
  removePasskeys?: Uint8Array[];
}

export interface RekeyCommand {
  type: 'rekey';
  file: File;
  /** What opened the backup; it opens the file key again. */
  credentials: UnlockCredentials;
  changes: RekeyRequest;
}

/** A WhatsApp backup key: the typed 64 hex digits, or a key file (encrypted_backup.key, key). */
export type WhatsAppKeyInput = { hex: string } | { file: File };

export type WhatsAppCommand =
  | { type: 'whatsapp-inspect'; file: File }
  | { type: 'whatsapp-decrypt'; file: File; key: WhatsAppKeyInput; output: Output }
  | {
      type: 'whatsapp-seal';
      file: File;
      key: WhatsAppKeyInput;
      passphrase?: string;
      recoveryKey?: string;
      kdf: KdfPreset;
      output: Output;
    };

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
  currentPath: string;
  phase: 'deriving-key' | 'writing' | 'verifying' | 'reading' | 'restoring' | 'decrypting';
}

/** What a salvage could not restore: never empty when the restore was incomplete. */
export interface SalvageInfo {
  files: number;
  damagedChunks: number;
  lost: { path: string; size: number; whole: boolean }[];
}

export interface EntryInfo {
  path: string;
  type: 'file' | 'dir';
  size: number;
  mtime: number;
}

export type SlotInfo =
  | { type: 'passphrase'; memoryKiB: number; iterations: number }
  | { type: 'recovery-key' }
  | { type: 'passkey'; credentialId: Uint8Array; prfSalt: Uint8Array; rpIdHash: Uint8Array }
  | { type: 'unknown' };

export type Result =
  | { type: 'created'; size: number; entries: number; verified: boolean; skipped: SkippedItem[] }
  | { type: 'inspected'; slots: SlotInfo[]; size: number }
  | { type: 'unlocked'; entries: EntryInfo[]; totalSize: number }
  /** `repairs`: the file is damaged but repairable, and this is what parity or the copies undid. */
  | { type: 'verified'; files: number; bytes: number; repairs?: string[] }
  | { type: 'repaired'; size: number; repairs: string[] }
  | { type: 'extracted'; size: number }
  | { type: 'restored'; files: number; bytes: number; salvage?: SalvageInfo }
  | { type: 'device-key'; key: Uint8Array }
  | WhatsAppResult
  | {
      type: 'rekeyed';
      /** The new header; the new file is this followed by the old file from oldHeaderLength on. */
      header: Uint8Array;
      oldHeaderLength: number;
      slots: SlotInfo[];
    };

export type WhatsAppResult =
  | { type: 'whatsapp-inspected'; format: WhatsAppFormat; size: number; appVersion?: string; phoneSuffix?: string }
  | { type: 'whatsapp-decrypted'; summary: WhatsAppSummary; name: string }
  | {
      type: 'whatsapp-sealed';
      summary: WhatsAppSummary;
      /** How many entries the new backup holds, and the name of the file when it is one. */
      entries: number;
      entry?: string;
      size: number;
      verified: boolean;
    };

/** The result each command answers with: the client checks it, so callers need not. */
export const RESULT_OF = {
  create: 'created',
  inspect: 'inspected',
  unlock: 'unlocked',
  verify: 'verified',
  repair: 'repaired',
  extract: 'extracted',
  'restore-all': 'restored',
  'device-key': 'device-key',
  rekey: 'rekeyed',
  'whatsapp-inspect': 'whatsapp-inspected',
  'whatsapp-decrypt': 'whatsapp-decrypted',
  'whatsapp-seal': 'whatsapp-sealed',
} as const satisfies Record<Command['type'], Result['type']>;

/** The result a command of this kind answers with. */
export type ResultOf<C extends Command> = Extract<Result, { type: (typeof RESULT_OF)[C['type']] }>;

/**
 * Every code a worker's failure can carry to the page: the core's, plus `internal` (anything
 * unexpected) and `busy` (a command sent while another runs, refused by the client).
 */
export type WorkerErrorCode = ErrorCode | 'internal' | 'busy';

export type WorkerMessage =
  | { id: number; type: 'progress'; progress: Progress }
  | { id: number; type: 'result'; result: Result; output?: Blob }
  | { id: number; type: 'error'; code: WorkerErrorCode; message: string }
  | HelperRequest;

/**
 * The helper workers a worker uses (src/worker/helper-launch.ts) are started by the page, not by
 * the worker itself: in Firefox a worker that starts workers of its own now and then stops
 * answering midway (a backup stalled at "Encrypting"). The page also carries every message
 * between the worker and its helper (`helper-message`, both ways), rather than handing them the
 * two ends of a MessageChannel: in Firefox 153 a buffer sent over a channel between two workers
 * is copied, not transferred (50 MiB there and back took 450 ms, against 0.2 ms through the
 * page), which made a backup with repair data take 1.9x as long as one without.
 */
export type HelperKind = 'compression' | 'parity';

export type HelperRequest =
  | { type: 'helper-start'; helper: number; kind: HelperKind }
  | { type: 'helper-stop'; helper: number }
  | HelperMessage;

/** A message between a worker and its helper, carried by the page; `transfer` lists what moves with it. */
export interface HelperMessage {
  type: 'helper-message';
  helper: number;
  data: unknown;
  transfer: Transferable[];
}

/** What a helper posts to the page, which carries it to the worker as a `helper-message`. */
export interface HelperAnswer {
  data: unknown;
  transfer: Transferable[];
}

/** The page's word back to the worker: the helper it started could not start, or stopped. */
export interface HelperFailed {
  type: 'helper-failed';
  helper: number;
  message: string;
}

/** The ports a command carries (a `stream` output's), which must be transferred with it. */
export function portsOf(command: Command): MessagePort[] {
  if ((command.type === 'inspect' || command.type === 'unlock') && !(command.file instanceof Blob)) {
    return [command.file.port];
  }
  const output =
    'output' in command
      ? command.output
      : command.type === 'restore-all' && command.target.kind === 'zip'
        ? command.target.output
        : undefined;
  return output?.kind === 'stream' ? [output.port] : [];
}

export interface CommandEnvelope {
  id: number;
  command: Command;
}
