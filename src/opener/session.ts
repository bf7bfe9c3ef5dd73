/**
 * What the opener does with a backup, without the page: read the header (no key needed), say
 * what unlocks it, and unlock on this thread. There is no worker here: a page opened from disk
 * may not start one in every engine, and the opener must need nothing but itself.
 */
import { CofferError, type Header, OpenedBackup, type RandomAccessSource, readHeader } from '../core/index.ts';
import { parseRecoveryKey } from '../core/recovery-key.ts';
import { keyFromKit } from '../core/recovery-kit.ts';
import { inflateNative } from '../worker/inflate-native.ts';

export function blobSource(file: Blob): RandomAccessSource {
  return {
    size: file.size,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
    stream: (offset) => file.slice(offset).stream() as ReadableStream<Uint8Array>,
  };
}

export interface Ways {
  passphrase: boolean;
  recoveryKey: boolean;
  passkeys: number;
  unknown: number;
}

export function waysIn(header: Header): Ways {
  const ways: Ways = { passphrase: false, recoveryKey: false, passkeys: 0, unknown: 0 };
  for (const slot of header.slots) {
    if (slot.kind === 'passphrase') ways.passphrase = true;
    else if (slot.kind === 'recovery-key') ways.recoveryKey = true;
    else if (slot.kind === 'passkey') ways.passkeys++;
    else ways.unknown++;
  }
  return ways;
}

/** One sentence for the person: what unlocks this backup here, and what only the app can use. */
export function describeWays(ways: Ways): string {
  const here = [ways.passphrase && 'its passphrase', ways.recoveryKey && 'its recovery key'].filter(Boolean);
  const parts: string[] = [];
  if (here.length > 0) parts.push(`Unlock it with ${here.join(' or ')}.`);
  if (ways.passkeys > 0) {
    parts.push(
      `It also has ${ways.passkeys === 1 ? 'a passkey' : `${ways.passkeys} passkeys`}: a passkey works only in the Coffer app on the website where it was added, so to use it, open this backup in the app.`,
    );
  }
  if (ways.unknown > 0) parts.push('It has a way in that this opener does not know; a newer Coffer may.');
  if (here.length === 0) parts.unshift('This opener cannot unlock this backup: it has no passphrase or recovery key.');
  return parts.join(' ');
}

/** Reads the header; a file that is not a backup is refused before anything else. */
export async function inspect(file: Blob): Promise<Header> {
  return readHeader(blobSource(file));
}

/** The recovery key as typed or pasted: digits, or a whole recovery kit pasted in. */
export function recoveryKeyFrom(input: string): string {
  return parseRecoveryKey(keyFromKit(input) ?? input);
}

export async function unlock(
  file: Blob,
  header: Header,
  input: { passphrase: string; recoveryKey: string },
): Promise<OpenedBackup> {
  const passphrase = input.passphrase || undefined;
  const recoveryKey = input.recoveryKey.trim() ? recoveryKeyFrom(input.recoveryKey) : undefined;
  if (!passphrase && !recoveryKey) {
    throw new CofferError('invalid_input', 'Type the passphrase or the recovery key first.');
  }
  return OpenedBackup.open(blobSource(file), { passphrase, recoveryKey }, header, { inflate: inflateNative });
}
