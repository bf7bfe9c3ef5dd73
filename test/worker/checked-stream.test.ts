/** A streamed backup checked after writing (issue 30): the download's last piece waits for the check. */
import { describe, expect, it } from 'vitest';
import type { ByteSink } from '../../src/worker/byte-sink.ts';
import { checkedStream } from '../../src/worker/checked-stream.ts';

function recordingSink() {
  const written: number[][] = [];
  const events: string[] = [];
  const sink: ByteSink = {
    write: async (bytes) => {
      written.push(Array.from(bytes));
    },
    close: async () => {
      events.push('close');
    },
    abort: async () => {
      events.push('abort');
    },
    file: async () => new File([new Uint8Array(written.flat())], 'copy'),
  };
  return { sink, written, events };
}

describe('checkedStream', () => {
  it('sends all but the last piece until the check passes, then the rest, and removes the copy', async () => {
    const download = recordingSink();
    const copy = recordingSink();
    const checked = checkedStream(download.sink, copy.sink);
    const piece = new Uint8Array([1, 2]);
    await checked.sink.write(piece);
    piece[0] = 9; // The producer reuses its buffer: what is held must not change with it.
    await checked.sink.write(new Uint8Array([3]));
    await checked.sink.write(new Uint8Array([4, 5]));
    await checked.sink.close();
    expect(copy.written).toEqual([[1, 2], [3], [4, 5]]);
    expect(download.written).toEqual([[1, 2], [3]]);
    expect(download.events).toEqual([]);
    expect(new Uint8Array(await (await checked.sink.file()).arrayBuffer()).length).toBe(5);
    await checked.release();
    expect(download.written).toEqual([[1, 2], [3], [4, 5]]);
    expect(download.events).toEqual(['close']);
    expect(copy.events).toEqual(['close', 'abort']);
  });

  it('a failed check breaks the download off without its last piece, and removes the copy', async () => {
    const download = recordingSink();
    const copy = recordingSink();
    const checked = checkedStream(download.sink, copy.sink);
    await checked.sink.write(new Uint8Array([1]));
    await checked.sink.write(new Uint8Array([2]));
    await checked.sink.close();
    await checked.fail();
    expect(download.written).toEqual([[1]]);
    expect(download.events).toEqual(['abort']);
    expect(copy.events).toEqual(['close', 'abort']);
  });

  it('the copy is removed even when the download is gone by the time the last piece is sent', async () => {
    const copy = recordingSink();
    const gone: ByteSink = {
      write: async () => {
        throw new Error('The download was cancelled.');
      },
      close: async () => {},
      abort: async () => {},
      file: async () => new File([], 'x'),
    };
    const checked = checkedStream(gone, copy.sink);
    await checked.sink.write(new Uint8Array([1]));
    await checked.sink.close();
    await expect(checked.release()).rejects.toThrow('cancelled');
    expect(copy.events).toEqual(['close', 'abort']);
  });
});
