/** The `coffer rekey` contract: exit codes, payload bytes kept, IN untouched, OUT never overwritten. */
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffer, exists, leftovers, makeTree, newKeyFile, PASSPHRASE, removeDir, tempDir } from './helpers.ts';

let work: string;
let key: string;
let both: string;
let original: Buffer;
const byKey = () => ['--recovery-key-file', key];

/** The header length from bytes 12..16 (spec 2). */
function headerLength(bytes: Buffer): number {
  return bytes.readUInt32LE(12);
}

function payload(bytes: Buffer): Buffer {
  return bytes.subarray(headerLength(bytes));
}

async function listWith(file: string, args: string[], env: Record<string, string> = {}) {
  return coffer(['list', file, '--json', ...args], { env });
}

beforeAll(async () => {
  work = await tempDir('coffer-rekey-');
  await makeTree(join(work, 'src'));
  key = await newKeyFile(work);
  both = join(work, 'both.coffer');
  const created = await coffer(['create', '-o', both, ...byKey(), join(work, 'src')], {
    env: { COFFER_PASSPHRASE: PASSPHRASE },
  });
  expect(created.code, created.stderr).toBe(0);
  original = await readFile(both);
});

afterAll(async () => {
  await removeDir(work);
});

describe('coffer rekey', () => {
  it('changes the passphrase from COFFER_NEW_PASSPHRASE: payload identical, IN unchanged', async () => {
    const out = join(work, 'changed.coffer');
    const result = await coffer(['rekey', both, '-o', out, ...byKey()], { env: { COFFER_NEW_PASSPHRASE: 'new one' } });
    expect(result.code, result.stderr).toBe(0);
    const bytes = await readFile(out);
    expect(payload(bytes).equals(payload(original))).toBe(true);
    expect((await readFile(both)).equals(original)).toBe(true);
    expect((await listWith(out, [], { COFFER_PASSPHRASE: 'new one' })).code).toBe(0);
    expect((await listWith(out, [], { COFFER_PASSPHRASE: PASSPHRASE })).code).toBe(3);
    expect((await listWith(out, byKey())).code).toBe(0);
    expect((await coffer(['verify', out, ...byKey()])).code).toBe(0);
  });

  it('sets the passphrase from --set-passphrase-file, unlocking with the old passphrase', async () => {
    const file = join(work, 'new-pass.txt');
    await writeFile(file, 'from a file\nignored second line\n');
    const out = join(work, 'from-file.coffer');
    const result = await coffer(['rekey', both, '-o', out, '--set-passphrase-file', file], {
      env: { COFFER_PASSPHRASE: PASSPHRASE },
    });
    expect(result.code, result.stderr).toBe(0);
    expect((await listWith(out, [], { COFFER_PASSPHRASE: 'from a file' })).code).toBe(0);
  });

  it('adds a new recovery key (saved first) and removes the passphrase', async () => {
    const newKey = join(work, 'new-key.txt');
    const out = join(work, 'new-key.coffer');
    const result = await coffer(
      ['rekey', both, '-o', out, '--new-recovery-key', newKey, '--remove', 'passphrase', ...byKey()],
      {},
    );
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(newKey)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(out);
    expect(headerLength(bytes)).toBeLessThan(headerLength(original));
    expect(payload(bytes).equals(payload(original))).toBe(true);
    expect((await listWith(out, ['--recovery-key-file', newKey])).code).toBe(0);
    expect((await listWith(out, byKey())).code).toBe(3);
    expect((await listWith(out, [], { COFFER_PASSPHRASE: PASSPHRASE })).code).toBe(3);
    const inspected = JSON.parse((await coffer(['inspect', out, '--json'])).stdout);
    expect(inspected.slots.map((slot: { type: string }) => slot.type)).toEqual(['recovery-key']);
  });

  it('adds an existing recovery key to a passphrase-only backup (a longer header)', async () => {
    const passOnly = join(work, 'pass-only.coffer');
    const removed = await coffer(['rekey', both, '-o', passOnly, '--remove', 'recovery-key'], {
      env: { COFFER_PASSPHRASE: PASSPHRASE },
    });
    expect(removed.code, removed.stderr).toBe(0);
    expect((await listWith(passOnly, byKey())).code).toBe(3);
    const out = join(work, 'added.coffer');
    const added = await coffer(['rekey', passOnly, '-o', out, '--add-recovery-key-file', key], {
      env: { COFFER_PASSPHRASE: PASSPHRASE },
    });
    expect(added.code, added.stderr).toBe(0);
    const bytes = await readFile(out);
    expect(headerLength(bytes)).toBeGreaterThan(headerLength(await readFile(passOnly)));
    expect(payload(bytes).equals(payload(original))).toBe(true);
    expect((await listWith(out, byKey())).code).toBe(0);
  });

  it('refuses (5) a result that nothing the CLI knows can open, writing nothing', async () => {
    const keyOnly = join(work, 'key-only.coffer');
    expect((await coffer(['rekey', both, '-o', keyOnly, '--remove', 'passphrase', ...byKey()])).code).toBe(0);
    const out = join(work, 'nothing.coffer');
    const result = await coffer(['rekey', keyOnly, '-o', out, '--remove', 'recovery-key', ...byKey()]);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toMatch(/no passphrase and no recovery key/);
    const both2 = await coffer([
      'rekey',
      both,
      '-o',
      out,
      '--remove',
      'passphrase',
      '--remove',
      'recovery-key',
      ...byKey(),
    ]);
    expect(both2.code).toBe(5);
    const absent = await coffer(['rekey', keyOnly, '-o', out, '--remove', 'passphrase', ...byKey()]);
    expect(absent.code).toBe(5);
    expect(await exists(out)).toBe(false);
    expect(await leftovers(work)).toEqual([]);
  });

  it('never overwrites OUT (5), nor an existing new-key file (5)', async () => {
    const out = join(work, 'exists.coffer');
    await writeFile(out, 'precious');
    const result = await coffer(['rekey', both, '-o', out, ...byKey()], { env: { COFFER_NEW_PASSPHRASE: 'x y z' } });
    expect(result.code).toBe(5);
    expect(await readFile(out, 'utf8')).toBe('precious');
    const same = await coffer(['rekey', both, '-o', both, ...byKey()], { env: { COFFER_NEW_PASSPHRASE: 'x y z' } });
    expect(same.code).toBe(5);
    expect((await readFile(both)).equals(original)).toBe(true);
    const keyExists = await coffer([
      'rekey',
      both,
      '-o',
      join(work, 'k.coffer'),
      '--new-recovery-key',
      key,
      ...byKey(),
    ]);
    expect(keyExists.code).toBe(5);
    expect(await exists(join(work, 'k.coffer'))).toBe(false);
  });

  it('exits 3 on a wrong credential, leaving no OUT and no new key', async () => {
    const out = join(work, 'wrong.coffer');
    const newKey = join(work, 'never.txt');
    const result = await coffer(['rekey', both, '-o', out, '--new-recovery-key', newKey], {
      env: { COFFER_PASSPHRASE: 'wrong' },
    });
    expect(result.code).toBe(3);
    expect(await exists(out)).toBe(false);
    expect(await exists(newKey)).toBe(false);
    expect(await leftovers(work)).toEqual([]);
  });

  it('exits 2 on usage mistakes and 4 on a file that is not a backup', async () => {
    const out = join(work, 'usage.coffer');
    const nothing = await coffer(['rekey', both, '-o', out, ...byKey()]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to change/);
    expect((await coffer(['rekey', both, ...byKey(), '--remove', 'passphrase'])).code).toBe(2);
    expect((await coffer(['rekey', both, '-o', out, ...byKey(), '--remove', 'everything'])).code).toBe(2);
    const bothKeys = await coffer([
      'rekey',
      both,
      '-o',
      out,
      '--new-recovery-key',
      join(work, 'n.txt'),
      '--add-recovery-key-file',
      key,
    ]);
    expect(bothKeys.code).toBe(2);
    const contradiction = await coffer(['rekey', both, '-o', out, ...byKey(), '--remove', 'passphrase'], {
      env: { COFFER_NEW_PASSPHRASE: 'p' },
    });
    expect(contradiction.code).toBe(2);
    const notBackup = join(work, 'not.coffer');
    await writeFile(notBackup, 'hello');
    expect((await coffer(['rekey', notBackup, '-o', out, ...byKey(), '--remove', 'passphrase'])).code).toBe(4);
    expect(await exists(out)).toBe(false);
  });

  it('writes into a symlinked folder, as create and repair do (a link as OUT itself is refused)', async () => {
    const real = join(work, 'real-folder');
    await mkdir(real);
    const link = join(work, 'link-folder');
    await symlink(real, link);
    const out = join(link, 'via-link.coffer');
    const result = await coffer(['rekey', both, '-o', out, ...byKey()], { env: { COFFER_NEW_PASSPHRASE: 'via link' } });
    expect(result.code, result.stderr).toBe(0);
    expect((await listWith(join(real, 'via-link.coffer'), [], { COFFER_PASSPHRASE: 'via link' })).code).toBe(0);
    const linkOut = join(work, 'link-out.coffer');
    await symlink(join(real, 'absent.coffer'), linkOut);
    const refusedLink = await coffer(['rekey', both, '-o', linkOut, ...byKey()], {
      env: { COFFER_NEW_PASSPHRASE: 'via link' },
    });
    expect(refusedLink.code).toBe(5);
    expect(await exists(join(real, 'absent.coffer'))).toBe(false);
  });

  it('is listed in the help', async () => {
    expect((await coffer(['--help'])).stdout).toMatch(/coffer rekey/);
    const help = await coffer(['rekey', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--set-passphrase-file F/);
    expect(help.stdout).toMatch(/future copies only/);
  });
});
