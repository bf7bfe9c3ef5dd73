import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCredentials, vectorPasskey } from '../../spec/gen/passkey-parts.ts';
import { concatBytes, fromHex } from '../../src/core/bytes.ts';
import { importAesKey, open } from '../../src/core/crypto.ts';
import { buildHeader } from '../../src/core/header.ts';
import { passkeyKeys } from '../../src/core/passkey.ts';
import { OpenedBackup, readHeader } from '../../src/core/reader.ts';
import { rekeyHeader } from '../../src/core/rekey.ts';
import { bytesSource } from '../../src/core/source.ts';
import { expectCode, makeBackup, PASSPHRASE, PASSPHRASE_SLOT, RECOVERY_KEY, RECOVERY_SLOT } from './helpers.ts';

const A = vectorPasskey('unit test passkey A');
const B = vectorPasskey('unit test passkey B');
const credA = toCredentials(A.credentials);
const credB = toCredentials(B.credentials);
const FILES = [{ path: 'a.txt', type: 'file' as const, data: new Uint8Array([1, 2, 3]) }];

describe('passkey slot (spec 3.4)', () => {
  it('opens with the passkey it was made for, and with the passphrase beside it', async () => {
    const file = await makeBackup(FILES, { slots: [A.spec, PASSPHRASE_SLOT] });
    await OpenedBackup.open(bytesSource(file), credA);
    await OpenedBackup.open(bytesSource(file), { passphrase: PASSPHRASE });
  });

  it('another credential, or the right id with another PRF output, is a wrong key', async () => {
    const file = await makeBackup(FILES, { slots: [A.spec, PASSPHRASE_SLOT] });
    const other = await expectCode(OpenedBackup.open(bytesSource(file), credB), 'wrong_key');
    expect(other.message).toMatch(/another passkey/);
    const passkey = { credentialId: A.spec.credentialId, prfOutput: B.spec.prfOutput };
    await expectCode(OpenedBackup.open(bytesSource(file), { passkey }), 'wrong_key');
  });

  it('a writer refuses a backup whose only way in is a passkey', async () => {
    await expectCode(
      buildHeader([A.spec], 10, () => new Uint8Array(32)),
      'invalid_input',
    );
  });

  it('the commitment vector is sealed under the right kek, so only the commitment check refuses it', async () => {
    const path = resolve(import.meta.dirname, '../../spec/vectors/wrong-key-passkey-commitment');
    const bytes = new Uint8Array(await readFile(`${path}.coffer`));
    const json = JSON.parse(await readFile(`${path}.json`, 'utf8'));
    const header = await readHeader(bytesSource(bytes));
    const slot = header.slots[0];
    if (slot.kind !== 'passkey') throw new Error('expected a passkey slot first');
    const { kek } = await passkeyKeys(fromHex(json.credentials.passkey.prfOutput), slot.prfSalt);
    expect(await open(await importAesKey(kek), new Uint8Array(12), slot.wrapped, slot.aad)).toBeDefined();
    await expectCode(OpenedBackup.open(bytesSource(bytes), toCredentials(json.credentials)), 'wrong_key');
  });

  it('rekeying adds a passkey beside others, removes one by credential id, and keeps them on other changes', async () => {
    const file = await makeBackup(FILES, { slots: [PASSPHRASE_SLOT, RECOVERY_SLOT] });
    const withFile = async (header: Uint8Array, from: Uint8Array) => {
      const old = await readHeader(bytesSource(from));
      return concatBytes([header, from.subarray(old.headerLength)]);
    };
    const step = async (
      from: Uint8Array,
      ...rest: Parameters<typeof rekeyHeader> extends [unknown, ...infer R] ? R : never
    ) => withFile(await rekeyHeader(await readHeader(bytesSource(from)), ...rest), from);
    const one = await step(file, { recoveryKey: RECOVERY_KEY }, { add: [A.spec] });
    const two = await step(one, credA, { add: [B.spec] });
    expect((await readHeader(bytesSource(two))).slots.map((slot) => slot.kind)).toEqual([
      'passphrase',
      'recovery-key',
      'passkey',
      'passkey',
    ]);
    await OpenedBackup.open(bytesSource(two), credB);
    const three = await step(two, credB, { removePasskeys: [A.spec.credentialId], remove: ['passphrase'] });
    await expectCode(OpenedBackup.open(bytesSource(three), credA), 'wrong_key');
    await OpenedBackup.open(bytesSource(three), credB);
    await OpenedBackup.open(bytesSource(three), { recoveryKey: RECOVERY_KEY });
    // Passkeys alone must never remain.
    await expectCode(
      rekeyHeader(await readHeader(bytesSource(three)), credB, { remove: ['recovery-key'] }),
      'invalid_input',
    );
  });
});
