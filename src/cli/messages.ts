/**
 * The first line a person reads when a backup cannot be opened, in the words the app and the
 * offline opener use (src/core/failure-words.ts). A file that ends early must not read like an
 * attack, and internal words (chunk numbers, integrity checks) go on a details line.
 */
import type { CofferError } from '../core/errors.ts';
import { FAILURE_WORDS, shownCode } from '../core/failure-words.ts';

/** The classes whose core message is technical: the CLI leads with the shared headline instead. */
const WORDED = new Set(['truncated', 'payload_damaged', 'header_damaged']);

/** "coffer: " starts each line, so the sentence continues in lower case. */
const continued = (sentence: string) => sentence.charAt(0).toLowerCase() + sentence.slice(1);

/** Headline and hint lines for a core failure; the core's own message becomes the details. */
export function describeFailure(error: CofferError): { message: string; hint?: string } {
  const code = shownCode(error);
  if (!WORDED.has(code)) return { message: error.message };
  const words = FAILURE_WORDS[code];
  return { message: continued(words.headline), hint: `${words.advice}\ndetails: ${error.message}` };
}
