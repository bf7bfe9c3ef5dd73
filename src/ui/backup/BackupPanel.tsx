import { useEffect, useState } from 'preact/hooks';
import { checkRecoveryKey, generateRecoveryKey } from '../../core/recovery-key.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { BackupItem, Output, SkippedItem } from '../../worker/protocol.ts';
import { type ProgressState, ProgressView } from '../progress/ProgressView.tsx';
import { coffer } from '../shared/client.ts';
import { removeItem } from '../shared/collect.ts';
import { downloadBlob, newTempName, opfsFile, removeTemp } from '../shared/download.ts';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { formatBytes } from '../shared/format.ts';
import { type FriendlyError, friendlyError } from '../shared/messages.ts';
import { measureStrength, type Strength } from '../shared/strength.ts';
import { DevicePassphrase } from '../vault/DevicePassphrase.tsx';
import type { StoredBackup } from '../vault/db.ts';
import { loadSettings, type Settings, saveSettings } from '../vault/db.ts';
import { markBackedUp } from '../vault/folders.ts';
import {
  hasRememberedKey,
  isDeviceUnlocked,
  recallRecoveryKey,
  rememberRecoveryKey,
  WrongDevicePassphrase,
} from '../vault/remembered-key.ts';
import { beginStore, finishStore, NotEnoughSpace, removeStored, storedFile } from '../vault/vault.ts';
import { RecoveryKeyCard } from './RecoveryKeyCard.tsx';
import { SkippedNotice } from './SkippedNotice.tsx';

type KeyChoice = 'none' | 'new' | 'existing' | 'remembered';

interface Done {
  name: string;
  size: number;
  entries: number;
  verified: boolean;
  kept: boolean;
  skipped: SkippedItem[];
}

export interface BackupPanelProps {
  items: BackupItem[];
  onItemsChange: (items: BackupItem[]) => void;
}

function suggestedName(): string {
  return `backup-${new Date().toISOString().slice(0, 10)}.coffer`;
}

function topLevelNames(items: BackupItem[]): string[] {
  return [...new Set(items.map((item) => item.path.split('/')[0]))];
}

function lastDigits(key: string): string {
  return key.slice(-8);
}

