/**
 * Both worker clients check an answer once, here: it is the result the request asked for
 * (issue 29, part 4: callers used to check result.type by hand), and every command has one.
 */
import { describe, expect, it } from 'vitest';
import { expectedResult, WorkerError } from '../../src/worker/client.ts';
import { RESULT_OF } from '../../src/worker/protocol.ts';

describe('expectedResult', () => {
  it('hands back the answer when it is the kind asked for', () => {
    const answer = { type: 'extracted' as const, size: 3 };
    expect(expectedResult(answer, 'extracted')).toBe(answer);
  });

  it('refuses another kind as an internal failure, naming both', () => {
    const answer: { type: string; size: number } = { type: 'restored', size: 3 };
    let failure: unknown;
    try {
      expectedResult(answer, 'extracted');
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(WorkerError);
    expect((failure as WorkerError).code).toBe('internal');
    expect((failure as WorkerError).message).toBe('Expected extracted, got restored.');
  });

  it('knows the result of every command, each a different one', () => {
    const results = Object.values(RESULT_OF);
    expect(new Set(results).size).toBe(results.length);
    expect(RESULT_OF.verify).toBe('verified');
    expect(RESULT_OF['restore-all']).toBe('restored');
  });
});
