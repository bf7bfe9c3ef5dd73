import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  createBackup,
  expect,
  makeTree,
  nextDownload,
  openBackup,
  PASSPHRASE,
  savedDownload,
  tempDir,
  test,
  unlockWithPassphrase,
} from './helpers.ts';

const PORT = Number(process.env.COFFER_E2E_PORT ?? 4417);
/** WebAuthn needs a domain as RP ID; an IP address such as 127.0.0.1 is refused. */
const ORIGIN = `http://localhost:${PORT}/`;

interface VirtualAuthenticator {
  remove(): Promise<void>;
  /** The account names the authenticator stores, as a passkey manager would show them. */
  userNames(): Promise<(string | undefined)[]>;
}

async function authenticator(page: Page, hasPrf: boolean): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      hasPrf,
      automaticPresenceSimulation: true,
    },
  });
  return {
    async remove() {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    },
    async userNames() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials.map((credential) => (credential as { userName?: string }).userName);
    },
  };
}

/** A passkey's name lands in the person's passkey manager, often synced: it names no file. */
function expectNeutralNames(names: (string | undefined)[], leaks: string[]): void {
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    expect(name).toMatch(/^Coffer key, added \d{4}-\d{2}-\d{2}$/);
    for (const leak of leaks) expect(name).not.toContain(leak);
  }
}

function cliBackup(): string {
  const backup = join(tempDir('passkey'), 'docs.coffer');
  execFileSync(process.execPath, ['bin/coffer.mjs', 'create', '-q', '-o', backup, makeTree().root], {
    env: { ...process.env, COFFER_PASSPHRASE: PASSPHRASE },
  });
  return backup;
}

async function addPasskey(page: Page, backup: string): Promise<string> {
  await page.goto(ORIGIN);
  await openBackup(page, backup);
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'Change how it unlocks' }).click();
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByText('A new passkey will be added')).toBeVisible();
  const download = nextDownload(page);
  await page.getByRole('button', { name: 'Save the new backup' }).click();
  return savedDownload(await download);
}

test('a passkey added in Change how it unlocks opens the backup; the passphrase still does', async ({ page }) => {
  const virtual = await authenticator(page, true);
  const out = await addPasskey(page, cliBackup());
  expectNeutralNames(await virtual.userNames(), ['docs']);
  const listed = spawnSync(process.execPath, ['bin/coffer.mjs', 'list', out], {
    env: { ...process.env, COFFER_PASSPHRASE: PASSPHRASE },
  });
  expect(listed.status).toBe(0);
  await page.goto(ORIGIN);
  await openBackup(page, out);
  await page.getByRole('button', { name: 'Unlock with passkey' }).click();
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('empty folder');
});

test('another authenticator fails as a wrong key', async ({ page }) => {
  const first = await authenticator(page, true);
  const out = await addPasskey(page, cliBackup());
  await first.remove();
  await authenticator(page, true);
  await page.goto(ORIGIN);
  await openBackup(page, out);
  await page.getByRole('button', { name: 'Unlock with passkey' }).click();
  await expect(page.getByText('That does not unlock this backup.')).toBeVisible();
});

test('an authenticator without PRF gets a plain message and nothing is written', async ({ page }) => {
  await authenticator(page, false);
  await page.goto(ORIGIN);
  await openBackup(page, cliBackup());
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'Change how it unlocks' }).click();
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByText(/no WebAuthn PRF support/)).toBeVisible();
});

test('Remove the passkey in Change how it unlocks writes a copy without it; the passphrase still opens it', async ({
  page,
}) => {
  await authenticator(page, true);
  const withPasskey = await addPasskey(page, cliBackup());
  await page.goto(ORIGIN);
  await openBackup(page, withPasskey);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await page.getByRole('button', { name: 'Change how it unlocks' }).click();
  await page.getByRole('checkbox', { name: 'Remove the passkey' }).check();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save the new backup' }).click();
  const out = await savedDownload(await download);
  const inspected = JSON.parse(
    execFileSync(process.execPath, ['bin/coffer.mjs', 'inspect', '--json', out], { encoding: 'utf8' }),
  );
  expect(inspected.slots.map((slot: { type: string }) => slot.type)).toEqual(['passphrase']);
  await page.goto(ORIGIN);
  await openBackup(page, out);
  await expect(page.getByRole('button', { name: 'Unlock with passkey' })).toBeHidden();
  await unlockWithPassphrase(page);
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('empty folder');
});

