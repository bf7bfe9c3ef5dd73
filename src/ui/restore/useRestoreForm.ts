/** What is typed in the Open tab: the passphrase, the recovery key (checked as typed) and the filter. */
import { useState } from 'preact/hooks';
import type { SlotInfo } from '../../worker/protocol.ts';
import { hasKeyTypo, keyTypoMessage } from './restore-flow.ts';

export function useRestoreForm(slots: SlotInfo[] | undefined) {
  const [passphrase, setPassphrase] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [filter, setFilter] = useState('');
  const keyTypo = hasKeyTypo(recoveryKey);
  return {
    passphrase,
    setPassphrase,
    recoveryKey,
    setRecoveryKey,
    filter,
    setFilter,
    keyTypo,
    keyTypoText: keyTypo ? keyTypoMessage(recoveryKey) : '',
    hasPassphraseSlot: slots?.some((slot) => slot.type === 'passphrase'),
    hasKeySlot: slots?.some((slot) => slot.type === 'recovery-key'),
  };
}
