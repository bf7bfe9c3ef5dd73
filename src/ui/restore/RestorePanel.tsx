import { ChatReader } from '../../whatsapp/ui/chats/ChatReader.tsx';
import type { WorkerError } from '../../worker/client.ts';
import { ProgressView } from '../progress/ProgressView.tsx';
import { ChangeUnlock } from '../rekey/ChangeUnlock.tsx';
import { PasskeyUnlock } from '../rekey/PasskeyUnlock.tsx';
import { type BackupFile, isRemoteBackup } from '../shared/backup-file.ts';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { countWords, formatBytes, formatDate } from '../shared/format.ts';
import { friendlyError } from '../shared/messages.ts';
import { RecoveryKeyInput } from '../shared/RecoveryKeyInput.tsx';
import { useFocusOn } from '../shared/useFocusOn.ts';
import { CANCELLED } from './restore-flow.ts';
import { RepairableNotice, SalvageResult } from './SalvageResult.tsx';
import { MAX_ROWS, previewKind, treeRows } from './tree.ts';
import { useRestoreFlow } from './useRestoreFlow.ts';
import { useRestoreForm } from './useRestoreForm.ts';

export function RestorePanel({ file }: { file?: BackupFile }) {
  const flow = useRestoreFlow(file);
  const { slots, unlocked, progress, error, status, preview, chats, damaged, salvaged, repairable, busy } = flow;
  const form = useRestoreForm(slots);
  const { passphrase, setPassphrase, recoveryKey, setRecoveryKey, filter, setFilter, keyTypo } = form;
  const { hasPassphraseSlot, hasKeySlot } = form;

  function unlock(event: Event) {
    event.preventDefault();
    void flow.unlock(passphrase, recoveryKey);
  }

  const rows = unlocked ? treeRows(unlocked.entries, filter) : [];
  const contentsPlace = useFocusOn<HTMLUListElement>(unlocked);
  const previewPlace = useFocusOn<HTMLElement>(preview);
  return (
    <section class="panel" aria-labelledby="restore-heading">
      <h2 id="restore-heading">Open a backup</h2>
      {!file && <p class="hint">Open a .coffer file, or drop it anywhere on this page.</p>}
      {file && (
        <p class="file-name">
          {file.name} — {formatBytes(file.size)}
          {isRemoteBackup(file) && ` — at ${file.location}`}
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
          {hasKeySlot && (
            <RecoveryKeyInput
              value={recoveryKey}
              onInput={(value) => {
                setRecoveryKey(value);
                if (error) flow.clearMessages();
              }}
              invalid={keyTypo}
            />
          )}
          {/* Once Unlock has raised it as an alert, the same words are not repeated beside the field. */}
          {keyTypo && !error && (
            <p class="field-error" role="status">
              {form.keyTypoText}
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
                onCredentials={flow.unlockWith}
                onError={(failure) => flow.showError(friendlyError(failure as WorkerError))}
              />
            </div>
          )}
        </form>
      )}
      {error && <ErrorNotice error={error} />}
      {unlocked && damaged && !busy && (
        <div class="row">
          {/* Distinct from Restore all: it restores only the intact files and lists the others. */}
          <button type="button" class="secondary" onClick={() => flow.restoreAll(true)}>
            Restore what can be restored
          </button>
        </div>
      )}
      {salvaged && <SalvageResult {...salvaged} />}
      {repairable && <RepairableNotice repairs={repairable} onRepair={flow.repair} busy={busy} />}
      {progress && <ProgressView state={progress} onCancel={flow.cancel} />}
      {status && (
        <p class={status === CANCELLED ? 'notice caution' : 'notice success'} role="status">
          {status}
        </p>
      )}
      {unlocked && (
        <div class="contents">
          <div class="row">
            <button type="button" class="primary" onClick={() => flow.restoreAll()} disabled={busy}>
              Restore all
            </button>
            <button type="button" class="secondary" onClick={flow.verify} disabled={busy}>
              Verify backup
            </button>
          </div>
          <p class="total">
            {countWords(
              unlocked.entries.filter((entry) => entry.type === 'file').length,
              unlocked.entries.filter((entry) => entry.type === 'dir').length,
            )}
            , {formatBytes(unlocked.totalSize)}
          </p>
          <label>
            Filter
            <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          </label>
          <ul class="tree" aria-label="Backup contents" tabIndex={-1} ref={contentsPlace}>
            {rows.slice(0, MAX_ROWS).map(({ entry, depth, name }) => (
              <li key={entry.path} style={{ paddingInlineStart: `${depth * 1.25}rem` }}>
                <span class="item-path">
                  {/* Files get an icon too, so names at one depth line up, root level included. */}
                  <span class={`icon icon-${entry.type === 'dir' ? 'folder' : 'file'}`} aria-hidden="true" />
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
                        onClick={() => flow.showPreview(entry)}
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
                        onClick={() => flow.readChats(entry)}
                      >
                        Read chats
                      </button>
                    )}
                    <button
                      type="button"
                      class="link"
                      disabled={busy}
                      aria-label={`Download ${entry.path}`}
                      onClick={() => flow.download(entry)}
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
            <figure class="preview" tabIndex={-1} ref={previewPlace}>
              <figcaption>{preview.path}</figcaption>
              {preview.kind === 'image' ? <img src={preview.url} alt={preview.path} /> : <pre>{preview.text}</pre>}
            </figure>
          )}
          {chats && <ChatReader key={chats.source.file.name} source={chats.source} />}
          {/* A backup at a place is read, never rewritten there: change how it unlocks on a copy. */}
          {file instanceof File && slots && (
            <ChangeUnlock file={file} credentials={unlocked.credentials} slots={slots} onOpen={flow.clearMessages} />
          )}
        </div>
      )}
    </section>
  );
}
