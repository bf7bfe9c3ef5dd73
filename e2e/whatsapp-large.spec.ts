/**
 * A 1 GiB crypt15 backup decrypts in the browser in one streaming pass: flat renderer memory,
 * the right SHA-256, and a throughput figure in the log. COFFER_E2E_WHATSAPP_GIB=2 (or more)
 * checks a larger file the same way; COFFER_E2E_WHATSAPP_GIB=0 skips it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeLargeCrypt15 } from '../test/whatsapp/fixtures.ts';
import { expect, nextDownload, tempDir, test } from './helpers.ts';
import { sampleMemory } from './memory.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const sizeGiB = Number(process.env.COFFER_E2E_WHATSAPP_GIB ?? 1);

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece);
  return hash.digest('hex');
}

test(`a ${sizeGiB} GiB crypt15 backup decrypts with flat memory`, async ({ page, profileDir, browserName }) => {
  test.skip(sizeGiB <= 0, 'COFFER_E2E_WHATSAPP_GIB=0');
  test.setTimeout(600_000 * sizeGiB);
  const dir = tempDir('whatsapp-large');
  try {
    const input = join(dir, 'msgstore.db.crypt15');
    const root = randomBytes(32);
    const expected = writeLargeCrypt15(input, root, sizeGiB * GiB);
    const inputSize = statSync(input).size;
    expect(inputSize).toBeGreaterThanOrEqual(sizeGiB * GiB - MiB);

    await page.goto('./');
    await page.getByRole('button', { name: 'WhatsApp', exact: true }).click();
    await page.getByLabel('Open WhatsApp backup').setInputFiles(input);
    await page.getByLabel('WhatsApp key').fill(root.toString('hex'));
    const memory = sampleMemory(profileDir);
    const started = Date.now();
    const download = nextDownload(page, { timeout: 600_000 * sizeGiB });
    await page.getByRole('button', { name: 'Decrypt' }).click();
    const saved = await download;
    const seconds = (Date.now() - started) / 1000;
    // Stopped before the file is saved: in Firefox the test copies it out of the page (e2e/downloads.ts).
    const growth = memory.stop();
    const output = join(dir, 'msgstore.db');
    await saved.saveAs(output);
    expect(await fileSha256(output)).toBe(expected);
    console.log(
      `WhatsApp ${sizeGiB} GiB crypt15: decrypted in ${seconds.toFixed(1)} s (${(inputSize / MiB / seconds).toFixed(0)} MiB/s), ${browserName === 'firefox' ? "the page's content process" : 'renderer memory'} grew ${(growth / MiB).toFixed(0)} MiB`,
    );
    expect(growth).toBeLessThan(300 * MiB);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
