/**
 * A hostile or broken server (issue 28, item 2): a range answered with an endless body, or with
 * another range than the one asked for, is refused after at most the bytes asked for; `pull`
 * never writes past the size it was told and leaves no file behind.
 */

import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, noise, removeDir, tempDir } from './helpers.ts';

const MiB = 1024 * 1024;
/** The server stops by itself after this much, so a failing client cannot hang the test. */
const SAFETY_LIMIT = 1024 * MiB;

let work: string;
let keyFile: string;
let backup: Buffer;
let server: Server;
let base: string;
let sentLast = 0;

/** Sends `head` and then zeros until the client goes away (or the safety limit). */
function flood(res: ServerResponse, head: Buffer): void {
  let sent = head.length;
  const zeros = Buffer.alloc(256 * 1024);
  sentLast = sent;
  res.write(head);
  const pump = () => {
    while (!res.destroyed && sent < SAFETY_LIMIT) {
      sent += zeros.length;
      sentLast = sent;
      if (!res.write(zeros)) {
        res.once('drain', pump);
        return;
      }
    }
    res.destroy();
  };
  pump();
}

function answer(path: string, rangeHeader: string | undefined, method: string, res: ServerResponse): void {
  const size = backup.length;
  if (method === 'HEAD') {
    res.writeHead(200, { 'content-length': size });
    res.end();
    return;
  }
  const match = /^bytes=(\d+)-(\d*)$/.exec(rangeHeader ?? '');
  if (!match) {
    res.writeHead(400);
    res.end();
    return;
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Number(match[2]);
  const slice = backup.subarray(start, end + 1);
  const floods = path === '/flood-all.coffer' || (path === '/flood-tail.coffer' && end === size - 1);
  if (path === '/other-range.coffer') {
    res.writeHead(206, { 'content-range': `bytes 0-${slice.length - 1}/${size}` });
    res.end(backup.subarray(0, slice.length));
    return;
  }
  // An endless answer announces no length, as a chunked response would.
  res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${size}` });
  if (floods) flood(res, slice);
  else res.end(slice);
}

beforeAll(async () => {
  work = await tempDir('coffer-hostile-');
  keyFile = join(work, 'key.txt');
  expect((await coffer(['keygen', '-q', '-o', keyFile])).code).toBe(0);
  const src = join(work, 'src');
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(src);
  // Larger than the 64 KiB the reader fetches first, so the header and the full read differ.
  await writeFile(join(src, 'noise.bin'), noise(400 * 1024, 7));
  const file = join(work, 'b.coffer');
  const made = await coffer(['create', '-q', '-o', file, '--no-compress', '--recovery-key-file', keyFile, src]);
  expect(made.code, made.stderr).toBe(0);
  backup = await readFile(file);
  server = createServer((req, res) => answer(req.url ?? '/', req.headers.range, req.method ?? 'GET', res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `webdav+http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await removeDir(work);
});

describe('a hostile server', () => {
  it('list: a range answered with an endless body is refused after the bytes asked for', async () => {
    const result = await coffer(['list', `${base}/flood-all.coffer`, '--recovery-key-file', keyFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/sent more than the \d+ bytes asked for/);
    // The client stopped reading: what the server got out is socket buffers, not the flood.
    expect(sentLast).toBeLessThan(64 * MiB);
  });

  it('list: a 206 for another range than the one asked for is refused', async () => {
    const result = await coffer(['list', `${base}/other-range.coffer`, '--recovery-key-file', keyFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/another range than bytes/);
  });

  it('pull: never writes past the announced size, and leaves no file behind', async () => {
    const dir = join(work, 'pulled');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const result = await coffer(['pull', `${base}/flood-tail.coffer`, '-o', join(dir, 'copy.coffer')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/sent more than the \d+ bytes asked for/);
    expect(sentLast).toBeLessThan(64 * MiB);
    expect(await readdir(dir)).toEqual([]);
  });

  it('the same server answering honestly is read in full (the test server itself is sound)', async () => {
    const dir = join(work, 'honest');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const out = join(dir, 'copy.coffer');
    const result = await coffer(['pull', `${base}/honest.coffer`, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    expect((await readFile(out)).equals(backup)).toBe(true);
  });
});
