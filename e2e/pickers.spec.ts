import { expect, profileTest } from './helpers.ts';

/**
 * Browsers with the File System Access API: the save and folder pickers are stood in for by
 * handles in the origin's private file system, which the app writes through the same API.
 */
const test = profileTest.extend({
  page: async ({ page }, use) => {
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.showSaveFilePicker = async (options: { suggestedName: string }) => {
        const root = await navigator.storage.getDirectory();
        return root.getFileHandle(`saved-${options.suggestedName}`, { create: true });
      };
      w.showDirectoryPicker = async () => {
        const root = await navigator.storage.getDirectory();
        return root.getDirectoryHandle('picked', { create: true });
      };
    });
    await use(page);
  },
});

const PASSPHRASE = 'orbit lantern cactus symphony 42';

test('backs up to a picked file and restores into a picked folder', async ({ page }) => {
  await page.goto('./');
  await page.getByLabel('Add files').setInputFiles([
    { name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('quarterly numbers\n'.repeat(100)) },
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
  ]);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
  await expect(page.getByText('Strong enough')).toBeVisible();
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByRole('button', { name: 'Create backup' }).click();
  await expect(page.getByText(/Backup ready/)).toBeVisible();
  expect(downloads).toBe(0);

  // Open the saved backup from the private file system, as a person would pick it from disk.
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (!name.startsWith('saved-')) continue;
      const file = await (await root.getFileHandle(name)).getFile();
      const transfer = new DataTransfer();
      transfer.items.add(new File([file], 'picked.coffer'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('button', { name: 'Restore all' }).click();
  await expect(page.getByRole('status')).toContainText('Restored 2 files');
  const restored = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const picked = await root.getDirectoryHandle('picked');
    const folder = await picked.getDirectoryHandle('picked');
    const out: Record<string, string> = {};
    for await (const [name, handle] of (
      folder as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }
    ).entries()) {
      out[name] = await (await handle.getFile()).text();
    }
    return out;
  });
  expect(restored).toEqual({ 'report.txt': 'quarterly numbers\n'.repeat(100), 'empty.txt': '' });
  expect(downloads).toBe(0);
});

test('Restore all next to a file of the same name keeps that file and restores beside it', async ({ page }) => {
  await page.goto('./');
  // The picked folder already holds a file called "img"; the backup is "img.coffer".
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const picked = await root.getDirectoryHandle('picked', { create: true });
    const writable = await (await picked.getFileHandle('img', { create: true })).createWritable();
    await writable.write('my own file, not from any backup');
    await writable.close();
  });
  await page
    .getByLabel('Add files')
    .setInputFiles([{ name: 'photo.txt', mimeType: 'text/plain', buffer: Buffer.from('inside the backup\n') }]);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
  await expect(page.getByText('Strong enough')).toBeVisible();
  await page.getByRole('button', { name: 'Create backup' }).click();
  await expect(page.getByText(/Backup ready/)).toBeVisible();
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (!name.startsWith('saved-')) continue;
      const file = await (await root.getFileHandle(name)).getFile();
      const transfer = new DataTransfer();
      transfer.items.add(new File([file], 'img.coffer'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('button', { name: 'Restore all' }).click();
  await expect(page.getByRole('status')).toContainText('Restored 1 files');
  await expect(page.getByRole('status')).toContainText('"img (2)"');
  const after = await page.evaluate(async () => {
    const picked = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked');
    const own = await (await picked.getFileHandle('img')).getFile();
    const restored = await (await (await picked.getDirectoryHandle('img (2)')).getFileHandle('photo.txt')).getFile();
    return { own: await own.text(), restored: await restored.text() };
  });
  expect(after).toEqual({ own: 'my own file, not from any backup', restored: 'inside the backup\n' });
});
