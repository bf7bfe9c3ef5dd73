/**
 * Which key opens which backup, the key of a backup's body, and what a failed check at the end
 * of the file means for the key.
 */
import { constantTimeEqual } from '../../core/bytes.ts';
import { hkdfBytes } from '../../core/crypto.ts';
import { CofferError } from '../../core/errors.ts';
import type { WhatsAppHeader } from './format.ts';
import type { WhatsAppKey } from './keys.ts';

const BACKUP_INFO = 'backup encryption';

/** Refuses a key of the wrong kind before anything is decrypted. */
export function checkKeyFits(header: WhatsAppHeader, key: WhatsAppKey): void {
  if (header.format === 'crypt15' && key.kind === 'legacy') {
    throw new CofferError(
      'key_mismatch',
      'This is a crypt12/crypt14 key file (the 158-byte "key" file), but this backup is crypt15 (end-to-end encrypted). It opens with the 64-digit key WhatsApp showed you, or with its encrypted_backup.key file.',
    );
  }
  if (header.format !== 'crypt15' && key.kind === 'e2e') {
    throw new CofferError(
      'key_mismatch',
      `This is an end-to-end backup key (64 digits or encrypted_backup.key), which opens crypt15 backups, but this backup is ${header.format}. It opens with the 158-byte "key" file from the phone (/data/data/com.whatsapp/files/key).`,
    );
  }
}

/** The AES-256 key of the backup body. */
export async function bodyKey(header: WhatsAppHeader, key: WhatsAppKey): Promise<Uint8Array> {
  checkKeyFits(header, key);
  if (key.kind === 'e2e') return hkdfBytes(key.rootKey, new Uint8Array(0), BACKUP_INFO, 32);
  return key.aesKey;
}

function legacySaltsDiffer(header: WhatsAppHeader, key: WhatsAppKey): boolean {
  if (key.kind !== 'legacy' || !header.serverSalt || !header.googleIdSalt) return false;
  return (
    !constantTimeEqual(header.serverSalt, key.serverSalt) || !constantTimeEqual(header.googleIdSalt, key.googleIdSalt)
  );
}

/**
 * Why the end of the file did not check out: a file exactly as written (its MD5 matches) whose
 * tag fails means the wrong key; otherwise damage, or, where the layout could be either, the key
 * or damage.
 */
export function endingFailure(
  header: WhatsAppHeader,
  key: WhatsAppKey,
  md5Ok: boolean,
  singleOk: boolean,
  plausible: boolean,
): CofferError {
  const name = header.format;
  if (md5Ok) {
    // The file is exactly as written (its MD5 matches), so the key must be wrong.
    const other = legacySaltsDiffer(header, key)
      ? ' This key file belongs to another backup: its salts differ from the ones in this backup, so it is probably from another phone or account.'
      : '';
    return new CofferError('wrong_key', `This key does not open this ${name} backup.${other}`);
  }
  if (singleOk) {
    return new CofferError(
      'payload_damaged',
      `This ${name} backup is damaged: its MD5 checksum at the very end does not match, so nothing was kept.`,
    );
  }
  if (plausible || !header.multiFilePossible) {
    return new CofferError(
      'payload_damaged',
      `This ${name} backup is damaged or incomplete: its checksum does not match what it holds, so nothing was kept. An interrupted copy is the usual cause; copy the whole file again.`,
    );
  }
  return new CofferError(
    'wrong_key',
    `This key does not open this ${name} backup (or the file is damaged: its checksum does not match either).`,
  );
}
