/**
 * "Change how it unlocks" for an opened backup: change or remove the passphrase, add a new or an
 * existing recovery key, remove the recovery key. The result is a new .coffer file whose payload
 * is the old file's, byte for byte (a Blob slice: nothing is re-encrypted or even read), or, for a
 * copy opened from "On this device", that stored copy replaced atomically (vault.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { generateRecoveryKey } from '../../core/recovery-key.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import { RecoveryKeyCard } from '../backup/RecoveryKeyCard.tsx';
import { coffer } from '../shared/client.ts';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { type FriendlyError, friendlyError } from '../shared/messages.ts';
import { RecoveryKeyInput } from '../shared/RecoveryKeyInput.tsx';
import { measureStrength } from '../shared/strength.ts';
import type { UnlockMethod } from '../vault/db.ts';
import { openedFrom, replaceStored } from '../vault/vault.ts';
import { createPasskey, type NewPasskey } from './passkey.ts';
import { type Choices, describeAfter, INITIAL, kindsAfter, problem, request } from './plan.ts';
import { saveRekeyed } from './save.ts';

/** The catalogue's unlock kinds, in the order the vault lists them ('unknown' slots are not listed). */
const KNOWN: UnlockMethod[] = ['passphrase', 'recovery-key', 'passkey'];

interface Props {
  file: File;
  credentials: UnlockCredentials;
  slots: SlotInfo[];
}

export function ChangeUnlock({ file, credentials, slots }: Props) {
  const [open, setOpen] = useState(false);
  const [choices, setChoices] = useState<Choices>(INITIAL);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FriendlyError>();
  const [done, setDone] = useState('');
  const [passkey, setPasskey] = useState<NewPasskey>();
  // Removing passkeys removes every passkey slot; a passphrase or recovery key always stays.
  const [dropPasskeys, setDropPasskeys] = useState(false);
  const passkeySlots = slots.filter((slot) => slot.type === 'passkey');
  const update = (change: Partial<Choices>) => setChoices((old) => ({ ...old, ...change }));
  const hasPassphrase = slots.some((slot) => slot.type === 'passphrase');
  const hasKey = slots.some((slot) => slot.type === 'recovery-key');
  /** Set when the backup was opened from this device's storage: then that copy is what changes. */
  const stored = openedFrom(file);

  useEffect(() => {
    let current = true;
    if (choices.newPassphrase) {
      measureStrength(choices.newPassphrase).then((strength) => current && update({ strength }));
    } else update({ strength: undefined });
    return () => {
      current = false;
    };
  }, [choices.newPassphrase]);

  useEffect(() => {
    if (choices.key === 'new' && !choices.newKey) update({ newKey: generateRecoveryKey() });
  }, [choices.key]);

  async function submit(event: Event) {
    event.preventDefault();
    await apply(stored ? 'device' : 'file');
  }

  async function apply(target: 'device' | 'file') {
    setError(undefined);
    setDone('');
    const passkeyOnly = (passkey || dropPasskeys) && choices.passphrase === 'keep' && choices.key === 'keep';
    const reason = passkeyOnly ? undefined : problem(slots, choices);
    if (reason) {
      setError({ headline: reason, detail: '' });
      return;
    }
    setBusy(true);
    try {
      const name = `${file.name.replace(/\.coffer$/i, '')}-rekeyed.coffer`;
      const rekey = () =>
        coffer.run({
          type: 'rekey',
          file,
          credentials,
          changes: {
            ...request(choices),
            addPasskey: passkey,
            removePasskeys: dropPasskeys ? passkeySlots.map((slot) => slot.credentialId) : undefined,
          },
        });
      const opens = describeAfter(kindsAfter(slots, choices));
      let saved: string | undefined;
      if (target === 'device' && stored) {
        const result = await rekey();
        const unlock = KNOWN.filter((kind) => result.slots.some((slot) => slot.type === kind));
        try {
          await replaceStored(stored, result.header, result.oldHeaderLength, unlock);
        } catch (failure) {
          setError({ headline: 'The copy on this device was not replaced.', detail: (failure as Error).message });
          return;
        }
        saved = `Replaced the copy on this device: it opens with ${opens}, and holds the same files. Open it again from "On this device" to use it.`;
      } else {
        const savedName = await saveRekeyed(file, name, rekey);
        if (savedName) {
          saved =
            `Saved ${savedName}: it opens with ${opens}, and holds the same files. ` +
            'The old file still opens the old way: delete old copies you no longer want.';
        }
      }
      if (saved) {
        setDone(saved);
        setChoices(INITIAL);
        setPasskey(undefined);
        setDropPasskeys(false);
      }
    } catch (failure) {
      setError(friendlyError(failure as WorkerError));
    } finally {
      setBusy(false);
    }
  }

  async function addPasskey() {
    setError(undefined);
    try {
      setPasskey(await createPasskey());
    } catch (failure) {
      setError({ headline: 'No passkey was added.', detail: (failure as Error).message });
    }
  }

  if (!open) {
    return (
      <div class="row">
        <button type="button" class="secondary" aria-expanded="false" onClick={() => setOpen(true)}>
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
              {choices.strength && (
                <p class={`strength strength-${choices.strength.score}`} aria-live="polite">
                  {choices.strength.acceptable ? 'Strong enough' : 'Too weak'}
                  {choices.strength.warning && ` — ${choices.strength.warning}.`}
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
