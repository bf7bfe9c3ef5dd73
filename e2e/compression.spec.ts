import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import {
  createBackup,
  expect,
  nextDownload,
  openBackup,
  savedDownload,
  setPassphrase,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

/** Several 1 MiB segments of text, so compression goes through the worker's deflate pool. */
function chatLog(bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `[${String(i % 28).padStart(2, '0')}/03/2024, 10:${String(i % 60).padStart(2, '0')}] Sam ${i % 7}: message ${(i * 2654435761) % 99991} about the trip\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

test('multi-segment text is compressed on the deflate workers and restores byte for byte', async ({ page }) => {
  const dir = tempDir('compress');
  const text = chatLog(5 * 1024 * 1024 + 12345);
  const noise = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 255));
  writeFileSync(join(dir, 'chat.txt'), text);
  writeFileSync(join(dir, 'noise.bin'), noise);
  await page.goto('./');
  await page.getByLabel('Add files').setInputFiles([join(dir, 'chat.txt'), join(dir, 'noise.bin')]);
  await setPassphrase(page);
  const backup = await createBackup(page);
  await expect(page.getByText('every byte is intact')).toBeVisible();
  // The text shrank (compressed) and the noise did not grow (stored).
  expect(statSync(backup).size).toBeLessThan(text.length / 2 + noise.length);

  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await download)));
  expect(Buffer.from(zip['chat.txt']).equals(text)).toBe(true);
  expect(Buffer.from(zip['noise.bin']).equals(noise)).toBe(true);
});
