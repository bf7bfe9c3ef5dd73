/** Error codes from the worker become the words a person sees. */
import type { WorkerError } from '../../worker/client.ts';
import type { WorkerErrorCode } from '../../worker/protocol.ts';

/** What a failure shown to the person can be: a worker's code, or the page's own memory limit. */
export type MessageCode = WorkerErrorCode | 'memory_limit';

// Keyed by the code type: a code without words is a compile error, not a silent "internal".
const HEADLINES: Record<MessageCode, string> = {
  not_coffer: 'This file is not a Coffer backup.',
  unsupported_version: 'This backup was made by a newer version of Coffer.',
  header_damaged: 'This backup is damaged or has been altered.',
  payload_damaged: 'This backup is damaged or has been altered.',
  truncated: 'This backup is incomplete: the file ends early.',
  wrong_key: 'That does not unlock this backup.',
  key_typo: 'That recovery key has a typo.',
  unsafe_entry: 'Refused: this backup contains an unsafe file name.',
  limit_exceeded: 'Refused: this backup is beyond what Coffer can safely open.',
  invalid_input: 'That cannot be done.',
  io: 'Reading or writing a file failed.',
  cancelled: 'Cancelled. Nothing was kept.',
  internal: 'Something went wrong inside Coffer.',
  memory_limit: 'Too large for this browser: it gives Coffer no private storage here.',
  target_exists: 'Refused: something with that name is already there, and Coffer never overwrites it.',
  busy: 'Coffer is still working on something else.',
  not_whatsapp: 'This is not a WhatsApp backup Coffer can open.',
  key_mismatch: 'That key is for another kind of WhatsApp backup.',
};

const ADVICE: Partial<Record<MessageCode, string>> = {
  truncated: 'The download or copy was probably interrupted. Copy the complete file again and retry.',
  payload_damaged: 'Nothing from the damaged part was used. If you have another copy of this backup, try that one.',
  header_damaged: 'Nothing was decrypted. If you have another copy of this backup, try that one.',
  wrong_key: 'Check the passphrase (letter case matters) or use the recovery key, then try again.',
  memory_limit:
    'Use Chrome, Edge or Firefox (they let Coffer stream to disk), or the command-line tool, for files this large.',
  not_coffer: 'Choose the backup file itself (Coffer made it, its name usually ends in .coffer).',
};

const QUIET: ReadonlySet<MessageCode> = new Set(['wrong_key', 'cancelled']);

export interface FriendlyError {
  headline: string;
  detail: string;
  advice?: string;
}

function isMessageCode(code: unknown): code is MessageCode {
  return typeof code === 'string' && Object.hasOwn(HEADLINES, code);
}

export function friendlyError(error: WorkerError | Error): FriendlyError {
  const given = 'code' in error ? error.code : undefined;
  const code: MessageCode = isMessageCode(given) ? given : 'internal';
  return {
    headline: HEADLINES[code],
    // For these the headline and advice already say all there is; the detail would repeat it.
    detail: QUIET.has(code) ? '' : error.message,
    advice: ADVICE[code],
  };
}
