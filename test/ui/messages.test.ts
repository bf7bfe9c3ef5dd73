/**
 * Every code a worker can send has its own words (issue 29: `target_exists` and `busy` used to
 * fall back to "Something went wrong inside Coffer").
 */
import { describe, expect, it } from 'vitest';
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
