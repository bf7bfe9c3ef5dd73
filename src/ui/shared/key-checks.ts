/** The recovery-key checks every form makes before it sends a key anywhere, said the same way everywhere. */
import { checkRecoveryKey } from '../../core/recovery-key.ts';

/**
 * A new key counts as saved once its last 8 digits (or all 64) are typed back; spaces and
 * dashes are ignored. Undefined when they were.
 */
export function unconfirmedNewKey(newKey: string, typed: string): string | undefined {
  const digits = typed.replace(/[\s-]/g, '');
  if (digits === newKey || digits === newKey.slice(-8)) return undefined;
  if (digits === '') return 'Type the last 8 digits of the new recovery key to confirm you have saved it.';
  // Typed but different: saying "type them" again would read as if nothing had been typed.
  return 'The digits you typed do not match the end of the new recovery key. Check the saved key and type its last 8 digits again.';
}

/** A typed existing key whose digits or check digits are off; undefined when it is well formed. */
export function recoveryKeyTypo(key: string): string | undefined {
  return checkRecoveryKey(key).problem ? 'That recovery key has a typo: check each group of four digits.' : undefined;
}
