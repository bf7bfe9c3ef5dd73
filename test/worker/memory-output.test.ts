/**
 * The memory output (issue 14): where a browser has no private file system, the worker collects
 * a command's file in memory, bounded, and hands it back once.
 */
import { describe, expect, it } from 'vitest';
import { memorySink, takeMemoryOutput } from '../../src/worker/memory-sink.ts';
import { MEMORY_OUTPUT_LIMIT } from '../../src/worker/protocol.ts';

describe('memory output', () => {
  it('holds exactly the written bytes, copied, and hands them over once', async () => {
    const sink = memorySink();
    const piece = new Uint8Array([1, 2, 3]);
    await sink.write(piece);
    piece.fill(9); // The writer may reuse its buffer once write returns.
    await sink.write(new Uint8Array([4, 5]));
    await sink.close();
    expect(new Uint8Array(await (await sink.file()).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    const output = takeMemoryOutput();
    expect(output?.size).toBe(5);
    expect(takeMemoryOutput()).toBeUndefined();
  });

  it('refuses to grow past its limit with a message that names the limit', async () => {
    const sink = memorySink();
    await sink.write(new Uint8Array(10));
    // A view whose length passes the limit: the bound is checked before anything is copied.
    const huge = { length: MEMORY_OUTPUT_LIMIT } as Uint8Array;
    expect(() => sink.write(huge)).toThrow(/held in memory, up to 1 GiB/);
    await sink.abort();
    expect(takeMemoryOutput()).toBeUndefined();
  });

  it('an aborted output hands nothing back', async () => {
    const sink = memorySink();
    await sink.write(new Uint8Array([1]));
    await sink.abort();
    expect(takeMemoryOutput()).toBeUndefined();
  });
});
