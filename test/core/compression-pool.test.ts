/** The compression pool (issue 29 part 4): dispatch, copies, coded failures, a stopped helper, close. */
import { deflateSync, inflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  type CompressionReply,
  type CompressionRequest,
  createCompressionPool,
  describeCompressionFailure,
  type HelperEvents,
} from '../../src/core/compression-pool.ts';
import { CofferError } from '../../src/core/errors.ts';

/** Helpers that answer in this thread, on the next turn, the way the app's and the CLI's do. */
function fakeHelpers(answer: (request: CompressionRequest) => Uint8Array) {
  const posted: number[] = [];
  const busyChanges: boolean[] = [];
  const events: HelperEvents[] = [];
  let terminated = 0;
  const spawn = (helperEvents: HelperEvents) => {
    const index = events.push(helperEvents) - 1;
    return {
      post(request: CompressionRequest) {
        posted.push(index);
        setTimeout(() => {
          let reply: CompressionReply;
          try {
            reply = { id: request.id, output: answer(request) };
          } catch (error) {
            reply = { id: request.id, error: describeCompressionFailure(error) };
          }
          helperEvents.reply(reply);
        });
      },
      setBusy: (busy: boolean) => busyChanges.push(busy),
      terminate: () => {
        terminated++;
      },
    };
  };
  return { spawn, posted, busyChanges, events, terminated: () => terminated };
}

const deflateHelper = (request: CompressionRequest) => deflateSync(request.segment, { level: 1 });
/** The failure a call ends with (the pool's methods may answer synchronously or not). */
const failureOf = (call: () => unknown) =>
  Promise.resolve()
    .then(call)
    .then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    );
const segment = (n: number) => new TextEncoder().encode(`segment ${n} `.repeat(1000));

describe('the compression pool', () => {
  it('spreads segments over its helpers, started with the first one, and gives back each answer', async () => {
    const helpers = fakeHelpers(deflateHelper);
    const pool = createCompressionPool({ size: 3, compression: 'deflate', level: 1, spawn: helpers.spawn });
    expect(helpers.events).toHaveLength(0);
    const inputs = [0, 1, 2, 3, 4, 5].map(segment);
    const outputs = await Promise.all(inputs.map((input) => pool.compress(input)));
    expect(outputs.map((out) => new TextDecoder().decode(inflateSync(out)))).toEqual(
      inputs.map((input) => new TextDecoder().decode(input)),
    );
    expect(helpers.events).toHaveLength(3);
    expect(helpers.posted).toEqual([0, 1, 2, 0, 1, 2]);
    expect(helpers.busyChanges.filter((busy) => busy)).toHaveLength(3);
    expect(helpers.busyChanges.filter((busy) => !busy)).toHaveLength(3);
    await pool.close();
    expect(helpers.terminated()).toBe(3);
  });

  it('keeps the caller’s segment: the helper gets a copy', async () => {
    const helpers = fakeHelpers((request) => {
      request.segment.fill(0);
      return new Uint8Array(1);
    });
    const pool = createCompressionPool({ size: 1, compression: 'zstd', level: 2, spawn: helpers.spawn });
    const input = segment(1);
    const before = input.slice();
    await pool.compress(input);
    expect(input).toEqual(before);
  });

  it('a helper’s coded failure keeps its code; anything else is internal', async () => {
    const coded = fakeHelpers(() => {
      throw new CofferError('payload_damaged', 'A zstd segment decompressed to the wrong size.');
    });
    const pool = createCompressionPool({ size: 1, compression: 'zstd', level: 2, spawn: coded.spawn });
    const failure = await failureOf(() => pool.decompress(segment(1), 10));
    expect(failure).toBeInstanceOf(CofferError);
    expect(failure?.code).toBe('payload_damaged');

    const plain = fakeHelpers(() => {
      throw new TypeError('out of memory');
    });
    const other = createCompressionPool({ size: 1, compression: 'zstd', level: 2, spawn: plain.spawn });
    const internal = await failureOf(() => other.compress(segment(1)));
    expect(internal).not.toBeInstanceOf(CofferError);
    expect(internal?.message).toBe('Compression failed: out of memory');
  });

  it('an answer of the wrong length is no answer', async () => {
    const helpers = fakeHelpers(() => new Uint8Array(3));
    const pool = createCompressionPool({ size: 1, compression: 'zstd', level: 2, spawn: helpers.spawn });
    expect(await pool.decompress(segment(1), 4)).toBeUndefined();
  });

  it('a helper that stops fails every waiting segment at once, and every later one', async () => {
    const helpers = fakeHelpers(deflateHelper);
    const pool = createCompressionPool({ size: 2, compression: 'deflate', level: 1, spawn: helpers.spawn });
    const waiting = [pool.compress(segment(1)), pool.compress(segment(2))];
    helpers.events[1]!.failed(new Error('A compression helper stopped.'));
    for (const job of waiting) await expect(job).rejects.toThrow('A compression helper stopped.');
    await expect(pool.compress(segment(3))).rejects.toThrow('A compression helper stopped.');
  });

  it('after close, nothing more is taken', async () => {
    const helpers = fakeHelpers(deflateHelper);
    const pool = createCompressionPool({ size: 1, compression: 'deflate', level: 1, spawn: helpers.spawn });
    await pool.close();
    await expect(pool.compress(segment(1))).rejects.toThrow('The compression pool was closed.');
  });
});
