/**
 * "Change how it unlocks" for an opened backup: change or remove the passphrase, add a new or an
 * existing recovery key, remove the recovery key. The result is a new .coffer file whose payload
 * is the old file's, byte for byte (a Blob slice: nothing is re-encrypted or even read), or, for a
 * copy opened from "On this device", that stored copy replaced atomically (vault.ts).
 */
import type { SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import { RecoveryKeyCard } from '../backup/RecoveryKeyCard.tsx';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { RecoveryKeyInput } from '../shared/RecoveryKeyInput.tsx';
import { useChangeUnlockFlow } from './useChangeUnlockFlow.ts';
import { useChangeUnlockForm } from './useChangeUnlockForm.ts';

interface Props {
  file: File;
  credentials: UnlockCredentials;
  slots: SlotInfo[];
  /** Called when the person opens the form: what the panel said before is then out of date. */
  onOpen?: () => void;
}

export function ChangeUnlock({ file, credentials, slots, onOpen }: Props) {
  const form = useChangeUnlockForm(slots);
  const { open, setOpen, choices, update, strength, passkey, dropPasskeys, setDropPasskeys } = form;
  const { passkeySlots, hasPassphrase, hasKey } = form;
  const { busy, error, done, stored, apply, submit, addPasskey } = useChangeUnlockFlow(file, credentials, slots, form);

  if (!open) {
    return (
      <div class="row">
        <button
          type="button"
          class="secondary"
          aria-expanded="false"
          onClick={() => {
            onOpen?.();
            setOpen(true);
          }}
        >
          Change how it unlocks
        </button>
        {done && (
          <p class="notice success" role="status">
            {done}
          </p>
        )}
      </div>
    );
  }
  return (
    <section class="rekey" aria-labelledby="rekey-heading">
      <h3 id="rekey-heading">Change how it unlocks</h3>
      <p class="hint">
        {stored
          ? 'This replaces the copy on this device with one that unlocks differently: nothing is re-encrypted. Copies you downloaded or keep elsewhere keep opening the old way.'
          : 'This makes a new copy of the backup that unlocks differently, as fast as copying the file: nothing is re-encrypted. Copies you already have keep opening the old way.'}
      </p>
      <form class="fields" onSubmit={submit}>
        <fieldset disabled={busy}>
          <legend>Passphrase</legend>
          <Radio
            name="rekey-passphrase"
            checked={choices.passphrase === 'keep'}
            onPick={() => update({ passphrase: 'keep' })}
          >
            {hasPassphrase ? 'Keep the passphrase' : 'No passphrase'}
          </Radio>
          <Radio
            name="rekey-passphrase"
            checked={choices.passphrase === 'set'}
            onPick={() => update({ passphrase: 'set' })}
          >
            {hasPassphrase ? 'Change the passphrase' : 'Add a passphrase'}
          </Radio>
          {hasPassphrase && (
            <Radio
              name="rekey-passphrase"
              checked={choices.passphrase === 'remove'}
              onPick={() => update({ passphrase: 'remove' })}
            >
              Remove the passphrase
            </Radio>
          )}
          {choices.passphrase === 'set' && (
            <>
              <label>
                New passphrase
                <input
                  type="password"
                  autocomplete="new-password"
                  value={choices.newPassphrase}
                  onInput={(e) => update({ newPassphrase: e.currentTarget.value })}
                />
              </label>
              <label>
                Confirm new passphrase
                <input
                  type="password"
                  autocomplete="new-password"
                  value={choices.confirmation}
                  onInput={(e) => update({ confirmation: e.currentTarget.value })}
                />
              </label>
              {strength && (
                <p class={`strength strength-${strength.score}`} aria-live="polite">
                  {strength.acceptable ? 'Strong enough' : 'Too weak'}
                  {strength.warning && ` — ${strength.warning}.`}
                </p>
              )}
            </>
          )}
        </fieldset>
        <fieldset disabled={busy}>
          <legend>Recovery key</legend>
          <Radio name="rekey-key" checked={choices.key === 'keep'} onPick={() => update({ key: 'keep' })}>
            {hasKey ? 'Keep the recovery key' : 'No recovery key'}
          </Radio>
          <Radio name="rekey-key" checked={choices.key === 'new'} onPick={() => update({ key: 'new' })}>
            Add a new recovery key
          </Radio>
          <Radio name="rekey-key" checked={choices.key === 'existing'} onPick={() => update({ key: 'existing' })}>
            Add an existing recovery key
          </Radio>
          {hasKey && (
            <Radio name="rekey-key" checked={choices.key === 'remove'} onPick={() => update({ key: 'remove' })}>
              Remove the recovery key
            </Radio>
          )}
          {hasKey && (choices.key === 'new' || choices.key === 'existing') && (
            <p class="hint">The new key replaces the old one in the new copy.</p>
          )}
          {choices.key === 'new' && choices.newKey && (
            <>
              <RecoveryKeyCard recoveryKey={choices.newKey} sources={[file.name]} />
              <label>
                Type its last 8 digits to confirm you saved it
                <input
                  inputMode="numeric"
                  autocomplete="off"
                  value={choices.keyConfirmation}
                  onInput={(e) => update({ keyConfirmation: e.currentTarget.value })}
                />
              </label>
            </>
          )}
          {choices.key === 'existing' && (
            <RecoveryKeyInput
              label="Recovery key to add"
              value={choices.existingKey}
              onInput={(existingKey) => update({ existingKey })}
            />
          )}
        </fieldset>
        <fieldset disabled={busy}>
          <legend>Passkey</legend>
          <button type="button" class="secondary" onClick={addPasskey}>
            Add a passkey
          </button>
          {passkey && <p role="status">A new passkey will be added. It opens the backup only on this website.</p>}
          {passkeySlots.length > 0 && (
            <label class="check">
              <input
                type="checkbox"
                checked={dropPasskeys}
                onChange={(e) => setDropPasskeys(e.currentTarget.checked)}
              />
              {passkeySlots.length === 1 ? 'Remove the passkey' : `Remove the ${passkeySlots.length} passkeys`}
            </label>
          )}
        </fieldset>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : stored ? 'Replace the copy on this device' : 'Save the new backup'}
          </button>
          {stored && (
            <button type="button" class="secondary" disabled={busy} onClick={() => apply('file')}>
              Save as a new file instead
            </button>
          )}
          <button type="button" class="secondary" disabled={busy} onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </form>
      {error && <ErrorNotice error={error} />}
      {done && (
        <p class="notice success" role="status">
          {done}
        </p>
      )}
    </section>
  );
}

function Radio(props: { name: string; checked: boolean; onPick: () => void; children: preact.ComponentChildren }) {
  return (
    <label class="check">
      <input type="radio" name={props.name} checked={props.checked} onChange={props.onPick} />
      {props.children}
    </label>
  );
}
