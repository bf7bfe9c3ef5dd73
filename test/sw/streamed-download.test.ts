/**
 * Streamed downloads (issue 30) without a browser: the worker's stream sink, carried over a real
 * MessageChannel (transferred batches, as between the worker and the service worker), and the
 * service worker's answer to the download's URL.
 */
import { describe, expect, it } from 'vitest';
import { attachmentHeader, type DownloadReply } from '../../src/sw/download-messages.ts';
import { abortDownload, downloadResponse, registerDownload, runningDownloads } from '../../src/sw/serve-download.ts';
import { streamSink } from '../../src/worker/stream-sink.ts';

let counter = 0;
const newId = () => (++counter).toString(16).padStart(32, '0');

/** Registers a download as the page does; returns the port for the worker and the service worker's replies. */
function register(name: string, size?: number) {
  const id = newId();
  const bytes = new MessageChannel();
  const replies = new MessageChannel();
  const received: DownloadReply[] = [];
  replies.port1.onmessage = (event: MessageEvent<DownloadReply>) => received.push(event.data);
  registerDownload({ type: 'coffer-download', id, name, size }, [bytes.port1, replies.port2]);
  const settled = () =>
    new Promise<DownloadReply>((resolve) => {
      const check = () => {
        const end = received.find((reply) => reply.type !== 'ready');
        if (end) {
          replies.port1.close();
          resolve(end);
        } else setTimeout(check, 5);
      };
      check();
    });
  return { id, workerPort: bytes.port2, received, settled };
}

/**
 * Reads a response body as Chromium's download does: one chunk at a time, copied out before the
 * next is asked for. (A reader that keeps the chunks themselves, like `arrayBuffer()` here, does
 * not fit: the service worker gives a chunk's buffer back to be filled again two reads later.)
 */
async function readAsTheBrowserDoes(response: Response): Promise<Buffer> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const copies: Buffer[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(copies);
    copies.push(Buffer.from(value));
  }
}

