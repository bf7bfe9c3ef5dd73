/**
 * Issue 33: "Change how it unlocks" on a copy kept on this device, through the built app's UI,
 * against what it cannot do without: copying the same file in the browser's private file system
 * (its `cp`), and the two Argon2id runs a passphrase change makes here (the old passphrase again,
 * to open the header, and the new one), each as long as the Unlock of the same backup.
 */
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { type Figure, figure, repeatTogether } from './lib.ts';

const PASSPHRASES = ['orbit lantern cactus symphony 42', 'velvet harbor quartz meadow 17'];

async function typeNewPassphrase(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Change the passphrase').check();
  await page.getByLabel('New passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Confirm new passphrase').fill(passphrase);
  await page.getByText('Strong enough').first().waitFor();
}

/** On this device → Open → Unlock: the seconds from the click on Unlock to the contents. */
async function openStored(page: Page, passphrase: string): Promise<number> {
  await page.getByRole('navigation', { name: 'Mode' }).getByRole('button', { name: 'On this device' }).click();
  const stored = page.getByRole('list', { name: 'Backups on this device' }).getByRole('listitem');
  await stored.getByRole('button', { name: 'Open' }).click();
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  return clickUntil(page, 'Unlock', 'document.querySelector(\'[aria-label="Backup contents"]\') !== null');
}

/**
 * Clicks the button and times, in the page, until `done` (an expression) holds: Playwright's own
 * waiting polls at intervals of up to half a second, which would be counted.
 */
function clickUntil(page: Page, button: string, done: string): Promise<number> {
  // A string, not a function: the bundler's helpers (__name) do not exist in the page.
  return page.evaluate(`new Promise((resolve) => {
    const start = performance.now();
    const observer = new MutationObserver(() => {
      if (!(${done})) return;
      observer.disconnect();
      resolve((performance.now() - start) / 1000);
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    const target = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === ${JSON.stringify(button)});
    target.click();
  })`);
}

/** The largest file of the private file system copied to a new one (createWritable), seconds. */
function opfsCopySeconds(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let largest: File | undefined;
    for await (const handle of (root as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
      if (handle.kind !== 'file') continue;
      const file = await (handle as FileSystemFileHandle).getFile();
      if (!largest || file.size > largest.size) largest = file;
    }
    if (!largest) throw new Error('no copy on this device');
    const start = performance.now();
    const target = await root.getFileHandle('bench-copy.bin', { create: true });
    const writable = await target.createWritable();
    await writable.write(largest);
    await writable.close();
    const seconds = (performance.now() - start) / 1000;
    await root.removeEntry('bench-copy.bin');
    return seconds;
  });
}

export async function rekeyOnDevice(
  page: Page,
  input: string,
  repeats: number,
  record: (name: string, value: Figure) => void,
): Promise<void> {
  await page.goto('./');
  await page.getByLabel('Add files').setInputFiles(input);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASES[0]);
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASES[0]);
  await page.getByText('Strong enough').first().waitFor();
  await page.getByLabel('Check the backup after writing it').uncheck();
  await page.getByLabel('Keep a copy on this device').check();
  const download = page.waitForEvent('download', { timeout: 600_000 });
  await page.getByRole('button', { name: 'Create backup' }).click();
  rmSync(await (await download).path(), { force: true });
  await page.getByText('A copy is kept on this device.').waitFor({ timeout: 600_000 });
  let current = 0;
  const unlocks: number[] = [];
  const rows = await repeatTogether(repeats, {
    'app.rekey.device': async () => {
      unlocks.push(await openStored(page, PASSPHRASES[current]));
      await page.getByRole('button', { name: 'Change how it unlocks' }).click();
      const next = 1 - current;
      await typeNewPassphrase(page, PASSPHRASES[next]);
      const seconds = await clickUntil(
        page,
        'Replace the copy on this device',
        "[...document.querySelectorAll('[role=status]')].some((s) => s.textContent.includes('Replaced the copy on this device'))",
      );
      current = next;
      return { seconds };
    },
    'app.rekey.opfsCopy': async () => ({ seconds: await opfsCopySeconds(page) }),
  });
  for (const [row, value] of Object.entries(rows)) record(row, value);
  record('app.rekey.unlock', figure('s', unlocks));
}
