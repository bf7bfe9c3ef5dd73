/** Header facts anyone may see without a key (what `coffer inspect` prints). */
import { toHex } from './bytes.ts';
import type { Header } from './header.ts';
import { payloadLayout } from './layout.ts';
import type { RecoveryLayout } from './recovery.ts';

export interface HeaderDescription {
  version: number;
  slots: (
    | { type: 'passphrase'; kdf: 'argon2id'; memoryKiB: number; iterations: number; parallelism: number }
    | { type: 'recovery-key'; kdf: 'hkdf-sha256' }
    | { type: 'passkey'; kdf: 'webauthn-prf-hkdf-sha256'; credentialId: string; rpIdHash: string }
    | { type: 'unknown'; typeId: number }
  )[];
  chunkSize: number;
  sealedChunkSize: number;
  payloadOffset: number;
  headerLength: number;
  fileSize: number;
  chunkCount: number;
  /** Format version 3 (spec 11): the recovery section's shape; null when its footer is damaged. */
  recovery?: { dataShards: number; parityShards: number; stripes: number; payloadLength: number } | null;
}

export function describeHeader(header: Header, fileSize: number, recovery?: RecoveryLayout | null): HeaderDescription {
  // A version 3 file's payload ends where its footer says, before the recovery section.
  const layout = payloadLayout(header, recovery ? recovery.headerLength + recovery.payloadLength : fileSize);
  const shape = recovery && {
    dataShards: recovery.dataShards,
    parityShards: recovery.parityShards,
    stripes: recovery.stripeCount,
    payloadLength: recovery.payloadLength,
  };
  return {
    version: header.version,
    slots: header.slots.map((slot) => {
      if (slot.kind === 'passphrase') return { type: 'passphrase', kdf: 'argon2id', ...slot.kdf };
      if (slot.kind === 'recovery-key') return { type: 'recovery-key', kdf: 'hkdf-sha256' };
      if (slot.kind === 'passkey') {
        const { credentialId, rpIdHash } = slot;
        return {
          type: 'passkey',
          kdf: 'webauthn-prf-hkdf-sha256',
          credentialId: toHex(credentialId),
          rpIdHash: toHex(rpIdHash),
        };
      }
      return { type: 'unknown', typeId: slot.typeId };
    }),
    chunkSize: header.chunkSize,
    sealedChunkSize: layout.sealedChunkSize,
    payloadOffset: layout.payloadOffset,
    headerLength: header.headerLength,
    fileSize,
    chunkCount: layout.chunkCount,
    ...(recovery === undefined ? {} : { recovery: shape ?? null }),
  };
}
