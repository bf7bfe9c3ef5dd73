import { useState } from 'preact/hooks';
import { createPasskey } from '../rekey/passkey.ts';
import type { PendingForm } from './pending.ts';

export interface PasskeyFieldProps {
  form: PendingForm;
  update: (change: Partial<PendingForm>) => void;
}

/**
 * "Add a passkey" when making a backup (spec 3.4). The passkey is registered on the click, so a
 * browser or authenticator without PRF is told so before anything is written.
 */
export function PasskeyField({ form, update }: PasskeyFieldProps) {
  const [problem, setProblem] = useState('');
  async function add() {
    setProblem('');
    try {
      const passkey = await createPasskey();
      form.passkey?.prfOutput.fill(0);
      update({ passkey });
    } catch (failure) {
      setProblem(`No passkey was added. ${(failure as Error).message}`);
    }
  }
  function remove() {
    form.passkey?.prfOutput.fill(0);
    update({ passkey: undefined });
  }
  return (
    <div class="fields">
      {form.passkey ? (
        <>
          <p role="status">
            This backup will also open with the new passkey, only on this website. It still needs its passphrase or
            recovery key: a passkey alone is never the only way in.
          </p>
          <button type="button" class="link" onClick={remove}>
            Don't add the passkey
          </button>
        </>
      ) : (
        <button type="button" class="secondary" onClick={add}>
          Add a passkey
        </button>
      )}
      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
