/** The words of the WhatsApp tab: where each key comes from, failures, and what was made. */

import { formatBytes } from '../../ui/shared/format.ts';
import { type FriendlyError, friendlyError } from '../../ui/shared/messages.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { WorkerErrorCode } from '../../worker/protocol.ts';
import { FORMAT_DESCRIPTIONS, type WhatsAppFormat, type WhatsAppSummary } from '../core/index.ts';

/** Where each format's key comes from, in the words the person saw on their phone. */
export const KEY_HELP: Record<WhatsAppFormat, string> = {
  crypt15:
    'It opens with the 64-digit key WhatsApp showed you when you turned on end-to-end encrypted backup, or with the encrypted_backup.key file.',
  crypt14: 'It opens with the 158-byte "key" file from the phone (/data/data/com.whatsapp/files/key).',
  crypt12: 'It opens with the 158-byte "key" file from the phone (/data/data/com.whatsapp/files/key).',
};

// Where a WhatsApp backup needs other words than friendlyError's; its own codes (not_whatsapp,
// key_mismatch) are worded there already.
const HEADLINES: Partial<Record<WorkerErrorCode, string>> = {
  wrong_key: 'That key does not open this WhatsApp backup.',
  payload_damaged: 'This WhatsApp backup is damaged or incomplete.',
  truncated: 'This WhatsApp backup is incomplete: the file was cut short.',
  unsupported_version: 'This kind of WhatsApp backup is not supported.',
  invalid_input: 'That key cannot be used.',
};

const ADVICE: Partial<Record<WorkerErrorCode, string>> = {
  wrong_key: 'Check the 64 digits (or choose the right key file) and try again. Nothing was kept.',
  payload_damaged: 'Nothing was kept. Copy the whole backup from the phone again and retry.',
  truncated: 'Nothing was kept. Copy the whole backup from the phone again and retry.',
};

export function whatsappError(failure: WorkerError): FriendlyError {
  const base = friendlyError(failure);
  const headline = HEADLINES[failure.code];
  return headline ? { headline, detail: failure.message, advice: ADVICE[failure.code] } : base;
}

export function describeSummary(summary: WhatsAppSummary): string {
  if (summary.content === 'sqlite') {
    const tables =
      summary.tables === undefined ? '' : ` with ${summary.tables} ${summary.tables === 1 ? 'table' : 'tables'}`;
    return `an SQLite database${tables}, ${formatBytes(summary.size)}`;
  }
  if (summary.content === 'zip') return `a ZIP of the backup's files, ${formatBytes(summary.size)}`;
  return `${formatBytes(summary.size)} of data`;
}

export function origin(summary: WhatsAppSummary): string {
  const version = summary.appVersion ? ` made by WhatsApp ${summary.appVersion}` : '';
  return `${FORMAT_DESCRIPTIONS[summary.format]} backup${version}`;
}

export type SavePicker = (options: object) => Promise<FileSystemFileHandle>;

export function savePicker(): SavePicker | undefined {
  return (window as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
}
