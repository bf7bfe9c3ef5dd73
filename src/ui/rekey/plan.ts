/** What the person chose in "Change how it unlocks", checked and turned into a worker request. */
import { parseRecoveryKey } from '../../core/recovery-key.ts';
import type { RekeyRequest, SlotInfo } from '../../worker/protocol.ts';
import { recoveryKeyTypo, unconfirmedNewKey } from '../shared/key-checks.ts';
import { type Strength, strengthProblem } from '../shared/strength.ts';

export type PassphraseChoice = 'keep' | 'set' | 'remove';
export type KeyChoice = 'keep' | 'new' | 'existing' | 'remove';

export interface Choices {
  passphrase: PassphraseChoice;
  newPassphrase: string;
  confirmation: string;
  key: KeyChoice;
  /** The generated key while "new" is chosen (64 digits). */
  newKey?: string;
  keyConfirmation: string;
  existingKey: string;
}

export const INITIAL: Choices = {
  passphrase: 'keep',
  newPassphrase: '',
  confirmation: '',
  key: 'keep',
  keyConfirmation: '',
  existingKey: '',
};

/** The kinds of slot the file will have afterwards (what the success message lists). */
export function kindsAfter(slots: readonly SlotInfo[], choices: Choices): { passphrase: boolean; key: boolean } {
  const had = (type: string) => slots.some((slot) => slot.type === type);
  return {
    passphrase: choices.passphrase === 'set' || (choices.passphrase === 'keep' && had('passphrase')),
    key: choices.key === 'new' || choices.key === 'existing' || (choices.key === 'keep' && had('recovery-key')),
  };
}

/** A reason the choices cannot be applied yet, or undefined. */
export function problem(
  slots: readonly SlotInfo[],
  choices: Choices,
  strength: Strength | undefined,
): string | undefined {
  if (choices.passphrase === 'keep' && choices.key === 'keep') return 'Choose what to change first.';
  const after = kindsAfter(slots, choices);
  if (!after.passphrase && !after.key) {
    return 'A backup needs a passphrase or a recovery key: keep one of them, so it can always be opened.';
  }
  if (choices.passphrase === 'set') {
    if (!choices.newPassphrase) return 'Type the new passphrase.';
    if (choices.newPassphrase !== choices.confirmation) return 'The two new passphrases are not the same.';
    const weak = strengthProblem(strength);
    if (weak) return weak;
  }
  if (choices.key === 'new' && choices.newKey) return unconfirmedNewKey(choices.newKey, choices.keyConfirmation);
  if (choices.key === 'existing') return recoveryKeyTypo(choices.existingKey);
  return undefined;
}

export function request(choices: Choices): RekeyRequest {
  const changes: RekeyRequest = { remove: [] };
  if (choices.passphrase === 'set') changes.setPassphrase = { passphrase: choices.newPassphrase, kdf: 'default' };
  if (choices.passphrase === 'remove') changes.remove?.push('passphrase');
  if (choices.key === 'new' && choices.newKey) changes.setRecoveryKey = choices.newKey;
  if (choices.key === 'existing') changes.setRecoveryKey = parseRecoveryKey(choices.existingKey);
  if (choices.key === 'remove') changes.remove?.push('recovery-key');
  return changes;
}

export function describeAfter(after: { passphrase: boolean; key: boolean }): string {
  return [after.passphrase && 'its passphrase', after.key && 'its recovery key'].filter(Boolean).join(' or ');
}
