import { strToU8, Zip, ZipDeflate, ZipPassThrough, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CofferError } from '../../src/core/errors.ts';
import { rechunk } from '../../src/core/iter.ts';
import { zipEntries } from '../../src/whatsapp/core/zip-entries.ts';
import { noise } from './fixtures.ts';

async function read(zip: Uint8Array, step: number) {
  const out: Record<string, string> = {};
  for await (const entry of zipEntries(rechunk([zip], step), 1234)) {
    expect(entry.mtime).toBe(1234);
    if (entry.type === 'dir') out[entry.path] = 'dir';
    else {
      const parts: Uint8Array[] = [];
      for await (const piece of (await entry.open!()) as AsyncIterable<Uint8Array>) parts.push(piece);
      out[entry.path] = Buffer.concat(parts).toString('base64');
    }
  }
  return out;
}

/** A ZIP written as a stream (sizes in data descriptors), as phones write them. */
function streamedZip(files: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    parts.push(data);
  });
  for (const [name, data] of Object.entries(files)) {
    const file = name.endsWith('.bin') ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(data, true);
  }
  zip.end();
  return Buffer.concat(parts);
}

describe('the files of a streamed ZIP as backup entries', () => {
  const files = {
    'wallpaper.bin': noise(70_000, 1),
    'notes/readme.txt': strToU8('hello '.repeat(5000)),
    'empty.txt': new Uint8Array(0),
  };
  const expected = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));

  it('reads stored and deflated files, with and without data descriptors, however the bytes arrive', async () => {
    for (const zip of [zipSync(files), streamedZip(files)]) {
      for (const step of [7, 100, 65536, 1 << 20]) expect(await read(zip, step), `step ${step}`).toEqual(expected);
    }
  });

  it('keeps folder entries', async () => {
    const zip = zipSync({ 'media/': new Uint8Array(0), 'media/a.txt': strToU8('a') });
    expect(await read(zip, 7)).toEqual({ media: 'dir', 'media/a.txt': Buffer.from('a').toString('base64') });
  });

  it('says "damaged" for a ZIP cut short or with a method it cannot read', async () => {
    const zip = zipSync(files);
    await expect(read(zip.subarray(0, 30_000), 1000)).rejects.toBeInstanceOf(CofferError);
    const odd = Buffer.from(zipSync({ 'x.txt': strToU8('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') }, { level: 0 }));
    odd.writeUInt16LE(14, 8); // LZMA
    await expect(read(odd, 1000)).rejects.toMatchObject({ code: 'payload_damaged' });
  });
});
