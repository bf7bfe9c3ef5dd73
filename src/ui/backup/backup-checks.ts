/** Whether the backup form can be submitted: what is missing or wrong, said as the person would fix it. */
import type { BackupItem } from '../../worker/protocol.ts';
import { recoveryKeyTypo, unconfirmedNewKey } from '../shared/key-checks.ts';
import { type Strength, strengthProblem } from '../shared/strength.ts';
import type { KeyProtection } from '../vault/db.ts';
import type { PendingForm } from './pending.ts';

export type RememberedMethod = KeyProtection['method'] | undefined;

export function formProblem(
  items: BackupItem[],
  form: PendingForm,
  strength: Strength | undefined,
): string | undefined {
  if (items.length === 0) return 'Add at least one file or folder first.';
  if (!form.usePassphrase && form.keyChoice === 'none') {
    // A passkey belongs to one website and one device or account: losing it must not lose the data.
    if (form.passkey) return 'A passkey cannot be the only way in: also choose a passphrase or a recovery key.';
    return 'Choose a passphrase, a recovery key, or both.';
  }
  if (form.usePassphrase) {
    if (!form.passphrase) return 'Type a passphrase, or untick "Lock with a passphrase".';
    if (form.passphrase !== form.confirmation) return 'The two passphrases are not the same.';
    const weak = strengthProblem(strength);
    if (weak) return weak;
  }
  if (form.keyChoice === 'new') return unconfirmedNewKey(form.newKey, form.keyConfirmation);
  if (form.keyChoice === 'existing') return recoveryKeyTypo(form.existingKey);
  return undefined;
}

/** The device passphrase is asked when a remembered key is recalled or a new one is remembered. */
export function asksDevicePassphrase(
  form: PendingForm,
  rememberedWith: RememberedMethod,
  deviceUnlocked: boolean,
): 'unlock' | 'set' | undefined {
  if (deviceUnlocked) return undefined;
  if (form.keyChoice === 'remembered' && rememberedWith === 'device-passphrase') return 'unlock';
  const remembersNew = form.keyChoice === 'new' || form.keyChoice === 'existing';
  if (form.remember && form.rememberWith === 'device-passphrase' && remembersNew) return 'set';
  return undefined;
}

export function devicePassphraseProblem(
  asked: 'unlock' | 'set' | undefined,
  devicePassphrase: string,
  deviceStrength: Strength | undefined,
): string | undefined {
  if (asked === 'unlock' && !devicePassphrase) return 'Type the device passphrase.';
  if (asked === 'set') {
    if (!devicePassphrase) return 'Choose a device passphrase to protect the remembered key.';
    if (!deviceStrength) return 'Checking the device passphrase strength…';
    if (!deviceStrength.acceptable) return 'This device passphrase is too easy to guess: try several unrelated words.';
  }
  return undefined;
}
