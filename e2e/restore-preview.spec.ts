import { deflateSync } from 'node:zlib';
import { backUp, expect, openBackup, opfsNames, test, unlockWithPassphrase } from './helpers.ts';

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A real PNG, width × height, red pixels. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([255, 0, 0]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Issue 13 item 17: the temporary file was removed before the <img> loaded it.
test('an image preview decodes, and leaves no decrypted temporary file behind', async ({ page }) => {
  await page.goto('./');
  const backup = await backUp(page, [{ name: 'red.png', mimeType: 'image/png', buffer: png(7, 5) }]);
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'Preview red.png' }).click();
  const image = page.getByRole('figure').getByRole('img', { name: 'red.png' });
  await expect(image).toBeVisible();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => (img.complete ? [img.naturalWidth, img.naturalHeight] : [])))
    .toEqual([7, 5]);
  expect((await opfsNames(page)).filter((name) => name.includes('.file-'))).toEqual([]);
});
