/// <reference lib="webworker" />
/**
 * The Coffer worker: owns every key, all crypto, compression and file I/O. It handles one
 * command at a time; cancelling is done by the page terminating the worker.
 */

import { STORAGE_FULL } from '../core/failure-words.ts';
import {
  backupBytes,
  CofferError,
  discardSink,
  type ErrorCode,
  type IndexEntry,
  isCofferError,
  KDF_PRESETS,
  OpenedBackup,
  type RandomAccessSource,
  readHeader,
  type SlotSpec,
} from '../core/index.ts';
import { deriveArgon2id, passphraseBytes } from '../core/kdf.ts';
import { describeRepairs, needsRepair } from '../core/repair.ts';
import { zstdReady } from '../core/zstd.ts';
import { handleWhatsApp } from '../whatsapp/worker/handle-whatsapp.ts';
import { fileSource, openSink, takeMemoryOutput } from './browser-io.ts';
import { checkFolderCase } from './case-probe.ts';
import { createCompressionHelpers, zstdOnHelpers } from './compression-helpers.ts';
import { directorySink } from './directory-sink.ts';
import { workerCoder } from './erasure.ts';
import { withHelperReports } from './helper-launch.ts';
import { inflateNative } from './inflate-native.ts';
import { opfsSpill } from './opfs-spill.ts';
import { parityOnHelper } from './parity-helper.ts';
import { prefetchedEntries } from './prefetch.ts';
import type {
  BackupInput,
  CommandEnvelope,
  CreateCommand,
  Progress,
  Result,
  SalvageInfo,
  WorkerMessage,
} from './protocol.ts';
import { isRemoteInput, portSource } from './range-port.ts';
import { handleRekey, slotInfo } from './rekey.ts';
import { representableItems } from './skip-unrepresentable.ts';
import { zipWriter } from './zip-sink.ts';

declare const self: DedicatedWorkerGlobalScope;

// The zstd WebAssembly loads with the app, not at the first backup: after load the app makes no
// request at all (e2e/pwa.spec.ts), and an offline tab never waits on it. A failure shows later,
// when a zstd segment is met.
zstdReady().catch(() => {});

let opened: OpenedBackup | undefined;

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

/** Progress at most ten times a second: the page only needs to repaint, not every chunk. */
function progressReporter(id: number, phase: Progress['phase']) {
  let last = 0;
  return (progress: { bytesDone: number; bytesTotal: number; currentPath: string }) => {
    const now = performance.now();
    if (now - last < 100 && progress.bytesDone < progress.bytesTotal) return;
    last = now;
    post({ id, type: 'progress', progress: { ...progress, phase } });
  };
}

