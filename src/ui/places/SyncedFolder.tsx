/**
 * The synced folder: chosen in Places (where the folder picker exists; elsewhere absent), and a
 * copy of each new backup written there from its done notice.
 */
import { useEffect, useState } from 'preact/hooks';
import type { BackupDone } from '../backup/make-backup.ts';
import { formatDate } from '../shared/format.ts';
import { recordCopy } from './places.ts';
import {
  canSyncFolder,
  copyToSyncedFolder,
  mayWrite,
  pickSyncedFolder,
  SYNCED_FOLDER_ID,
  type SyncedFolder,
  stopSyncedFolder,
  syncedFolder,
} from './synced-folder.ts';

function useSyncedFolder() {
  const [folder, setFolder] = useState<SyncedFolder>();
  useEffect(() => {
    syncedFolder().then(setFolder, () => setFolder(undefined));
  }, []);
  return [folder, setFolder] as const;
}

/** In Places: choose, change or stop the synced folder. */
export function SyncedFolderSetting() {
  const [folder, setFolder] = useSyncedFolder();
  const [refusal, setRefusal] = useState('');
  if (!canSyncFolder()) return null;
  const pick = async () => {
    setRefusal('');
    try {
      const picked = await pickSyncedFolder();
      if (picked) setFolder(picked);
    } catch (error) {
      setRefusal(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div class="synced-folder">
      <h4>Synced folder</h4>
      {folder ? (
        <p>
          Every new backup is also saved in "{folder.name}" (chosen {formatDate(folder.addedAt)}), so the app that keeps
          that folder in sync (Drive, Dropbox, iCloud Drive, OneDrive) sends it on.
        </p>
      ) : (
        <p class="hint">
          Pick the folder that Drive, Dropbox, iCloud Drive or OneDrive keeps in sync: every new backup is then saved
          there too.
        </p>
      )}
      <div class="row">
        <button type="button" class="secondary" onClick={() => void pick()}>
          {folder ? 'Choose another synced folder' : 'Choose a synced folder'}
        </button>
        {folder && (
          <button
            type="button"
            class="secondary"
            onClick={() => void stopSyncedFolder().then(() => setFolder(undefined))}
          >
            Stop using the synced folder
          </button>
        )}
      </div>
      {refusal && (
        <p class="notice caution" role="status">
          {refusal}
        </p>
      )}
    </div>
  );
}

type CopyState =
  | { step: 'none' }
  | { step: 'ask' }
  | { step: 'copied'; as: string }
  | { step: 'failed'; reason: string };

/**
 * What happened to each backup's copy, kept across mounts: the done notice is shown again when
 * the person comes back to the Back up tab, and must not save a second copy.
 */
const outcomes = new WeakMap<BackupDone, CopyState>();

/** In a new backup's done notice: the copy into the synced folder, or a click to allow it. */
export function SyncedCopy({ done }: { done: BackupDone }) {
  const [folder] = useSyncedFolder();
  const [state, setShown] = useState<CopyState>(() => outcomes.get(done) ?? { step: 'none' });
  const setState = (next: CopyState) => {
    outcomes.set(done, next);
    setShown(next);
  };

  const copy = async (target: SyncedFolder, ask: boolean) => {
    const file = done.file;
    if (!file) return;
    try {
      if (!(await mayWrite(target, ask))) return setState({ step: 'ask' });
      const as = await copyToSyncedFolder(target, done.name, file);
      setState({ step: 'copied', as });
      if (done.stored)
        await recordCopy(done.stored, { id: SYNCED_FOLDER_ID, location: `synced folder "${target.name}"` });
    } catch (error) {
      setState({ step: 'failed', reason: error instanceof Error ? error.message : String(error) });
    }
  };

  useEffect(() => {
    if (!folder || outcomes.has(done)) return;
    outcomes.set(done, { step: 'none' }); // claimed before the copy starts, against a second one
    void copy(folder, false);
    // Once per backup made: `done` is new for each.
  }, [folder, done]);

  if (!folder) return null;
  if (!done.file) {
    return (
      <p class="notice caution" role="note">
        Not saved in the synced folder: this backup went straight to your downloads. Copy it there yourself, or keep
        "Check the backup after writing it" on.
      </p>
    );
  }
  if (state.step === 'copied')
    return (
      <p>
        Also saved in the synced folder "{folder.name}" as "{state.as}".
      </p>
    );
  if (state.step === 'ask') {
    return (
      <p>
        The browser needs your permission again to save in "{folder.name}".{' '}
        <button type="button" class="secondary" onClick={() => void copy(folder, true)}>
          Allow and save there
        </button>
      </p>
    );
  }
  if (state.step === 'failed') {
    return (
      <p class="notice caution" role="note">
        Not saved in the synced folder "{folder.name}": {state.reason}{' '}
        <button type="button" class="link" onClick={() => void copy(folder, true)}>
          Retry
        </button>
      </p>
    );
  }
  return null;
}
