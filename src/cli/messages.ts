/**
 * The first line a person reads when a backup cannot be opened. A file that ends early (an
 * interrupted download or copy, by far the most common failure) must not read like an attack,
 * and internal words (chunk numbers, integrity checks) go on a details line, not the headline.
 */
import type { CofferError } from '../core/errors.ts';

interface Wording {
  headline: string;
  advice: string;
}

const WORDING: Partial<Record<string, Wording>> = {
  truncated: {
    headline: 'this backup is incomplete: the file was cut short.',
    advice: 'An interrupted download or copy is the usual cause: copy the complete file again and retry.',
  },
  payload_damaged: {
    headline: 'this backup is damaged or has been altered.',
    advice: 'Nothing from the damaged part was used. If you have another copy of this backup, try that one.',
  },
  header_damaged: {
    headline: 'this backup is damaged or has been altered (its header does not match).',
    advice: 'Nothing was decrypted. If you have another copy of this backup, try that one.',
  },
};

/** Headline and hint lines for a core failure; the core's own message becomes the details. */
export function describeFailure(error: CofferError): { message: string; hint?: string } {
  const wording = WORDING[error.endsEarly ? 'truncated' : error.code];
  if (!wording) return { message: error.message };
  return { message: wording.headline, hint: `${wording.advice}\ndetails: ${error.message}` };
}