export function BackupPanel({ items, onItemsChange }: BackupPanelProps) {
  const [usePassphrase, setUsePassphrase] = useState(true);
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [strength, setStrength] = useState<Strength>();
  const [keyChoice, setKeyChoice] = useState<KeyChoice>('none');
  const [newKey, setNewKey] = useState('');
  const [keyConfirmation, setKeyConfirmation] = useState('');
  const [existingKey, setExistingKey] = useState('');
  const [strong, setStrong] = useState(false);
  const [compress, setCompress] = useState(true);
  const [verify, setVerify] = useState(true);
  const [progress, setProgress] = useState<ProgressState>();
  const [error, setError] = useState<FriendlyError>();
  const [problem, setProblem] = useState('');
  const [done, setDone] = useState<Done>();
  const [keep, setKeep] = useState(false);
  const [remember, setRemember] = useState(false);
  const [canRecall, setCanRecall] = useState(false);
  const [devicePassphrase, setDevicePassphrase] = useState('');
  const [deviceStrength, setDeviceStrength] = useState<Strength>();

  useEffect(() => {
    loadSettings().then((settings) => {
      setStrong(settings.kdf === 'strong');
      setCompress(settings.compress);
      setVerify(settings.verify);
    });
    hasRememberedKey().then(setCanRecall);
  }, []);

  /** Remembers a choice from the form for next time (settings persist across visits). */
  const persist = async (change: Partial<Settings>) => {
    await saveSettings({ ...(await loadSettings()), ...change });
  };

  useEffect(() => {
    let current = true;
    if (!passphrase) setStrength(undefined);
    else measureStrength(passphrase).then((result) => current && setStrength(result));
    return () => {
      current = false;
    };
  }, [passphrase]);

  useEffect(() => {
    if (keyChoice === 'new' && !newKey) setNewKey(generateRecoveryKey());
  }, [keyChoice, newKey]);

  const total = items.reduce((sum, item) => sum + (item.file?.size ?? 0), 0);
  const fileCount = items.filter((item) => item.type === 'file').length;

  function validate(): string | undefined {
    if (items.length === 0) return 'Add at least one file or folder first.';
    if (!usePassphrase && keyChoice === 'none') return 'Choose a passphrase, a recovery key, or both.';
    if (usePassphrase) {
      if (!passphrase) return 'Type a passphrase, or untick "Lock with a passphrase".';
      if (passphrase !== confirmation) return 'The two passphrases are not the same.';
      if (!strength) return 'Checking the passphrase strength…';
      if (!strength.acceptable) {
        return `This passphrase is too easy to guess${strength.warning ? `: ${strength.warning}` : ''}. Try a longer phrase of several unrelated words.`;
      }
    }
    if (keyChoice === 'new') {
      const typed = keyConfirmation.replace(/[\s-]/g, '');
      if (typed !== newKey && typed !== lastDigits(newKey)) {
        return 'Type the last 8 digits of the new recovery key to confirm you have saved it.';
      }
    }
    if (keyChoice === 'existing') {
      const { problem } = checkRecoveryKey(existingKey);
      if (problem) return 'That recovery key has a typo: check each group of four digits.';
    }
    return validateDevicePassphrase();
  }

  function validateDevicePassphrase(): string | undefined {
    if (isDeviceUnlocked()) return undefined;
    if (keyChoice === 'remembered' && !devicePassphrase) return 'Type the device passphrase.';
    if (remember && (keyChoice === 'new' || keyChoice === 'existing')) {
      if (!devicePassphrase) return 'Choose a device passphrase to protect the remembered key.';
      if (!deviceStrength) return 'Checking the device passphrase strength…';
      if (!deviceStrength.acceptable)
        return 'This device passphrase is too easy to guess: try several unrelated words.';
    }
    return undefined;
  }

  /** Where a picker exists, the person chooses the file first (it needs the click's gesture). */
  async function pickSaveTarget(): Promise<FileSystemFileHandle | undefined> {
    const picker = (window as { showSaveFilePicker?: (options: object) => Promise<FileSystemFileHandle> })
      .showSaveFilePicker;
    return picker?.({
      suggestedName: suggestedName(),
      types: [{ description: 'Coffer backup', accept: { 'application/octet-stream': ['.coffer'] } }],
    });
  }

  async function chosenRecoveryKey(): Promise<string | undefined> {
    if (keyChoice === 'new') return newKey;
    if (keyChoice === 'existing') return existingKey;
    if (keyChoice === 'remembered') return recallRecoveryKey(devicePassphrase || undefined);
    return undefined;
  }

  async function start(event: Event) {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const reason = validate();
    setProblem(reason ?? '');
    if (reason) return;
    let handle: FileSystemFileHandle | undefined;
    try {
      handle = await pickSaveTarget();
    } catch {
      return; // The person closed the save dialog.
    }
    const name = handle?.name ?? suggestedName();
    let recoveryKey: string | undefined;
    try {
      recoveryKey = await chosenRecoveryKey();
    } catch (failure) {
      if (!(failure instanceof WrongDevicePassphrase)) throw failure;
      setProblem(failure.message);
      return;
    }
    let stored: StoredBackup | undefined;
    let temp: string | undefined;
    try {
      if (keep) {
        stored = await beginStore({
          name,
          sources: topLevelNames(items),
          unlock: [
            ...(usePassphrase ? (['passphrase'] as const) : []),
            ...(recoveryKey ? (['recovery-key'] as const) : []),
          ],
          // Stored data never grows: the bound is the inputs plus headers, index and tags.
          maxSize: Math.ceil(total * 1.001) + items.length * 4200 + 65536,
        });
      }
      if (!stored && !handle) temp = await newTempName('backup');
      const output: Output = stored
        ? { kind: 'opfs', name: stored.fileName }
        : handle
          ? { kind: 'handle', handle }
          : { kind: 'opfs', name: temp as string };
      setProgress({
        progress: { bytesDone: 0, bytesTotal: total, currentPath: '', phase: 'deriving-key' },
        startedAt: performance.now(),
      });
      const result = await coffer.run(
        {
          type: 'create',
          items,
          passphrase: usePassphrase ? passphrase : undefined,
          recoveryKey,
          kdf: strong ? 'strong' : 'default',
          compress,
          verify,
          output,
        },
        (update) => setProgress((state) => state && { ...state, progress: update }),
      );
      if (result.type !== 'created') throw new Error('unexpected result');
      if (stored) {
        stored = await finishStore(stored, result.size, result.entries);
        const file = await storedFile(stored);
        if (handle) await file.stream().pipeTo(await handle.createWritable());
        else downloadBlob(file, name);
      } else if (temp) {
        downloadBlob(await opfsFile(temp), name);
      }
      await markBackedUp(topLevelNames(items));
      if (remember && recoveryKey && keyChoice !== 'remembered') {
        await rememberRecoveryKey(recoveryKey, isDeviceUnlocked() ? undefined : devicePassphrase);
        setCanRecall(true);
      }
      setDone({
        name,
        size: result.size,
        entries: result.entries,
        verified: result.verified,
        kept: Boolean(stored),
        skipped: result.skipped,
      });
    } catch (failure) {
      if (stored) await removeStored(stored);
      if (temp) await removeTemp(temp);
      setError(
        failure instanceof NotEnoughSpace
          ? {
              headline: 'Not enough space on this device to keep a copy.',
              detail: `This backup may need up to ${formatBytes(failure.needed)}, and ${formatBytes(failure.available)} is free for Coffer. Nothing was written.`,
              advice: 'Untick "Keep a copy on this device", or delete backups kept here, and try again.',
            }
          : friendlyError(failure as WorkerError),
      );
    } finally {
      setProgress(undefined);
    }
  }

  function cancel() {
    coffer.cancel();
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
                  {item.type === 'dir' ? '📁 ' : ''}
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
            {fileCount} {fileCount === 1 ? 'file' : 'files'}, {formatBytes(total)} in all
          </p>
        </div>
      )}

      <fieldset disabled={busy}>
        <legend>How to unlock it</legend>
        <label class="check">
          <input type="checkbox" checked={usePassphrase} onChange={(e) => setUsePassphrase(e.currentTarget.checked)} />
          Lock with a passphrase
        </label>
        {usePassphrase && (
          <div class="fields">
            <label>
              Passphrase
              <input
                type="password"
                autocomplete="new-password"
                value={passphrase}
                onInput={(e) => setPassphrase(e.currentTarget.value)}
              />
            </label>
            {strength && (
              <p class={`strength strength-${strength.score}`} aria-live="polite">
                <meter min={0} max={4} value={strength.score} aria-label="Passphrase strength" />
                {strength.acceptable ? 'Strong enough' : 'Too weak'} — an attacker with fast hardware would need about{' '}
                {strength.crackTime} to guess it.
                {strength.warning && ` ${strength.warning}.`}
              </p>
            )}
            <label>
              Confirm passphrase
              <input
                type="password"
                autocomplete="new-password"
                value={confirmation}
                onInput={(e) => setConfirmation(e.currentTarget.value)}
              />
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={strong}
                onChange={(e) => {
                  setStrong(e.currentTarget.checked);
                  void persist({ kdf: e.currentTarget.checked ? 'strong' : 'default' });
                }}
              />
              Extra-strong key derivation (slower to unlock, harder to guess)
            </label>
          </div>
        )}
        <div class="radios" role="radiogroup" aria-label="Second way to unlock">
          <label class="check">
            <input type="radio" name="key" checked={keyChoice === 'none'} onChange={() => setKeyChoice('none')} />
            No recovery key
          </label>
          <label class="check">
            <input type="radio" name="key" checked={keyChoice === 'new'} onChange={() => setKeyChoice('new')} />
            Make a new recovery key
          </label>
          <label class="check">
            <input
              type="radio"
              name="key"
              checked={keyChoice === 'existing'}
              onChange={() => setKeyChoice('existing')}
            />
            Use a recovery key I already have
          </label>
          {canRecall && (
            <label class="check">
              <input
                type="radio"
                name="key"
                checked={keyChoice === 'remembered'}
                onChange={() => setKeyChoice('remembered')}
              />
              Use the recovery key remembered on this device
            </label>
          )}
        </div>
        {keyChoice === 'remembered' && !isDeviceUnlocked() && (
          <DevicePassphrase mode="unlock" value={devicePassphrase} onInput={setDevicePassphrase} />
        )}
        {keyChoice === 'new' && newKey && (
          <div class="fields">
            <RecoveryKeyCard recoveryKey={newKey} sources={topLevelNames(items)} />
            <label>
              Type its last 8 digits to confirm you saved it
              <input
                inputMode="numeric"
                autocomplete="off"
                value={keyConfirmation}
                onInput={(e) => setKeyConfirmation(e.currentTarget.value)}
              />
            </label>
          </div>
        )}
        {keyChoice === 'existing' && (
          <div class="fields">
            <label>
              Recovery key
              <input
                inputMode="numeric"
                autocomplete="off"
                spellcheck={false}
                value={existingKey}
                onInput={(e) => setExistingKey(e.currentTarget.value)}
              />
            </label>
          </div>
        )}
        {(keyChoice === 'new' || keyChoice === 'existing') && (
          <label class="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
            Remember my recovery key on this device (encrypted with a device passphrase you choose)
          </label>
        )}
        {remember && (keyChoice === 'new' || keyChoice === 'existing') && !isDeviceUnlocked() && (
          <DevicePassphrase
            mode="set"
            value={devicePassphrase}
            onInput={setDevicePassphrase}
            onStrength={setDeviceStrength}
          />
        )}
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
          <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.currentTarget.checked)} />
          Keep a copy on this device
        </label>
      </fieldset>

      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {progress ? (
        <ProgressView state={progress} onCancel={cancel} />
      ) : (
        <button type="submit" class="primary">
          Create backup
        </button>
      )}
      {done && (
        <div class="notice success" role="status">
          <p class="notice-headline">Backup ready: {done.name}</p>
          <p>
            {done.entries} {done.entries === 1 ? 'entry' : 'entries'}, {formatBytes(done.size)}.{' '}
            {done.verified ? 'Read back and checked: every byte is intact.' : 'Not checked after writing.'}
            {done.kept && ' A copy is kept on this device.'}
          </p>
        </div>
      )}
      {done && <SkippedNotice skipped={done.skipped} />}
    </form>
  );
}
