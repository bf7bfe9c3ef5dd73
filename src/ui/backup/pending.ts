/**
 * The form of the backup being prepared, kept outside the panel so that switching tabs and
 * coming back finds it as it was. Above all the new recovery key: once shown (and perhaps saved
 * in a kit), it stays the key of the pending backup until that backup is made or the person asks
 * for a new one. Lives in memory only, like the rest of the page.
 */
import { useState } from 'preact/hooks';
import { generateRecoveryKey } from '../../core/recovery-key.ts';
import type { NewPasskey } from '../rekey/passkey.ts';

export type KeyChoice = 'none' | 'new' | 'existing' | 'remembered';

export interface PendingForm {
  usePassphrase: boolean;
  passphrase: string;
  confirmation: string;
  keyChoice: KeyChoice;
  newKey: string;
  keyConfirmation: string;
  existingKey: string;
  remember: boolean;
  /** What protects a remembered recovery key: a device passphrase, or a passkey's PRF. */
  rememberWith: 'device-passphrase' | 'passkey';
  keep: boolean;
  /** A passkey registered for this backup (its PRF output is a secret like the passphrase). */
  passkey?: NewPasskey;
}

function blank(): PendingForm {
  return {
    usePassphrase: true,
    passphrase: '',
    confirmation: '',
    keyChoice: 'none',
    newKey: '',
    keyConfirmation: '',
    existingKey: '',
    remember: false,
    rememberWith: 'device-passphrase',
    keep: false,
  };
}

let pending: PendingForm = blank();

/** The pending form and a way to change it; changes outlive the panel. */
export function usePendingForm(): [PendingForm, (change: Partial<PendingForm>) => void] {
  const [form, setForm] = useState<PendingForm>(pending);
  const update = (change: Partial<PendingForm>) => {
    const next = { ...pending, ...change };
    // A new key is made the first time one is asked for, never again behind the person's back.
    if (next.keyChoice === 'new' && !next.newKey) next.newKey = generateRecoveryKey();
    pending = next;
    setForm(next);
  };
  return [form, update];
}

/** A different key, only when the person asks for one: the old kit no longer applies. */
export function freshKey(): Partial<PendingForm> {
  return { newKey: generateRecoveryKey(), keyConfirmation: '' };
}

/** After a backup is made, the next one starts from a clean form (options persist elsewhere). */
export function clearSecrets(): PendingForm {
  pending.passkey?.prfOutput.fill(0);
  pending = { ...blank(), usePassphrase: pending.usePassphrase, keep: pending.keep };
  return pending;
}
