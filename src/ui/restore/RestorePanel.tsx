import { useEffect, useState } from 'preact/hooks';
import { checkRecoveryKey } from '../../core/recovery-key.ts';
import { ChatReader } from '../../whatsapp/ui/chats/ChatReader.tsx';
import type { WorkerError } from '../../worker/client.ts';
import type { EntryInfo, SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import { type ProgressState, ProgressView } from '../progress/ProgressView.tsx';
import { ChangeUnlock } from '../rekey/ChangeUnlock.tsx';
import { PasskeyUnlock } from '../rekey/PasskeyUnlock.tsx';
import { coffer } from '../shared/client.ts';
import { newTempName } from '../shared/download.ts';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { formatBytes, formatDate } from '../shared/format.ts';
import { type FriendlyError, friendlyError } from '../shared/messages.ts';
import { RecoveryKeyInput } from '../shared/RecoveryKeyInput.tsx';
import { hasPrivateStorage, type TempOutput, tempOutput } from '../shared/temp-output.ts';
import { imageUrl, releaseImageUrl } from './preview.ts';
import { remember, rememberedFor } from './remembered.ts';
import { restoreEverything, type Salvaged } from './restore-all.ts';
import { RepairableNotice, SalvageResult } from './SalvageResult.tsx';
import { MAX_ROWS, previewKind, treeRows } from './tree.ts';

interface Unlocked {
  entries: EntryInfo[];
  totalSize: number;
  /** What opened it, for "Change how it unlocks". */
  credentials: UnlockCredentials;
}

interface Preview {
  path: string;
  kind: 'image' | 'text';
  url?: string;
  text?: string;
}

const CANCELLED = 'Cancelled. Nothing was kept.';

export function RestorePanel({ file }: { file?: File }) {
  const [slots, setSlots] = useState<SlotInfo[] | undefined>(rememberedFor(file)?.slots);
  const [passphrase, setPassphrase] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [unlocked, setUnlocked] = useState<Unlocked | undefined>(rememberedFor(file)?.unlocked);
  const [filter, setFilter] = useState('');
  const [progress, setProgress] = useState<ProgressState>();
  const [error, setError] = useState<FriendlyError>();
  const [status, setStatus] = useState('');
  const [preview, setPreview] = useState<Preview>();
  /** A WhatsApp msgstore.db from the backup, read in the tab (its temporary copy kept until replaced). */
  const [chats, setChats] = useState<{ source: { file: File; name: string }; release: () => void }>();
  /** The last restore or verify met damaged chunks: offer salvage (spec 10). */
  const [damaged, setDamaged] = useState(false);
  const [salvaged, setSalvaged] = useState<Salvaged>();
  const [repairable, setRepairable] = useState<string[]>();

  useEffect(() => {
    if (rememberedFor(file)?.slots) return; // Back from another tab: still open as it was.
    setSlots(undefined);
    setUnlocked(undefined);
    setError(undefined);
    setStatus('');
    setPreview(undefined);
    if (!file) return;
    coffer
      .run({ type: 'inspect', file })
      .then((result) => {
        setSlots(result.slots);
        remember({ file, slots: result.slots });
      })
      .catch((failure: WorkerError) => setError(friendlyError(failure)));
  }, [file]);

  useEffect(() => () => releaseImageUrl(preview?.url), [preview]);
  useEffect(() => () => chats?.release(), [chats]);
  // On a phone the preview opens below the list: bring it into view, or Preview seems to do nothing.
  useEffect(() => {
    if (preview) document.querySelector('.preview')?.scrollIntoView({ block: 'nearest' });
  }, [preview]);

  const keyTypo = recoveryKey.trim() !== '' && checkRecoveryKey(recoveryKey).problem !== undefined;
  const hasPassphraseSlot = slots?.some((slot) => slot.type === 'passphrase');
  const hasKeySlot = slots?.some((slot) => slot.type === 'recovery-key');

  async function run<T>(task: () => Promise<T>): Promise<T | undefined> {
    setError(undefined);
    setStatus('');
    setDamaged(false);
    setSalvaged(undefined);
    setRepairable(undefined);
    setProgress({
      progress: { bytesDone: 0, bytesTotal: unlocked?.totalSize ?? 0, currentPath: '', phase: 'reading' },
      startedAt: performance.now(),
    });
    try {
      return await task();
    } catch (failure) {
      // A cancel is what the person asked for: one neutral line, not a red alert.
      if ((failure as WorkerError).code === 'cancelled') setStatus(CANCELLED);
      else setError(friendlyError(failure as WorkerError));
      setDamaged((failure as WorkerError).code === 'payload_damaged');
      return undefined;
    } finally {
      setProgress(undefined);
    }
  }

  const onProgress = (update: ProgressState['progress']) =>
    setProgress((state) => state && { ...state, progress: update });

  async function unlock(event: Event) {
    event.preventDefault();
    if (!file) return;
    if (keyTypo) {
      setError(friendlyError(Object.assign(new Error(keyTypoMessage(recoveryKey)), { code: 'key_typo' })));
      return;
    }
    if (!passphrase && !recoveryKey.trim()) {
      setError({ headline: 'Type the passphrase or the recovery key first.', detail: '' });
      return;
    }
    await unlockWith({ passphrase: passphrase || undefined, recoveryKey: recoveryKey.trim() || undefined });
  }

  async function unlockWith(credentials: UnlockCredentials) {
    if (!file) return;
    const result = await run(() => coffer.run({ type: 'unlock', file, credentials }, onProgress));
    if (result) {
      const opened = { entries: result.entries, totalSize: result.totalSize, credentials };
      setUnlocked(opened);
      remember({ file, slots, unlocked: opened });
    }
  }

  async function verify() {
    const result = await run(() => coffer.run({ type: 'verify' }, onProgress));
    if (result?.repairs) setRepairable(result.repairs);
    else if (result) {
      setStatus(`Verified: all ${result.files} files (${formatBytes(result.bytes)}) are intact.`);
    }
  }

  /** A clean copy of a backup with parity (spec 11.5), saved like any download; the original is untouched. */
  async function repair() {
    // Named before the output's temporary file: naming one removes this tab's older ones.
    const paritySpill = (await hasPrivateStorage()) ? await newTempName('parity') : undefined;
    const temp = await run(() => tempOutput('file', 'The repaired backup', file?.size ?? 0));
    if (!temp) return;
    const result = await run(() => coffer.run({ type: 'repair', output: temp.output, paritySpill }, onProgress));
    if (result) {
      const name = `${(file?.name ?? 'backup').replace(/\.coffer$/i, '')}-repaired.coffer`;
      await temp.handOver(name);
      setStatus(`Repaired: saved a clean copy as ${name} (${formatBytes(result.size)}). ${result.repairs.join('; ')}.`);
    } else {
      await temp.discard();
    }
  }

  async function extractToTemp(entry: EntryInfo): Promise<{ blob: Blob; temp: TempOutput } | undefined> {
    const temp = await run(() => tempOutput('file', `"${entry.path.split('/').pop()}"`, entry.size));
    if (!temp) return undefined;
    const result = await run(() => coffer.run({ type: 'extract', path: entry.path, output: temp.output }, onProgress));
    if (!result) {
      await temp.discard();
      return undefined;
    }
    return { blob: await temp.file(), temp };
  }

  async function download(entry: EntryInfo) {
    const extracted = await extractToTemp(entry);
    if (!extracted) return;
    const name = entry.path.split('/').pop() ?? 'file';
    await extracted.temp.handOver(name);
    setStatus(`Saved "${name}" (${formatBytes(entry.size)}) to your downloads folder.`);
  }

  async function showPreview(entry: EntryInfo) {
    const kind = previewKind(entry);
    const extracted = kind && (await extractToTemp(entry));
    if (!kind || !extracted) return;
    try {
      if (kind === 'image') setPreview({ path: entry.path, kind, url: await imageUrl(extracted.blob) });
      else setPreview({ path: entry.path, kind, text: await extracted.blob.text() });
    } finally {
      await extracted.temp.discard();
    }
  }

  async function readChats(entry: EntryInfo) {
    const extracted = await extractToTemp(entry);
    if (!extracted) return;
    const name = entry.path.split('/').pop() ?? 'msgstore.db';
    const file = new File([extracted.blob], name, { type: 'application/octet-stream' });
    setChats({ source: { file, name }, release: extracted.temp.hold() });
  }

  function restoreAll(salvage = false) {
    return restoreEverything(
      {
        file,
        entries: unlocked?.entries ?? [],
        totalSize: unlocked?.totalSize ?? 0,
        run,
        onProgress,
        setStatus,
        setSalvaged,
      },
      salvage,
    );
  }

  const rows = unlocked ? treeRows(unlocked.entries, filter) : [];
  const busy = progress !== undefined;
  return (
    <section class="panel" aria-labelledby="restore-heading">
      <h2 id="restore-heading">Open a backup</h2>
      {!file && <p class="hint">Open a .coffer file above, or drop it anywhere on this page.</p>}
      {file && (
        <p class="file-name">
          {file.name} — {formatBytes(file.size)}
        </p>
      )}
      {slots && !unlocked && (
        <form class="fields" onSubmit={unlock}>
          <p>
            Opens with:{' '}
            {[hasPassphraseSlot && 'its passphrase', hasKeySlot && 'its recovery key'].filter(Boolean).join(' or ')}.
          </p>
          {hasPassphraseSlot && (
            <label>
              Passphrase
              <input
                type="password"
                autocomplete="current-password"
                value={passphrase}
                onInput={(e) => setPassphrase(e.currentTarget.value)}
              />
            </label>
          )}
          {hasKeySlot && <RecoveryKeyInput value={recoveryKey} onInput={setRecoveryKey} invalid={keyTypo} />}
          {keyTypo && (
            <p class="field-error" role="status">
              {keyTypoMessage(recoveryKey)}
            </p>
          )}
          {!busy && (
            <div class="row">
              <button type="submit" class="primary">
                Unlock
              </button>
              <PasskeyUnlock
                slots={slots}
                disabled={busy}
                onCredentials={unlockWith}
                onError={(failure) => setError(friendlyError(failure as WorkerError))}
              />
            </div>
          )}
        </form>
      )}
      {error && <ErrorNotice error={error} />}
      {unlocked && damaged && !busy && (
        <div class="row">
          {/* Distinct from Restore all: it restores only the intact files and lists the others. */}
          <button type="button" class="secondary" onClick={() => restoreAll(true)}>
            Restore what can be restored
          </button>
        </div>
      )}
      {salvaged && <SalvageResult {...salvaged} />}
      {repairable && <RepairableNotice repairs={repairable} onRepair={repair} busy={busy} />}
      {progress && <ProgressView state={progress} onCancel={() => coffer.cancel()} />}
      {status && (
        <p class={status === CANCELLED ? 'notice caution' : 'notice success'} role="status">
          {status}
        </p>
      )}
      {unlocked && (
        <div class="contents">
          <div class="row">
            <button type="button" class="primary" onClick={() => restoreAll()} disabled={busy}>
              Restore all
            </button>
            <button type="button" class="secondary" onClick={verify} disabled={busy}>
              Verify backup
            </button>
          </div>
          <p class="total">
            {unlocked.entries.filter((entry) => entry.type === 'file').length} files, {formatBytes(unlocked.totalSize)}
          </p>
          <label>
            Filter
            <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          </label>
          <ul class="tree" aria-label="Backup contents">
            {rows.slice(0, MAX_ROWS).map(({ entry, depth, name }) => (
              <li key={entry.path} style={{ paddingInlineStart: `${depth * 1.25}rem` }}>
                <span class="item-path">
                  {entry.type === 'dir' && <span class="icon icon-folder" aria-hidden="true" />}
                  {name}
                </span>
                <span class="item-size">{entry.type === 'file' ? formatBytes(entry.size) : ''}</span>
                <span class="item-date">{formatDate(entry.mtime)}</span>
                {entry.type === 'file' && (
                  <span class="item-actions">
                    {previewKind(entry) && (
                      <button
                        type="button"
                        class="link"
                        disabled={busy}
                        aria-label={`Preview ${entry.path}`}
                        onClick={() => showPreview(entry)}
                      >
                        Preview
                      </button>
                    )}
                    {/\.db$/i.test(entry.path) && (
                      <button
                        type="button"
                        class="link"
                        disabled={busy}
                        aria-label={`Read chats in ${entry.path}`}
                        onClick={() => readChats(entry)}
                      >
                        Read chats
                      </button>
                    )}
                    <button
                      type="button"
                      class="link"
                      disabled={busy}
                      aria-label={`Download ${entry.path}`}
                      onClick={() => download(entry)}
                    >
                      Download
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
          {rows.length > MAX_ROWS && (
            <p class="hint">
              Showing the first {MAX_ROWS} of {rows.length}. Type in the filter box to find others.
            </p>
          )}
          {preview && (
            <figure class="preview">
              <figcaption>{preview.path}</figcaption>
              {preview.kind === 'image' ? <img src={preview.url} alt={preview.path} /> : <pre>{preview.text}</pre>}
            </figure>
          )}
          {chats && <ChatReader key={chats.source.file.name} source={chats.source} />}
          {file && slots && <ChangeUnlock file={file} credentials={unlocked.credentials} slots={slots} />}
        </div>
      )}
    </section>
  );
}

function keyTypoMessage(input: string): string {
  const { digits, problem } = checkRecoveryKey(input);
  if (problem === 'characters') return 'A recovery key has only digits.';
  if (problem === 'length') return `A recovery key has 64 digits; this has ${digits.length}.`;
  return 'This recovery key has a typo: its check digits do not match. Check each group of four.';
}
