/** The "Change how it unlocks" form: open or closed, the choices, a passkey to add, passkeys to drop. */
import { useEffect, useState } from 'preact/hooks';
import { generateRecoveryKey } from '../../core/recovery-key.ts';
import type { SlotInfo } from '../../worker/protocol.ts';
import { useStrength } from '../shared/useStrength.ts';
import type { NewPasskey } from './passkey.ts';
import { type Choices, INITIAL } from './plan.ts';

export function useChangeUnlockForm(slots: SlotInfo[]) {
  const [open, setOpen] = useState(false);
  const [choices, setChoices] = useState<Choices>(INITIAL);
  const [passkey, setPasskey] = useState<NewPasskey>();
  // Removing passkeys removes every passkey slot; a passphrase or recovery key always stays.
  const [dropPasskeys, setDropPasskeys] = useState(false);
  const strength = useStrength(choices.newPassphrase);
  const update = (change: Partial<Choices>) => setChoices((old) => ({ ...old, ...change }));

  useEffect(() => {
    if (choices.key === 'new' && !choices.newKey) update({ newKey: generateRecoveryKey() });
  }, [choices.key]);

  /** After a save: the next change starts from the defaults. */
  function reset() {
    setChoices(INITIAL);
    setPasskey(undefined);
    setDropPasskeys(false);
  }

  return {
    open,
    setOpen,
    choices,
    update,
    strength,
    passkey,
    setPasskey,
    dropPasskeys,
    setDropPasskeys,
    reset,
    passkeySlots: slots.filter((slot) => slot.type === 'passkey'),
    hasPassphrase: slots.some((slot) => slot.type === 'passphrase'),
    hasKey: slots.some((slot) => slot.type === 'recovery-key'),
  };
}

export type ChangeUnlockForm = ReturnType<typeof useChangeUnlockForm>;
