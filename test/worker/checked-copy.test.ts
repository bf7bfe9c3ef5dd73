/**
 * A checked backup streamed while the check runs (issue 30): the staged file's bytes go into the
 * download, and the download ends only once the check passed. Carried over a real MessageChannel
 * into the service worker's own download code, as in test/sw/streamed-download.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { DownloadReply } from '../../src/sw/download-messages.ts';
import { downloadResponse, registerDownload } from '../../src/sw/serve-download.ts';
import { streamWhileChecking } from '../../src/worker/checked-copy.ts';

let counter = 0;

function register() {
  const id = `c0ffee${(++counter).toString(16).padStart(26, '0')}`;
  const bytes = new MessageChannel();
  const replies = new MessageChannel();
  const received: DownloadReply[] = [];
  replies.port1.onmessage = (event: MessageEvent<DownloadReply>) => received.push(event.data);
  registerDownload({ type: 'coffer-download', id, name: 'backup.coffer' }, [bytes.port1, replies.port2]);
  const ended = async () => {
    for (;;) {
      const end = received.find((reply) => reply.type !== 'ready');
      if (end) return end;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const reader = (downloadResponse(id).body as ReadableStream<Uint8Array>).getReader();
  return { port: bytes.port2, reader, ended };
}

/** A read that lost a race to a timeout stays pending: the next call takes its chunk. */
const pendingReads = new WeakMap<object, Promise<ReadableStreamReadResult<Uint8Array>>>();

/** Reads as the browser's download does (one chunk, copied, then the next) until none comes in `waitMs`. */
async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>, copies: Buffer[], waitMs = 100) {
  for (;;) {
    const read = pendingReads.get(reader) ?? reader.read();
    pendingReads.set(reader, read);
    const next = await Promise.race([
      read,
      new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), waitMs)),
    ]);
    if (next === 'waiting') return 'waiting';
    pendingReads.delete(reader);
    if (next.done) return 'done';
    copies.push(Buffer.from(next.value));
  }
}

function staged(size: number): { blob: Blob; bytes: Buffer } {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
  return { blob: new Blob([bytes]), bytes };
}

function deferred() {
  let pass = () => {};
  let fail: (error: Error) => void = () => {};
  const promise = new Promise<void>((resolve, reject) => {
    pass = resolve;
    fail = reject;
  });
  return { promise, pass, fail };
}

describe('a checked backup streamed while the check runs', () => {
  it('the download gets every byte, but ends only once the check has passed', async () => {
    const download = register();
    const { blob, bytes } = staged(9 * 1024 * 1024 + 777);
    const check = deferred();
    const copying = streamWhileChecking(blob, download.port, check.promise);
    const copies: Buffer[] = [];
    // Everything but the held-back end (and the last partial batch) arrives while the check runs.
    expect(await readAll(download.reader, copies)).toBe('waiting');
    expect(Buffer.concat(copies).length).toBe(8 * 1024 * 1024);
    check.pass();
    await copying;
    expect(await readAll(download.reader, copies, 2_000)).toBe('done');
    expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    expect(await download.ended()).toEqual({ type: 'finished' });
  });

  it('a failed check fails the download, even with every byte already sent', async () => {
    const download = register();
    const { blob } = staged(8 * 1024 * 1024);
    const check = deferred();
    const copying = streamWhileChecking(blob, download.port, check.promise);
    const copies: Buffer[] = [];
    expect(await readAll(download.reader, copies)).toBe('waiting');
    expect(Buffer.concat(copies).length).toBe(8 * 1024 * 1024);
    check.fail(new Error('chunk 3 does not open'));
    await expect(copying).rejects.toThrow('chunk 3 does not open');
    await expect(pendingReads.get(download.reader)).rejects.toBeDefined();
    expect((await download.ended()).type).toBe('failed');
  });

  it('a check that fails early stops the copy midway', async () => {
    const download = register();
    const { blob } = staged(64 * 1024 * 1024);
    const check = deferred();
    const copying = streamWhileChecking(blob, download.port, check.promise);
    // Nobody reads: the copy waits for room after a few batches, and the failure must free it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    check.fail(new Error('the index does not open'));
    await expect(copying).rejects.toThrow('the index does not open');
    expect((await download.ended()).type).toBe('failed');
  });

  it('a download cancelled in the browser fails the copy as a cancel, once the check has settled', async () => {
    const download = register();
    const { blob } = staged(64 * 1024 * 1024);
    const check = deferred();
    const copying = streamWhileChecking(blob, download.port, check.promise);
    await download.reader.read();
    await download.reader.cancel('The person cancelled the download.');
    check.pass();
    await expect(copying).rejects.toMatchObject({ code: 'cancelled' });
  });
});