async function formWithFile(page: Page): Promise<void> {
  await page.goto(ORIGIN);
  await page.getByLabel('Add files').setInputFiles({ name: 'p.txt', mimeType: 'text/plain', buffer: Buffer.from('P') });
  await page.getByLabel('Lock with a passphrase').uncheck();
}

test('a backup created with a passkey and a recovery key opens with each; never with the passkey alone', async ({
  page,
}) => {
  const virtual = await authenticator(page, true);
  await formWithFile(page);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByText('This backup will also open with the new passkey')).toBeVisible();
  expectNeutralNames(await virtual.userNames(), ['p.txt']);
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByRole('button', { name: 'Create backup' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'A passkey cannot be the only way in: also choose a passphrase or a recovery key.',
  );
  await page.getByLabel('Make a new recovery key').check();
  const key = (await page.getByTestId('new-recovery-key').textContent()) ?? '';
  await page.getByLabel('Type its last 8 digits').fill(key.replace(/ /g, '').slice(-8));
  const backup = await createBackup(page);
  expect(downloads).toBe(1);
  const inspected = JSON.parse(
    execFileSync(process.execPath, ['bin/coffer.mjs', 'inspect', '--json', backup], { encoding: 'utf8' }),
  );
  expect(inspected.slots.map((slot: { type: string }) => slot.type).sort()).toEqual(['passkey', 'recovery-key']);

  await page.goto(ORIGIN);
  await openBackup(page, backup);
  await page.getByRole('button', { name: 'Unlock with passkey' }).click();
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('p.txt');

  await page.goto(ORIGIN);
  await openBackup(page, backup);
  await page.getByLabel('Recovery key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Backup contents' })).toContainText('p.txt');
});

test('creating a backup: an authenticator without PRF gets the plain message and nothing is written', async ({
  page,
}) => {
  await authenticator(page, false);
  await formWithFile(page);
  await page.getByLabel('Make a new recovery key').check();
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('alert')).toContainText('no WebAuthn PRF support');
  await expect(page.getByText('This backup will also open with the new passkey')).toHaveCount(0);
  await expect(page.getByText(/Backup ready/)).toHaveCount(0);
  expect(downloads).toBe(0);
});

test('a recovery key remembered with a passkey is used with the passkey alone; without that passkey nothing opens it', async ({
  page,
}) => {
  const first = await authenticator(page, true);
  await formWithFile(page);
  await page.getByLabel('Make a new recovery key').check();
  const key = ((await page.getByTestId('new-recovery-key').textContent()) ?? '').replace(/ /g, '');
  await page.getByLabel('Type its last 8 digits').fill(key.slice(-8));
  await page.getByLabel('Remember my recovery key on this device').check();
  await page.getByLabel(/A passkey \(your fingerprint/).check();
  // No second passphrase is asked for.
  await expect(page.getByLabel('Device passphrase', { exact: true })).toHaveCount(0);
  await createBackup(page);
  await expect(page.getByText('the recovery key was not remembered')).toHaveCount(0);
  expectNeutralNames(await first.userNames(), ['p.txt']);

  // A later backup uses the remembered key: the passkey answers, nothing is typed.
  await page.goto(ORIGIN);
  await page.getByLabel('Add files').setInputFiles({ name: 'q.txt', mimeType: 'text/plain', buffer: Buffer.from('Q') });
  await page.getByLabel('Lock with a passphrase').uncheck();
  await page.getByLabel('Use the recovery key remembered on this device').check();
  await expect(page.getByLabel('Device passphrase', { exact: true })).toHaveCount(0);
  const second = await createBackup(page);
  const keyFile = join(tempDir('remembered-passkey'), 'key.txt');
  writeFileSync(keyFile, key);
  const listed = spawnSync(process.execPath, ['bin/coffer.mjs', 'list', second, '--recovery-key-file', keyFile], {
    encoding: 'utf8',
  });
  expect(listed.status, listed.stderr).toBe(0);
  expect(listed.stdout).toContain('q.txt');

  // Without that passkey (another device's authenticator, as in a copied profile), nothing opens it.
  await first.remove();
  await authenticator(page, true);
  await page.goto(ORIGIN);
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByLabel('Add files').setInputFiles({ name: 'r.txt', mimeType: 'text/plain', buffer: Buffer.from('R') });
  await page.getByLabel('Lock with a passphrase').uncheck();
  await page.getByLabel('Use the recovery key remembered on this device').check();
  await page.getByRole('button', { name: 'Create backup' }).click();
  await expect(page.getByText(/The passkey that protects the remembered recovery key did not open it/)).toBeVisible({
    timeout: 30_000,
  });
  expect(downloads).toBe(0);
});
