import { useState } from 'preact/hooks';
import { RecoveryKeyInput } from '../shared/RecoveryKeyInput.tsx';
import { freshKey, type KeyChoice, type PendingForm } from './pending.ts';
import { RecoveryKeyCard } from './RecoveryKeyCard.tsx';

export interface BackupKeyFieldsProps {
  form: PendingForm;
  update: (change: Partial<PendingForm>) => void;
  sources: string[];
  canRecall: boolean;
}

/** The second way to unlock: none, a new recovery key (shown, saved, confirmed), or one they have. */
export function BackupKeyFields({ form, update, sources, canRecall }: BackupKeyFieldsProps) {
  const [confirming, setConfirming] = useState(false);
  const choice = (value: KeyChoice, label: string) => (
    <label class="check">
      <input type="radio" name="key" checked={form.keyChoice === value} onChange={() => update({ keyChoice: value })} />
      {label}
    </label>
  );
  return (
    <>
      <div class="radios" role="radiogroup" aria-label="Second way to unlock">
        {choice('none', 'No recovery key')}
        {choice('new', 'Make a new recovery key')}
        {choice('existing', 'Use a recovery key I already have')}
        {canRecall && choice('remembered', 'Use the recovery key remembered on this device')}
      </div>
      {form.keyChoice === 'new' && form.newKey && (
        <div class="fields">
          <RecoveryKeyCard
            recoveryKey={form.newKey}
            sources={sources}
            concealed={confirming}
            onShow={() => setConfirming(false)}
            onNewKey={() => {
              setConfirming(false);
              update(freshKey());
            }}
          />
          <label>
            Type its last 8 digits to confirm you saved it
            <input
              inputMode="numeric"
              autocomplete="off"
              value={form.keyConfirmation}
              onFocus={() => setConfirming(true)}
              onInput={(e) => {
                setConfirming(true);
                update({ keyConfirmation: e.currentTarget.value });
              }}
            />
          </label>
        </div>
      )}
      {form.keyChoice === 'existing' && (
        <div class="fields">
          <RecoveryKeyInput value={form.existingKey} onInput={(existingKey) => update({ existingKey })} />
        </div>
      )}
      {(form.keyChoice === 'new' || form.keyChoice === 'existing') && (
        <label class="check">
          <input
            type="checkbox"
            checked={form.remember}
            onChange={(e) => update({ remember: e.currentTarget.checked })}
          />
          Remember my recovery key on this device (encrypted: a copy of the browser's files alone cannot open it)
        </label>
      )}
      {form.remember && (form.keyChoice === 'new' || form.keyChoice === 'existing') && (
        <div class="radios" role="radiogroup" aria-label="Protect the remembered key with">
          <label class="check">
            <input
              type="radio"
              name="remember-with"
              checked={form.rememberWith === 'device-passphrase'}
              onChange={() => update({ rememberWith: 'device-passphrase' })}
            />
            A device passphrase (asked once per visit)
          </label>
          <label class="check">
            <input
              type="radio"
              name="remember-with"
              checked={form.rememberWith === 'passkey'}
              onChange={() => update({ rememberWith: 'passkey' })}
            />
            A passkey (your fingerprint, face or PIN; no second passphrase)
          </label>
        </div>
      )}
    </>
  );
}
