import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
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

async function authenticator(page: Page, hasPrf: boolean): Promise<() => Promise<void>> {
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
  return async () => {
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  };
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
  await authenticator(page, true);
  const out = await addPasskey(page, cliBackup());
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
  const remove = await authenticator(page, true);
  const out = await addPasskey(page, cliBackup());
  await remove();
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
