/**
 * The words a person reads for each failure class (spec/FORMAT.md section 7), in one place for
 * the app, the offline opener and the CLI, so the same failure reads the same everywhere. A file
 * that ends early (an interrupted download or copy, the most common failure) never reads like an
 * attack; the technical detail (chunk numbers, checks) stays on a details line.
 */
import type { ErrorCode } from './errors.ts';

export interface FailureWords {
  /** One sentence, what happened. */
  headline: string;
  /** What to do about it, when there is something to do. */
  advice?: string;
  /** The headline and advice say all there is: the detail would only repeat them. */
  quiet?: boolean;
}

// Keyed by the code type: a class without words is a compile error, not a silent fallback.
export const FAILURE_WORDS: Record<ErrorCode, FailureWords> = {
  not_coffer: {
    headline: 'This file is not a Coffer backup.',
    advice: 'Choose the backup file itself (Coffer made it, its name usually ends in .coffer).',
  },
  unsupported_version: { headline: 'This backup was made by a newer version of Coffer.' },
  header_damaged: {
    headline: 'This backup is damaged or has been altered.',
    advice: 'Nothing was decrypted. If you have another copy of this backup, try that one.',
  },
  payload_damaged: {
    headline: 'This backup is damaged or has been altered.',
    advice: 'Nothing from the damaged part was used. If you have another copy of this backup, try that one.',
  },
  truncated: {
    headline: 'This backup is incomplete: the file ends early.',
    advice: 'It was cut short: the download or copy was probably interrupted. Copy the complete file again and retry.',
  },
  wrong_key: {
    headline: 'That does not unlock this backup.',
    advice: 'Check the passphrase (letter case matters) or use the recovery key, then try again.',
    quiet: true,
  },
  key_typo: { headline: 'That recovery key has a typo.' },
  unsafe_entry: { headline: 'Refused: this backup contains an unsafe file name.' },
  limit_exceeded: { headline: 'Refused: this backup is beyond what Coffer can safely open.' },
  invalid_input: { headline: 'That cannot be done.' },
  io: { headline: 'Reading or writing a file failed.' },
  cancelled: { headline: 'Cancelled. Nothing was kept.', quiet: true },
  target_exists: {
    headline: 'Refused: something with that name is already there, and Coffer never overwrites it.',
  },
  not_whatsapp: { headline: 'This is not a WhatsApp backup Coffer can open.' },
  key_mismatch: { headline: 'That key is for another kind of WhatsApp backup.' },
};

/** A full disk, met in the worker or in the page: the detail under the `io` headline. */
export const STORAGE_FULL = 'There is not enough storage space on this device to finish. Nothing was kept.';

/**
 * The class a person is told of: a damaged last chunk with the end of the file missing is an
 * incomplete file (CofferError.endsEarly), whichever check noticed it.
 */
export function shownCode<C extends string>(error: { code: C; endsEarly?: boolean }): C | 'truncated' {
  return error.endsEarly ? 'truncated' : error.code;
}