describe('a streamed download', () => {
  it('carries the worker’s bytes into the response, with the name and the exact length', async () => {
    const download = register('Fotos été.zip', 7);
    const sink = streamSink(download.workerPort);
    const response = downloadResponse(download.id);
    expect(response.headers.get('content-disposition')).toBe(attachmentHeader('Fotos été.zip'));
    expect(response.headers.get('content-length')).toBe('7');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = readAsTheBrowserDoes(response);
    await sink.write(new TextEncoder().encode('abc'));
    // A view into a larger buffer: only its own bytes go across.
    await sink.write(new TextEncoder().encode('xxdefgxx').subarray(2, 6));
    await sink.close();
    expect(new TextDecoder().decode(await body)).toBe('abcdefg');
    expect(await download.settled()).toEqual({ type: 'finished' });
    expect(runningDownloads()).toBe(0);
  });

  it('pieces of any size arrive whole and in order across the batches they are sent in', async () => {
    const download = register('big.bin');
    const sink = streamSink(download.workerPort);
    const body = readAsTheBrowserDoes(downloadResponse(download.id));
    const sent = new Uint8Array(29 * 1024 * 1024 + 12345);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 2654435761) >>> 24;
    for (let offset = 0, size = 1; offset < sent.length; offset += size, size = 1 + ((size * 7 + 3) % 3_000_000)) {
      await sink.write(sent.subarray(offset, offset + size));
    }
    await sink.close();
    expect((await body).equals(Buffer.from(sent))).toBe(true);
  });

  it('gives a chunk’s buffer back to the worker only two reads after the download took it', async () => {
    const download = register('spares.bin');
    const replies: Array<{ type: string; spare?: ArrayBuffer }> = [];
    download.workerPort.onmessage = (event) => replies.push(event.data);
    const reader = (downloadResponse(download.id).body as ReadableStream<Uint8Array>).getReader();
    const batch = (fill: number) => new Uint8Array(1024).fill(fill).buffer;
    for (let fill = 1; fill <= 4; fill++) {
      const bytes = batch(fill);
      download.workerPort.postMessage({ type: 'batch', bytes }, [bytes]);
    }
    download.workerPort.postMessage({ type: 'end' });
    const chunks: Uint8Array[] = [];
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    for (let read = 0; read < 4; read++) {
      chunks.push((await reader.read()).value as Uint8Array);
      await settle();
      // A chunk is given back only when the download asks for the second one after it.
      expect(replies.filter((reply) => reply.spare).length).toBe(Math.max(0, read - 1));
      expect(chunks[read]?.[0]).toBe(read + 1);
      if (read > 0) expect(chunks[read - 1]?.byteLength).toBe(1024); // The one before is still whole.
    }
    expect(replies.map((reply) => new Uint8Array(reply.spare ?? new ArrayBuffer(0))[0])).toEqual([
      undefined,
      undefined,
      1,
      2,
    ]);
    expect((await reader.read()).done).toBe(true);
    expect(await download.settled()).toEqual({ type: 'finished' });
  });

  it('is answered once: the URL of a download already fetched, or never registered, is 404', async () => {
    const download = register('a.bin');
    streamSink(download.workerPort);
    expect(downloadResponse(download.id).status).toBe(200);
    expect(downloadResponse(download.id).status).toBe(404);
    expect(downloadResponse(newId()).status).toBe(404);
    abortDownload({ type: 'coffer-download-abort', id: download.id });
    expect((await download.settled()).type).toBe('failed');
  });

  it('a failure in the worker errors the response, so the browser marks the download failed', async () => {
    const download = register('a.bin');
    const sink = streamSink(download.workerPort);
    const body = downloadResponse(download.id).arrayBuffer();
    await sink.write(new Uint8Array([1, 2, 3]));
    await sink.abort();
    await expect(body).rejects.toBeDefined();
    expect((await download.settled()).type).toBe('failed');
  });

  it('stopped by the page (Cancel, which ends the worker), the response errors too', async () => {
    const download = register('a.bin');
    streamSink(download.workerPort); // The worker then stops writing: it was terminated.
    const body = downloadResponse(download.id).arrayBuffer();
    abortDownload({ type: 'coffer-download-abort', id: download.id });
    await expect(body).rejects.toBeDefined();
    expect(await download.settled()).toEqual({ type: 'failed', reason: 'Stopped by the page.' });
  });

  it('cancelled in the browser, the worker’s next write fails as a cancel', async () => {
    const download = register('a.bin');
    const sink = streamSink(download.workerPort);
    const response = downloadResponse(download.id);
    await sink.write(new Uint8Array([1]));
    await response.body?.cancel('The person cancelled the download.');
    await download.settled();
    const writes = (async () => {
      for (let i = 0; i < 64; i++) await sink.write(new Uint8Array(1024 * 1024));
    })();
    await expect(writes).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('a registration without both ports or with a malformed id is ignored', () => {
    const before = runningDownloads();
    registerDownload({ type: 'coffer-download', id: 'not-an-id', name: 'a' }, [
      new MessageChannel().port1,
      new MessageChannel().port1,
    ]);
    registerDownload({ type: 'coffer-download', id: newId(), name: 'a' }, []);
    expect(runningDownloads()).toBe(before);
  });
});

describe('attachmentHeader', () => {
  it('gives an ASCII stand-in and the exact name in RFC 5987 form', () => {
    expect(attachmentHeader('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(attachmentHeader('a "quoted" été (1).txt')).toBe(
      `attachment; filename="a _quoted_ _t_ (1).txt"; filename*=UTF-8''a%20%22quoted%22%20%C3%A9t%C3%A9%20%281%29.txt`,
    );
    expect(attachmentHeader('😀')).toMatch(/^attachment; filename="__"; filename\*=UTF-8''%F0%9F%98%80$/);
  });
});
