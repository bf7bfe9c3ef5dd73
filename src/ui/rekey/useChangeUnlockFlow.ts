/** What the "Change how it unlocks" buttons do, wired to the worker, this device's storage and the save dialog. */
import type { SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import { coffer } from '../shared/client.ts';
import { useMergedState } from '../shared/merged-state.ts';
import { openedFrom, replaceStored } from '../vault/vault.ts';
import { createPasskey } from './passkey.ts';
import { applyRekey, IDLE, type RekeySteps } from './rekey-flow.ts';
import { saveRekeyed } from './save.ts';
import type { ChangeUnlockForm } from './useChangeUnlockForm.ts';

const BROWSER_STEPS: RekeySteps = {
  rekey: (command) => coffer.run(command),
  replaceStored,
  saveRekeyed,
};

export function useChangeUnlockFlow(
  file: File,
  credentials: UnlockCredentials,
  slots: SlotInfo[],
  form: ChangeUnlockForm,
) {
  const [state, report] = useMergedState(IDLE);
  /** Set when the backup was opened from this device's storage: then that copy is what changes. */
  const stored = openedFrom(file);

  async function apply(target: 'device' | 'file') {
    const input = { file, credentials, slots, stored, ...form };
    if (await applyRekey(input, target, BROWSER_STEPS, report)) form.reset();
  }

  async function submit(event: Event) {
    event.preventDefault();
    await apply(stored ? 'device' : 'file');
  }

  async function addPasskey() {
    report({ error: undefined });
    try {
      form.setPasskey(await createPasskey());
    } catch (failure) {
      report({ error: { headline: 'No passkey was added.', detail: (failure as Error).message } });
    }
  }

  return { ...state, stored, apply, submit, addPasskey };
}
