/** Error codes from the worker become the words a person sees. */
import type { ErrorCode } from '../../core/errors.ts';
import { FAILURE_WORDS, type FailureWords, STORAGE_FULL, shownCode } from '../../core/failure-words.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { WorkerErrorCode } from '../../worker/protocol.ts';

/** What a failure shown to the person can be: a worker's code, or the page's own memory limit. */
export type MessageCode = WorkerErrorCode | 'memory_limit';

/** The page's own failures beside the format's classes (src/core/failure-words.ts). */
const PAGE_WORDS: Record<Exclude<MessageCode, ErrorCode>, FailureWords> = {
  internal: { headline: 'Something went wrong inside Coffer.' },
  busy: { headline: 'Coffer is still working on something else.' },
  memory_limit: {
    headline: 'Too large for this browser: it gives Coffer no private storage here.',
    advice:
      'Use Chrome, Edge or Firefox (they let Coffer stream to disk), or the command-line tool, for files this large.',
  },
};

const WORDS: Record<MessageCode, FailureWords> = { ...FAILURE_WORDS, ...PAGE_WORDS };

export interface FriendlyError {
  headline: string;
  detail: string;
  advice?: string;
}

function isMessageCode(code: unknown): code is MessageCode {
  return typeof code === 'string' && Object.hasOwn(WORDS, code);
}

/**
 * The words for a failure from the worker, the page, or (in the offline opener) the core itself,
 * whose cut-short files carry `endsEarly` rather than the worker's `truncated`.
 */
export function friendlyError(error: WorkerError | Error): FriendlyError {
  // A full disk met in the page itself (the catalogue in IndexedDB, a temporary file), not in
  // the worker, which words it the same way (coffer.worker.ts).
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return { headline: WORDS.io.headline, detail: STORAGE_FULL };
  }
  const coded = error as { code?: unknown; endsEarly?: boolean };
  const given =
    typeof coded.code === 'string' ? shownCode({ code: coded.code, endsEarly: coded.endsEarly }) : undefined;
  const code: MessageCode = isMessageCode(given) ? given : 'internal';
  const words = WORDS[code];
  return { headline: words.headline, detail: words.quiet ? '' : error.message, advice: words.advice };
}