async function create(id: number, command: CreateCommand): Promise<Result> {
  const slots: SlotSpec[] = [];
  if (command.passphrase)
    slots.push({ kind: 'passphrase', passphrase: command.passphrase, kdf: KDF_PRESETS[command.kdf] });
  if (command.recoveryKey) slots.push({ kind: 'recovery-key', recoveryKey: command.recoveryKey });
  // A passkey is never the only way in: it belongs to one origin and one device or account.
  if (command.passkey && slots.length === 0) {
    throw new CofferError('invalid_input', 'A passkey cannot be the only way in: add a passphrase or a recovery key.');
  }
  if (command.passkey) slots.push({ kind: 'passkey', ...command.passkey });
  if (command.verify && command.output.kind === 'stream') {
    throw new CofferError('invalid_input', 'A backup streamed into a download cannot be checked after writing it.');
  }
  const { kept, skipped } = representableItems(command.items);
  if (kept.length === 0 && skipped.length > 0) {
    throw new CofferError('invalid_input', `None of the names can be stored in a backup; skipped ${skipped.length}.`);
  }
  const totalBytes = kept.reduce((sum, item) => sum + (item.file?.size ?? 0), 0);
  post({
    id,
    type: 'progress',
    progress: { bytesDone: 0, bytesTotal: totalBytes, currentPath: '', phase: 'deriving-key' },
  });
  const sink = await openSink(command.output);
  // Compression runs in helper workers, one per core; they start only if a file compresses.
  const pool = command.compress ? createCompressionHelpers() : undefined;
  let parity: ReturnType<typeof parityOnHelper> | undefined;
  let size = 0;
  try {
    const onProgress = progressReporter(id, 'writing');
    if (command.parity !== undefined) parity = parityOnHelper(await workerCoder());
    const coder = parity?.coder;
    const options = {
      slots,
      compress: command.compress,
      compression: pool?.compression,
      totalBytes,
      onProgress,
      compressor: pool?.compress,
      parity: command.parity,
      coder,
      paritySpill: command.parity !== undefined && command.paritySpill ? opfsSpill(command.paritySpill) : undefined,
    };
    for await (const piece of backupBytes(prefetchedEntries(kept), options)) {
      await sink.write(piece);
      size += piece.length;
    }
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  } finally {
    void pool?.close();
    parity?.close();
  }
  if (command.verify) {
    const written = await OpenedBackup.open(
      fileSource(await sink.file()),
      { passphrase: command.passphrase, recoveryKey: command.recoveryKey },
      undefined,
      {
        inflate: inflateNative,
        zstd: zstdOnHelpers,
        coder: command.parity === undefined ? undefined : await workerCoder(),
      },
    );
    await written.verify({ onProgress: progressReporter(id, 'verifying') });
  }
  return { type: 'created', size, entries: kept.length, verified: command.verify, skipped };
}

function requireOpened(): OpenedBackup {
  if (!opened) throw new CofferError('invalid_input', 'Open and unlock a backup first.');
  return opened;
}

