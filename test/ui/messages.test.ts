/**
 * Every code a worker can send has its own words (issue 29: `target_exists` and `busy` used to
 * fall back to "Something went wrong inside Coffer").
 */
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/messages.ts';
import { CofferError } from '../../src/core/errors.ts';
import { FAILURE_WORDS } from '../../src/core/failure-words.ts';
import { friendlyError } from '../../src/ui/shared/messages.ts';
import { WorkerError } from '../../src/worker/client.ts';

const INTERNAL = friendlyError(new WorkerError('internal', 'x')).headline;

describe('friendlyError', () => {
  it('words target_exists, busy and the WhatsApp codes as themselves, not as an internal failure', () => {
    for (const code of ['target_exists', 'busy', 'not_whatsapp', 'key_mismatch'] as const) {
      const words = friendlyError(new WorkerError(code, 'detail'));
      expect(words.headline, code).not.toBe(INTERNAL);
      expect(words.detail).toBe('detail');
    }
    expect(friendlyError(new WorkerError('busy', '')).headline).toBe('Coffer is still working on something else.');
  });

  it('keeps the cut-short and the page-only codes apart', () => {
    expect(friendlyError(new WorkerError('truncated', 'x')).headline).toMatch(/incomplete/);
    const memory = Object.assign(new Error('too big'), { code: 'memory_limit' });
    expect(friendlyError(memory).advice).toMatch(/command-line tool/);
  });

  it('falls back to an internal failure for a code it does not know, or none', () => {
    expect(friendlyError(Object.assign(new Error('x'), { code: 'from_the_future' })).headline).toBe(INTERNAL);
    expect(friendlyError(Object.assign(new Error('x'), { code: 'constructor' })).headline).toBe(INTERNAL);
    expect(friendlyError(new Error('plain')).headline).toBe(INTERNAL);
  });
});

describe('one set of words for the app, the offline opener and the CLI (issue 31)', () => {
  it('a core failure whose file ends early reads as incomplete wherever it is shown', () => {
    const cut = new CofferError('payload_damaged', 'The last chunk (12) failed its integrity check.', {
      endsEarly: true,
    });
    // The offline opener shows the core's own error; the app gets the worker's `truncated`.
    expect(friendlyError(cut).headline).toBe(FAILURE_WORDS.truncated.headline);
    expect(friendlyError(new WorkerError('truncated', 'x')).headline).toBe(FAILURE_WORDS.truncated.headline);
    expect(describeFailure(cut).message).toBe('this backup is incomplete: the file ends early.');
  });

  it('the CLI leads with the same headline as the app for every class it words', () => {
    for (const code of ['truncated', 'payload_damaged', 'header_damaged'] as const) {
      const app = friendlyError(new CofferError(code, 'detail'));
      const cli = describeFailure(new CofferError(code, 'detail'));
      expect(cli.message).toBe(app.headline.charAt(0).toLowerCase() + app.headline.slice(1));
      expect(cli.hint).toBe(`${app.advice}\ndetails: detail`);
    }
  });
});

describe('a full disk met in the page', () => {
  it('says there is not enough storage space, not that something went wrong inside Coffer', () => {
    const full = friendlyError(new DOMException('', 'QuotaExceededError'));
    expect(full.detail).toMatch(/not enough storage space/);
    expect(full.headline).not.toBe(INTERNAL);
  });
});
