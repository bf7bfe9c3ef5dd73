import { useEffect, useState } from 'preact/hooks';
import { checkRecoveryKey } from '../../core/recovery-key.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { BackupItem } from '../../worker/protocol.ts';
import { type ProgressState, ProgressView } from '../progress/ProgressView.tsx';
import { coffer } from '../shared/client.ts';
import { removeItem } from '../shared/collect.ts';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { formatBytes } from '../shared/format.ts';
import { type FriendlyError, friendlyError } from '../shared/messages.ts';
import { measureStrength, type Strength } from '../shared/strength.ts';
import { hasPrivateStorage } from '../shared/temp-output.ts';
import { DevicePassphrase } from '../vault/DevicePassphrase.tsx';
import { loadSettings, type Settings, saveSettings } from '../vault/db.ts';
import {
  isDeviceUnlocked,
  PasskeyDidNotAnswer,
  recallRecoveryKey,
  rememberedKeyMethod,
  rememberRecoveryKey,
  rememberRecoveryKeyWithPasskey,
  WrongDevicePassphrase,
} from '../vault/remembered-key.ts';

type RememberedMethod = Awaited<ReturnType<typeof rememberedKeyMethod>>;

import { NotEnoughSpace } from '../vault/vault.ts';
import { BackupDoneNotice } from './BackupDoneNotice.tsx';
import { BackupKeyFields } from './BackupKeyFields.tsx';
import { type BackupDone, makeBackup, pickSaveTarget } from './flow.ts';
import { countWords, topLevelNames } from './naming.ts';
import { PasskeyField } from './PasskeyField.tsx';
import { PassphraseFields } from './PassphraseFields.tsx';
import { clearSecrets, type PendingForm, usePendingForm } from './pending.ts';
import { SkippedNotice } from './SkippedNotice.tsx';

export interface BackupPanelProps {
  items: BackupItem[];
  onItemsChange: (items: BackupItem[]) => void;
}

function lastDigits(key: string): string {
  return key.slice(-8);
}

function validate(items: BackupItem[], form: PendingForm, strength: Strength | undefined): string | undefined {
  if (items.length === 0) return 'Add at least one file or folder first.';
  if (!form.usePassphrase && form.keyChoice === 'none') {
    // A passkey belongs to one website and one device or account: losing it must not lose the data.
    if (form.passkey) return 'A passkey cannot be the only way in: also choose a passphrase or a recovery key.';
    return 'Choose a passphrase, a recovery key, or both.';
  }
  if (form.usePassphrase) {
    if (!form.passphrase) return 'Type a passphrase, or untick "Lock with a passphrase".';
    if (form.passphrase !== form.confirmation) return 'The two passphrases are not the same.';
    if (!strength) return 'Checking the passphrase strength…';
    if (!strength.acceptable) {
      return `This passphrase is too easy to guess${strength.warning ? `: ${strength.warning}` : ''}. Try a longer phrase of several unrelated words.`;
    }
  }
  if (form.keyChoice === 'new') {
    const typed = form.keyConfirmation.replace(/[\s-]/g, '');
    if (typed !== form.newKey && typed !== lastDigits(form.newKey)) {
      return 'Type the last 8 digits of the new recovery key to confirm you have saved it.';
    }
  }
  if (form.keyChoice === 'existing' && checkRecoveryKey(form.existingKey).problem) {
    return 'That recovery key has a typo: check each group of four digits.';
  }
  return undefined;
}

function validateDevicePassphrase(
  form: PendingForm,
  devicePassphrase: string,
  deviceStrength: Strength | undefined,
  rememberedWith: RememberedMethod,
): string | undefined {
  if (isDeviceUnlocked()) return undefined;
  if (form.keyChoice === 'remembered' && rememberedWith === 'device-passphrase' && !devicePassphrase)
    return 'Type the device passphrase.';
  if (
    form.remember &&
    form.rememberWith === 'device-passphrase' &&
    (form.keyChoice === 'new' || form.keyChoice === 'existing')
  ) {
    if (!devicePassphrase) return 'Choose a device passphrase to protect the remembered key.';
    if (!deviceStrength) return 'Checking the device passphrase strength…';
    if (!deviceStrength.acceptable) return 'This device passphrase is too easy to guess: try several unrelated words.';
  }
  return undefined;
}