async function handle(id: number, command: CommandEnvelope['command']): Promise<Result> {
  switch (command.type) {
    case 'create':
      return create(id, command);
    case 'whatsapp-inspect':
    case 'whatsapp-decrypt':
    case 'whatsapp-seal':
      return handleWhatsApp(command, (phase) => progressReporter(id, phase));
    case 'device-key': {
      const password = passphraseBytes(command.passphrase);
      try {
        return { type: 'device-key', key: await deriveArgon2id(password, command.salt, command.params) };
      } finally {
        password.fill(0);
      }
    }
    case 'rekey':
      post({ id, type: 'progress', progress: { bytesDone: 0, bytesTotal: 0, currentPath: '', phase: 'deriving-key' } });
      return handleRekey(command);
    case 'inspect': {
      const header = await readHeader(sourceOf(command.file));
      return { type: 'inspected', slots: slotInfo(header), size: command.file.size };
    }
    case 'unlock': {
      opened = undefined;
      post({ id, type: 'progress', progress: { bytesDone: 0, bytesTotal: 0, currentPath: '', phase: 'deriving-key' } });
      const source = sourceOf(command.file);
      const header = await readHeader(source);
      // Only a backup with parity (format version 3) needs the Reed–Solomon module.
      const coder = header.version === 3 ? await workerCoder() : undefined;
      opened = await OpenedBackup.open(source, command.credentials, header, {
        inflate: inflateNative,
        zstd: zstdOnHelpers,
        coder,
      });
      const entries = opened.entries.map(({ path, type, size, mtime }) => ({ path, type, size, mtime }));
      return { type: 'unlocked', entries, totalSize: opened.totalSize };
    }
    case 'verify': {
      const backup = requireOpened();
      await backup.verify({ onProgress: progressReporter(id, 'verifying') });
      const files = backup.entries.filter((entry) => entry.type === 'file').length;
      // A version 3 file whose parity or copies stood in for damage: never reported as intact.
      const repairs = needsRepair(backup.repairs)
        ? describeRepairs(backup.repairs, backup.layout.chunkCount)
        : undefined;
      return { type: 'verified', files, bytes: backup.totalSize, repairs };
    }
    case 'repair': {
      const backup = requireOpened();
      const sink = await openSink(command.output);
      let size = 0;
      try {
        // Throws before the end if any chunk cannot be rebuilt; the sink then removes what it wrote.
        const spill = command.paritySpill ? opfsSpill(command.paritySpill) : undefined;
        for await (const piece of backup.repairedFile(undefined, spill)) {
          await sink.write(piece);
          size += piece.length;
        }
        await sink.close();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      return { type: 'repaired', size, repairs: describeRepairs(backup.repairs, backup.layout.chunkCount) };
    }
    case 'extract': {
      const backup = requireOpened();
      const entry = backup.entries.find((candidate) => candidate.path === command.path && candidate.type === 'file');
      if (!entry)
        throw new CofferError('invalid_input', `There is no file ${JSON.stringify(command.path)} in this backup.`);
      const sink = await openSink(command.output);
      try {
        for await (const piece of backup.fileData(entry)) await sink.write(piece);
        await sink.close();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      return { type: 'extracted', size: entry.size };
    }
    case 'restore-all': {
      const backup = requireOpened();
      const allFiles = backup.entries.filter((entry) => entry.type === 'file').length;
      let selected: IndexEntry[] | undefined;
      let salvage: SalvageInfo | undefined;
      if (command.salvage) {
        // First find what is damaged (every chunk opened, nothing kept), then restore only the
        // intact entries: a zip cannot take back an entry it has started, so none may fail.
        const report = await backup.salvage(discardSink, { onProgress: progressReporter(id, 'verifying') });
        const lost = new Set(report.lost.map((entry) => entry.path));
        selected = backup.entries.filter((entry) => !lost.has(entry.path));
        salvage = {
          files: allFiles,
          damagedChunks: report.damagedChunks.length,
          lost: report.lost.map(({ path, size, whole }) => ({ path, size, whole })),
        };
      }
      const entries = selected ?? backup.entries;
      const files = entries.filter((entry) => entry.type === 'file').length;
      const bytes = entries.reduce((sum, entry) => sum + entry.size, 0);
      const onProgress = progressReporter(id, 'restoring');
      if (command.target.kind === 'zip') {
        const out = await openSink(command.target.output);
        try {
          const zip = zipWriter(out);
          await backup.restore(zip.sink, { onProgress, only: selected });
          await zip.finish();
          await out.close();
        } catch (error) {
          await out.abort();
          throw error;
        }
      } else {
        const { handle: root, folderName } = command.target;
        // The page made this folder and checked that it was new; it is never created here.
        const folder = await root.getDirectoryHandle(folderName);
        await checkFolderCase(folder, entries);
        const sink = directorySink(folder);
        try {
          await backup.restore(sink, { onProgress, only: selected });
        } catch (error) {
          // Every background write settles before the page removes the folder.
          await sink.drain().catch(() => {});
          throw error;
        }
        // A background write's failure is the restore's failure.
        await sink.drain();
      }
      return { type: 'restored', files, bytes, salvage };
    }
  }
}

/** A file is read where it is; a backup at a place through the places worker (range-port.ts). */
function sourceOf(input: BackupInput): RandomAccessSource {
  return isRemoteInput(input) ? portSource(input) : fileSource(input);
}

function describeFailure(error: unknown): { code: ErrorCode | 'internal'; message: string } {
  // A file that ends early is worded as incomplete in the app, not as damaged or altered.
  if (isCofferError(error)) return { code: error.endsEarly ? 'truncated' : error.code, message: error.message };
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return { code: 'io', message: STORAGE_FULL };
  }
  if (error instanceof DOMException && error.name === 'NotReadableError') {
    return {
      code: 'io',
      message: 'A file could not be read. It may have been moved or changed while Coffer was reading it.',
    };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

self.onmessage = withHelperReports<CommandEnvelope>(async (event) => {
  const { id, command } = event.data;
  try {
    const result = await handle(id, command);
    post({ id, type: 'result', result, output: takeMemoryOutput() });
  } catch (error) {
    takeMemoryOutput();
    post({ id, type: 'error', ...describeFailure(error) });
  }
});
