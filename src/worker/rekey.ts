/**
 * The worker's side of "Change how it unlocks": a new header for the same file key. The page
 * puts it in front of the old file's payload as a Blob, so no payload byte is read or copied
 * here, whatever the size of the backup.
 */
import { type Header, KDF_PRESETS, type RekeyChanges, readHeader, rekeyHeader, type SlotSpec } from '../core/index.ts';
import { fileSource } from './browser-io.ts';
import type { RekeyCommand, Result, SlotInfo } from './protocol.ts';

export function slotInfo(header: Header): SlotInfo[] {
  return header.slots.map((slot): SlotInfo => {
    if (slot.kind === 'passphrase') {
      return { type: 'passphrase', memoryKiB: slot.kdf.memoryKiB, iterations: slot.kdf.iterations };
    }
    if (slot.kind === 'passkey') {
      return { type: 'passkey', credentialId: slot.credentialId, prfSalt: slot.prfSalt, rpIdHash: slot.rpIdHash };
    }
    return { type: slot.kind };
  });
}

function coreChanges(command: RekeyCommand): RekeyChanges {
  const add: SlotSpec[] = [];
  const { setPassphrase, setRecoveryKey, remove } = command.changes;
  if (setPassphrase) {
    add.push({ kind: 'passphrase', passphrase: setPassphrase.passphrase, kdf: KDF_PRESETS[setPassphrase.kdf] });
  }
  if (setRecoveryKey) add.push({ kind: 'recovery-key', recoveryKey: setRecoveryKey });
  if (command.changes.addPasskey) add.push({ kind: 'passkey', ...command.changes.addPasskey });
  return { add, remove, removePasskeys: command.changes.removePasskeys };
}

export async function handleRekey(command: RekeyCommand): Promise<Result> {
  const source = fileSource(command.file);
  const header = await readHeader(source);
  const bytes = await rekeyHeader(header, command.credentials, coreChanges(command));
  const rekeyed = await readHeader({
    size: bytes.length + source.size - header.headerLength,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  });
  return { type: 'rekeyed', header: bytes, oldHeaderLength: header.headerLength, slots: slotInfo(rekeyed) };
}