function spaceError(failure: NotEnoughSpace): FriendlyError {
  return {
    headline: 'Not enough space on this device to keep a copy.',
    detail: `This backup may need up to ${formatBytes(failure.needed)}, and ${formatBytes(failure.available)} is free for Coffer. Nothing was written.`,
    advice: 'Untick "Keep a copy on this device", or delete backups kept here, and try again.',
  };
}

/** Spec 11: 10% parity, 5 parity shards per stripe of 50 chunks of 256 KiB. */
const PARITY_PERCENT = 10;

export function BackupPanel({ items, onItemsChange }: BackupPanelProps) {
  const [form, update] = usePendingForm();
  const [strength, setStrength] = useState<Strength>();
  const [strong, setStrong] = useState(false);
  const [compress, setCompress] = useState(true);
  const [verify, setVerify] = useState(true);
  const [parity, setParity] = useState(false);
  const [progress, setProgress] = useState<ProgressState>();
  const [error, setError] = useState<FriendlyError>();
  const [cancelled, setCancelled] = useState(false);
  const [problem, setProblem] = useState('');
  const [done, setDone] = useState<BackupDone>();
  const [rememberedWith, setRememberedWith] = useState<RememberedMethod>();
  const canRecall = rememberedWith !== undefined;
  const [devicePassphrase, setDevicePassphrase] = useState('');
  const [deviceStrength, setDeviceStrength] = useState<Strength>();
  const [canKeep, setCanKeep] = useState(true);

  useEffect(() => {
    loadSettings().then((settings) => {
      setStrong(settings.kdf === 'strong');
      setCompress(settings.compress);
      setVerify(settings.verify);
    });
    rememberedKeyMethod().then(setRememberedWith);
    hasPrivateStorage().then(setCanKeep);
  }, []);

  /** Remembers a choice from the form for next time (settings persist across visits). */
  const persist = async (change: Partial<Settings>) => {
    await saveSettings({ ...(await loadSettings()), ...change });
  };

  useEffect(() => {
    let current = true;
    if (!form.passphrase) setStrength(undefined);
    else measureStrength(form.passphrase).then((result) => current && setStrength(result));
    return () => {
      current = false;
    };
  }, [form.passphrase]);

  // A complaint about the form goes as soon as what it complained about has changed.
  useEffect(() => setProblem(''), [items, form]);

  const total = items.reduce((sum, item) => sum + (item.file?.size ?? 0), 0);
  const fileCount = items.filter((item) => item.type === 'file').length;
  const folderCount = items.length - fileCount;
  const sources = topLevelNames(items.map((item) => item.path));

  async function chosenRecoveryKey(): Promise<string | undefined> {
    if (form.keyChoice === 'new') return form.newKey;
    if (form.keyChoice === 'existing') return form.existingKey;
    if (form.keyChoice === 'remembered') return recallRecoveryKey(devicePassphrase || undefined);
    return undefined;
  }

  async function start(event: Event) {
    event.preventDefault();
    setError(undefined);
    setCancelled(false);
    setDone(undefined);
    const reason =
      validate(items, form, strength) ??
      validateDevicePassphrase(form, devicePassphrase, deviceStrength, rememberedWith);
    setProblem(reason ?? '');
    if (reason) return;
    let handle: FileSystemFileHandle | undefined;
    try {
      handle = await pickSaveTarget(items);
    } catch {
      return; // The person closed the save dialog.
    }
    let recoveryKey: string | undefined;
    try {
      recoveryKey = await chosenRecoveryKey();
    } catch (failure) {
      if (!(failure instanceof WrongDevicePassphrase || failure instanceof PasskeyDidNotAnswer)) throw failure;
      setProblem(failure.message);
      return;
    }
    setProgress({
      progress: { bytesDone: 0, bytesTotal: total, currentPath: '', phase: 'deriving-key' },
      startedAt: performance.now(),
    });
    try {
      const request = {
        items,
        passphrase: form.usePassphrase ? form.passphrase : undefined,
        recoveryKey,
        passkey: form.passkey,
        strong,
        compress,
        verify,
        keep: form.keep && canKeep,
        parity: parity ? PARITY_PERCENT : undefined,
      };
      const result = await makeBackup(request, handle, (update) =>
        setProgress((state) => state && { ...state, progress: update }),
      );
      if (form.remember && recoveryKey && form.keyChoice !== 'remembered') {
        try {
          if (form.rememberWith === 'passkey') await rememberRecoveryKeyWithPasskey(recoveryKey);
          else await rememberRecoveryKey(recoveryKey, isDeviceUnlocked() ? undefined : devicePassphrase);
          setRememberedWith(form.rememberWith);
        } catch (failure) {
          setError({
            headline: 'The backup was made, but the recovery key was not remembered.',
            detail: (failure as Error).message,
          });
        }
      }
      // The backup is made: its key and passphrase are done with, the next backup starts fresh.
      update(clearSecrets());
      setDone(result);
    } catch (failure) {
      if ((failure as WorkerError).code === 'cancelled') setCancelled(true);
      else setError(failure instanceof NotEnoughSpace ? spaceError(failure) : friendlyError(failure as WorkerError));
    } finally {
      setProgress(undefined);
    }
  }

  const busy = progress !== undefined;
  return (
    <form class="panel" onSubmit={start} aria-labelledby="backup-heading">
      <h2 id="backup-heading">Make a backup</h2>
      {items.length === 0 && <p class="hint">Add files or folders above, or drop them anywhere on this page.</p>}
      {items.length > 0 && (
        <div class="items">
          <ul aria-label="Files to back up">
            {items.map((item) => (
              <li key={item.path}>
                <span class="item-path">
                  {item.type === 'dir' && <span class="icon icon-folder" aria-hidden="true" />}
                  {item.path}
                </span>
                <span class="item-size">{item.file ? formatBytes(item.file.size) : ''}</span>
                <button
                  type="button"
                  class="link"
                  aria-label={`Remove ${item.path}`}
                  disabled={busy}
                  onClick={() => onItemsChange(removeItem(items, item.path))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p class="total">
            {countWords(fileCount, folderCount)}, {formatBytes(total)} in all
          </p>
        </div>
      )}

      <fieldset disabled={busy}>
        <legend>How to unlock it</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={form.usePassphrase}
            onChange={(e) => update({ usePassphrase: e.currentTarget.checked })}
          />
          Lock with a passphrase
        </label>
        {form.usePassphrase && (
          <PassphraseFields
            form={form}
            update={update}
            strength={strength}
            strong={strong}
            onStrong={(value) => {
              setStrong(value);
              void persist({ kdf: value ? 'strong' : 'default' });
            }}
          />
        )}
        <BackupKeyFields form={form} update={update} sources={sources} canRecall={canRecall} />
        {form.keyChoice === 'remembered' && rememberedWith === 'device-passphrase' && !isDeviceUnlocked() && (
          <DevicePassphrase mode="unlock" value={devicePassphrase} onInput={setDevicePassphrase} />
        )}
        {form.remember &&
          form.rememberWith === 'device-passphrase' &&
          (form.keyChoice === 'new' || form.keyChoice === 'existing') &&
          !isDeviceUnlocked() && (
            <DevicePassphrase
              mode="set"
              value={devicePassphrase}
              onInput={setDevicePassphrase}
              onStrength={setDeviceStrength}
            />
          )}
        <PasskeyField form={form} update={update} />
        <p class="warning">
          Coffer never sees your passphrase or key. If you lose both, nobody can open this backup — not even us.
        </p>
      </fieldset>

      <fieldset disabled={busy}>
        <legend>Options</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={compress}
            onChange={(e) => {
              setCompress(e.currentTarget.checked);
              void persist({ compress: e.currentTarget.checked });
            }}
          />
          Compress files that shrink
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={verify}
            onChange={(e) => {
              setVerify(e.currentTarget.checked);
              void persist({ verify: e.currentTarget.checked });
            }}
          />
          Check the backup after writing it
        </label>
        <label class="check">
          <input type="checkbox" checked={parity} onChange={(e) => setParity(e.currentTarget.checked)} />
          Add repair data (about 10% larger: any 5 damaged blocks in each run of 55 can be repaired)
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={form.keep && canKeep}
            disabled={!canKeep}
            onChange={(e) => update({ keep: e.currentTarget.checked })}
          />
          Keep a copy on this device
          {!canKeep && ' (not possible in this browser: it gives Coffer no private storage here)'}
        </label>
      </fieldset>

      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {cancelled && (
        <p class="notice" role="status">
          Cancelled. Nothing was kept.
        </p>
      )}
      {progress ? (
        <ProgressView state={progress} onCancel={() => coffer.cancel()} />
      ) : (
        <button type="submit" class="primary">
          Create backup
        </button>
      )}
      {done && <BackupDoneNotice done={done} />}
      {done && <SkippedNotice skipped={done.skipped} />}
    </form>
  );
}
