import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../src/core/bytes.ts';
import { OpenedBackup, readHeader } from '../../src/core/reader.ts';
import { checkPlan, rekeyHeader } from '../../src/core/rekey.ts';
import { bytesSource } from '../../src/core/source.ts';
import {
  CHEAP_KDF,
  expectCode,
  makeBackup,
  memorySink,
  OTHER_RECOVERY_KEY,
  PASSPHRASE,
  PASSPHRASE_SLOT,
  RECOVERY_KEY,
  RECOVERY_SLOT,
} from './helpers.ts';

const DATA = utf8('rekeying keeps every payload byte\n'.repeat(200));

async function backup(slots = [PASSPHRASE_SLOT, RECOVERY_SLOT]): Promise<Uint8Array> {
  return makeBackup([{ path: 'notes.txt', type: 'file', data: DATA }], { slots });
}

/** Rekeys `file` and returns the whole new file: new header, old payload. */
async function rekeyed(
  file: Uint8Array,
  ...args: Parameters<typeof rekeyHeader> extends [unknown, ...infer R] ? R : never
) {
  const header = await readHeader(bytesSource(file));
  const newHeader = await rekeyHeader(header, ...args);
  return { header, newHeader, file: concatBytes([newHeader, file.subarray(header.headerLength)]) };
}

async function restored(file: Uint8Array, credentials: { passphrase?: string; recoveryKey?: string }) {
  const opened = await OpenedBackup.open(bytesSource(file), credentials);
  const { sink, files } = memorySink();
  await opened.restore(sink);
  return files.get('notes.txt');
}

describe('rekeyHeader', () => {
  it('changes the passphrase: the new one opens, the old one no longer does, the payload is untouched', async () => {
    const file = await backup();
    const out = await rekeyed(
      file,
      { recoveryKey: RECOVERY_KEY },
      { add: [{ kind: 'passphrase', passphrase: 'a new passphrase', kdf: CHEAP_KDF }] },
    );
    expect(out.newHeader.length).toBe(out.header.headerLength);
    expect(out.file.subarray(out.newHeader.length)).toEqual(file.subarray(out.header.headerLength));
    expect(await restored(out.file, { passphrase: 'a new passphrase' })).toEqual(DATA);
    expect(await restored(out.file, { recoveryKey: RECOVERY_KEY })).toEqual(DATA);
    await expectCode(OpenedBackup.open(bytesSource(out.file), { passphrase: PASSPHRASE }), 'wrong_key');
    // Only headerLength, slotCount, the slots and the MAC may differ; the nonce and chunk size stay.
    expect(out.newHeader.subarray(0, 12)).toEqual(file.subarray(0, 12));
    expect(out.newHeader.subarray(16, 17)).toEqual(file.subarray(16, 17));
    expect(out.newHeader.subarray(18, 52)).toEqual(file.subarray(18, 52));
  });

  it('removes a slot and replaces a recovery key, with a header of another length', async () => {
    const file = await backup();
    const out = await rekeyed(
      file,
      { passphrase: PASSPHRASE },
      { remove: ['passphrase'], add: [{ kind: 'recovery-key', recoveryKey: OTHER_RECOVERY_KEY }] },
    );
    const header = await readHeader(bytesSource(out.file));
    expect(header.slots.map((slot) => slot.kind)).toEqual(['recovery-key']);
    expect(await restored(out.file, { recoveryKey: OTHER_RECOVERY_KEY })).toEqual(DATA);
    await expectCode(OpenedBackup.open(bytesSource(out.file), { recoveryKey: RECOVERY_KEY }), 'wrong_key');
    await expectCode(OpenedBackup.open(bytesSource(out.file), { passphrase: PASSPHRASE }), 'wrong_key');
  });

  it('refuses to leave no passphrase and no recovery key, and to remove what is not there', async () => {
    const header = await readHeader(bytesSource(await backup([RECOVERY_SLOT])));
    expect(() => checkPlan(header, { remove: ['recovery-key'] })).toThrow(/no passphrase and no recovery key/);
    await expectCode(rekeyHeader(header, { recoveryKey: RECOVERY_KEY }, { remove: ['recovery-key'] }), 'invalid_input');
    await expectCode(rekeyHeader(header, { recoveryKey: RECOVERY_KEY }, { remove: ['passphrase'] }), 'invalid_input');
  });

  it('needs a credential that opens the file, and a header whose MAC verifies', async () => {
    const file = await backup();
    const header = await readHeader(bytesSource(file));
    const change = { add: [{ kind: 'recovery-key' as const, recoveryKey: OTHER_RECOVERY_KEY }] };
    await expectCode(rekeyHeader(header, { passphrase: 'not it' }, change), 'wrong_key');
    const tampered = file.slice();
    tampered[header.headerLength - 1] ^= 1;
    await expectCode(
      rekeyHeader(await readHeader(bytesSource(tampered)), { passphrase: PASSPHRASE }, change),
      'header_damaged',
    );
  });

  it('keeps slots of kinds it does not know, covered by the new MAC', async () => {
    // A frozen vector: an unknown type-3 slot before a passphrase slot.
    const vector = resolve(import.meta.dirname, '../../spec/vectors/success-unknown-slot-type.coffer');
    const file = new Uint8Array(await readFile(vector));
    const { credentials } = JSON.parse(await readFile(vector.replace(/coffer$/, 'json'), 'utf8'));
    const out = await rekeyed(file, credentials, { add: [RECOVERY_SLOT] });
    const header = await readHeader(bytesSource(out.file));
    expect(header.slots.map((slot) => slot.kind)).toEqual(['unknown', 'passphrase', 'recovery-key']);
    expect(out.newHeader.subarray(52, 52 + 104)).toEqual(file.subarray(52, 52 + 104));
    await OpenedBackup.open(bytesSource(out.file), { recoveryKey: RECOVERY_KEY });
    await OpenedBackup.open(bytesSource(out.file), credentials);
  });
});
