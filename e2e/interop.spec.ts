import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import {
  createBackup,
  expect,
  makeTree,
  nextDownload,
  openBackup,
  PASSPHRASE,
  savedDownload,
  setPassphrase,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

/** The real command-line tool, as a person runs it. */
function coffer(args: string[]): string {
  return execFileSync(process.execPath, ['bin/coffer.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, COFFER_PASSPHRASE: PASSPHRASE },
  });
}

test('a backup made by the command-line tool restores in the app', async ({ page }) => {
  const { root, files } = makeTree();
  const dir = tempDir('cli-made');
  const backup = join(dir, 'cli-made.coffer');
  const keyFile = join(dir, 'key.txt');
  coffer(['create', '-o', backup, '--new-recovery-key', keyFile, root]);
  await page.goto('./');
  await openBackup(page, backup);
  await page.getByLabel('Recovery key').fill(readFileSync(keyFile, 'utf8'));
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('empty folder');
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Restore all' }).click();
  const zip = unzipSync(readFileSync(await savedDownload(await download)));
  for (const [path, content] of Object.entries(files)) {
    expect(new TextDecoder().decode(zip[`Fotos été/${path}`]), path).toBe(content);
  }
  expect(Object.keys(zip)).toContain('Fotos été/empty folder/');
});

test('a backup made in the app restores with the command-line tool', async ({ page }) => {
  const { root, files } = makeTree();
  await page.goto('./');
  await page.getByLabel('Add folder').setInputFiles(root);
  await setPassphrase(page);
  const backup = await createBackup(page);
  const listing = JSON.parse(coffer(['list', backup, '--json'])) as { path: string; type: string; size: number }[];
  expect(listing.find((entry) => entry.path === 'Fotos été/notes/empty.txt')).toMatchObject({ type: 'file', size: 0 });
  const target = join(tempDir('cli-restore'), 'restored');
  coffer(['restore', backup, '-o', target]);
  for (const [path, content] of Object.entries(files)) {
    expect(readFileSync(join(target, 'Fotos été', path), 'utf8'), path).toBe(content);
  }
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('привет.txt');
});
