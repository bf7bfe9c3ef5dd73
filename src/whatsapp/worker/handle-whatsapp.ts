/**
 * The worker's WhatsApp commands: recognise a backup, decrypt it to an output, or seal the
 * decrypted content straight into a Coffer backup (the plaintext never touches the disk).
 * Outputs are temporary (OPFS) or swap-file writes until the last check passes; any failure
 * aborts them, so nothing half-decrypted is ever kept.
 */
import { backupBytes, type EntrySource, KDF_PRESETS, OpenedBackup, type SlotSpec } from '../../core/index.ts';
import { fileSource, openSink } from '../../worker/browser-io.ts';
import type { Progress, WhatsAppCommand, WhatsAppKeyInput, WhatsAppResult } from '../../worker/protocol.ts';
import {
  outputName,
  parseWhatsAppKey,
  parseWhatsAppKeyFile,
  readWhatsAppHeader,
  type WhatsAppContent,
  WhatsAppDecryption,
  type WhatsAppKey,
} from '../core/index.ts';
import { isSqliteHeader } from '../core/sqlite.ts';
import { zipEntries } from '../core/zip-entries.ts';

type Reporter = (
  phase: Progress['phase'],
) => (progress: { bytesDone: number; bytesTotal: number; currentPath: string }) => void;

/** Progress in encrypted bytes of the backup, labelled with its name. */
function progressOf(report: Reporter, phase: Progress['phase'], file: File) {
  const post = report(phase);
  return (progress: { bytesDone: number; bytesTotal: number }) => post({ ...progress, currentPath: file.name });
}

async function readKey(input: WhatsAppKeyInput): Promise<WhatsAppKey> {
  if ('hex' in input) return parseWhatsAppKey(input.hex);
  return parseWhatsAppKeyFile(new Uint8Array(await input.file.arrayBuffer()));
}

async function open(file: File, keyInput: WhatsAppKeyInput, report: Reporter): Promise<WhatsAppDecryption> {
  const source = fileSource(file);
  const header = await readWhatsAppHeader(source, file.name);
  const key = await readKey(keyInput);
  return new WhatsAppDecryption(source, header, key, { onProgress: progressOf(report, 'decrypting', file) });
}

function contentOf(head: Uint8Array): WhatsAppContent {
  if (isSqliteHeader(head)) return 'sqlite';
  return head[0] === 0x50 && head[1] === 0x4b ? 'zip' : 'data';
}

/**
 * The backup's entries: one file named after the backup (msgstore.db), or for a multi-file
 * backup the files of the ZIP inside it, decided by the first decrypted bytes.
 */
async function* sealedEntries(
  decryption: WhatsAppDecryption,
  file: File,
  counted: (entries: number, name?: string) => void,
): AsyncGenerator<EntrySource> {
  const iterator = decryption[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const all = async function* () {
    if (head.length > 0) yield head;
    if (first.done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  };
  try {
    if (contentOf(head) === 'zip') {
      let entries = 0;
      for await (const entry of zipEntries(all(), file.lastModified)) {
        counted(++entries);
        yield entry;
      }
      // zipEntries ends only after the last byte, so the checks at the end have run.
      return;
    }
    const path = outputName(file.name, contentOf(head));
    counted(1, path);
    yield { path, type: 'file', mtime: file.lastModified, open: all };
  } finally {
    // Stops the decryption (and its file reads) if the backup writer gave up early.
    await iterator.return?.(undefined);
  }
}

export async function handleWhatsApp(command: WhatsAppCommand, report: Reporter): Promise<WhatsAppResult> {
  switch (command.type) {
    case 'whatsapp-inspect': {
      const header = await readWhatsAppHeader(fileSource(command.file), command.file.name);
      const { format, size, appVersion, phoneSuffix } = header;
      return { type: 'whatsapp-inspected', format, size, appVersion, phoneSuffix };
    }
    case 'whatsapp-decrypt': {
      const decryption = await open(command.file, command.key, report);
      const sink = await openSink(command.output);
      try {
        for await (const piece of decryption) await sink.write(piece);
        await sink.close();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      const summary = decryption.summary;
      if (!summary) throw new Error('The decryption ended without a result.');
      return { type: 'whatsapp-decrypted', summary, name: outputName(command.file.name, summary.content) };
    }
    case 'whatsapp-seal': {
      const slots: SlotSpec[] = [];
      if (command.passphrase)
        slots.push({ kind: 'passphrase', passphrase: command.passphrase, kdf: KDF_PRESETS[command.kdf] });
      if (command.recoveryKey) slots.push({ kind: 'recovery-key', recoveryKey: command.recoveryKey });
      const decryption = await open(command.file, command.key, report);
      progressOf(report, 'deriving-key', command.file)({ bytesDone: 0, bytesTotal: command.file.size });
      const sink = await openSink(command.output);
      let size = 0;
      let count = 0;
      let entry: string | undefined;
      try {
        const entries = sealedEntries(decryption, command.file, (entries, name) => {
          count = entries;
          entry = name;
        });
        for await (const piece of backupBytes(entries, { slots })) {
          await sink.write(piece);
          size += piece.length;
        }
        await sink.close();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      const summary = decryption.summary;
      if (!summary) throw new Error('The decryption ended without a result.');
      // Read the new backup back, as "Create backup" does, before calling it done.
      const written = await OpenedBackup.open(fileSource(await sink.file()), {
        passphrase: command.passphrase,
        recoveryKey: command.recoveryKey,
      });
      await written.verify({ onProgress: report('verifying') });
      return { type: 'whatsapp-sealed', summary, entries: count, entry, size, verified: true };
    }
  }
}
