/** "Unlock with passkey", shown in the restore screen when the backup has a passkey slot. */
import type { SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import { unlockPasskey } from './passkey.ts';

export function PasskeyUnlock(props: {
  slots: SlotInfo[];
  disabled: boolean;
  onCredentials: (credentials: UnlockCredentials) => void;
  onError: (error: Error) => void;
}) {
  if (!props.slots.some((slot) => slot.type === 'passkey')) return null;
  const click = async () => {
    try {
      props.onCredentials({ passkey: await unlockPasskey(props.slots) });
    } catch (error) {
      props.onError(error as Error);
    }
  };
  return (
    <button type="button" class="secondary" disabled={props.disabled} onClick={click}>
      Unlock with passkey
    </button>
  );
}
