import type { BackupItem } from '../../worker/protocol.ts';
import { PlacesSection } from '../places/PlacesSection.tsx';
import { SendCopy } from '../places/SendCopy.tsx';
import { BROWSER_PLACE_STEPS, usePlacesFlow } from '../places/usePlacesFlow.ts';
import type { BackupFile } from '../shared/backup-file.ts';
import { countWords, formatBytes, formatDate } from '../shared/format.ts';
import type { StoredBackup } from './db.ts';
import { evictionWarning } from './eviction.ts';
import { useVaultFlow } from './useVaultFlow.ts';
import { storedFile } from './vault.ts';

const UNLOCK_NAMES = { passphrase: 'passphrase', 'recovery-key': 'recovery key', passkey: 'passkey' } as const;

export interface VaultPanelProps {
  onOpen: (file: BackupFile) => void;
  onBackUpAgain: (items: BackupItem[]) => void;
  notice?: string;
}

/** Backups and the app's own offline files (code, dictionaries, settings) counted apart. */
function storageSplit(usage: number, backups: StoredBackup[] | undefined): string {
  const kept = (backups ?? []).reduce((sum, backup) => sum + backup.size, 0);
  return `${formatBytes(kept)} for backups, ${formatBytes(Math.max(0, usage - kept))} for the app itself`;
}

export function VaultPanel({ onOpen, onBackUpAgain, notice }: VaultPanelProps) {
  const { state, flow } = useVaultFlow({ onOpen, onBackUpAgain }, notice);
  const { folders, backups, storage, remembered, message, refusal } = state;
  const { backUpAgain, forgetRemembered, open, download, remove, persist, forget } = flow;
  const eviction = evictionWarning();
  const places = usePlacesFlow(onOpen);

  return (
    <section class="panel" aria-labelledby="vault-heading">
      <h2 id="vault-heading">On this device</h2>
      <p class="hint">
        Backups kept here are encrypted like any other and stay in this browser's private storage. Download a copy to
        keep one somewhere else too: clearing the browser's data removes them.
      </p>
      {eviction && (
        <p class="notice caution" role="note" data-testid="eviction-warning">
          {eviction}
        </p>
      )}
      {message && (
        <p class="notice success" role="status">
          {message}
        </p>
      )}
      {refusal && (
        <p class="notice caution" role="status">
          {refusal}
        </p>
      )}
      {storage && (
        <div class="storage">
          <p>
            Using {formatBytes(storage.usage)} of {formatBytes(storage.quota)} available to Coffer in this browser:{' '}
            <span data-testid="storage-split">{storageSplit(storage.usage, backups)}</span>.
          </p>
          {storage.persisted ? (
            <p>This browser keeps Coffer's storage even when space runs low.</p>
          ) : (
            // Only once something is stored is there anything to ask the browser to keep.
            backups &&
            backups.length > 0 && (
              <p>
                Browsers may clear stored data when the disk gets full.{' '}
                <button type="button" class="link" onClick={persist}>
                  Ask the browser to keep it
                </button>
              </p>
            )
          )}
        </div>
      )}
      {backups && backups.length === 0 && (
        <p>
          No backups are kept on this device yet. To keep one here, tick "Keep a copy on this device" when you make a
          backup in the Back up tab; to open a backup from elsewhere, use "Open backup" above.
        </p>
      )}
      {backups && backups.length > 0 && (
        <ul class="stored" aria-label="Backups on this device">
          {backups.map((backup) => (
            <li key={backup.id} aria-label={backup.name}>
              <div class="stored-facts">
                <strong>{backup.name}</strong>
                <span>
                  {formatDate(backup.createdAt)} ·{' '}
                  {backup.files === undefined
                    ? `${backup.entryCount} ${backup.entryCount === 1 ? 'item' : 'items'}`
                    : countWords(backup.files, backup.folders ?? 0)}{' '}
                  · backup file {formatBytes(backup.size)}
                </span>
                <span>
                  Opens with {backup.unlock.map((method) => UNLOCK_NAMES[method]).join(' or ')}
                  {backup.sources.length > 0 && ` · from ${backup.sources.join(', ')}`}
                </span>
              </div>
              <div class="row">
                <button type="button" class="secondary" onClick={() => open(backup)}>
                  Open
                </button>
                <button type="button" class="secondary" onClick={() => download(backup)}>
                  Download
                </button>
                <button type="button" class="secondary" onClick={() => remove(backup)}>
                  Delete
                </button>
              </div>
              <SendCopy
                source={{ name: backup.name, size: backup.size, blob: () => storedFile(backup), stored: backup }}
                places={places.state.places}
                steps={BROWSER_PLACE_STEPS}
                onSent={() => void flow.refresh()}
              />
            </li>
          ))}
        </ul>
      )}
      <PlacesSection state={places.state} flow={places.flow} />
      {folders.length > 0 && (
        <div>
          <h3>Folders to back up again</h3>
          <ul class="stored" aria-label="Folders to back up again">
            {folders.map((folder) => (
              <li key={folder.name} aria-label={folder.name}>
                <div class="stored-facts">
                  <strong>{folder.name}</strong>
                  <span>
                    {folder.lastBackedUp ? `Last backed up ${formatDate(folder.lastBackedUp)}` : 'Not backed up yet'}
                  </span>
                </div>
                <div class="row">
                  <button type="button" class="secondary" onClick={() => backUpAgain(folder)}>
                    Back up again
                  </button>
                  <button type="button" class="secondary" onClick={() => forgetRemembered(folder)}>
                    Forget
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
      {remembered && (
        <div class="remembered">
          <p>
            A recovery key is remembered on this device, encrypted with your device passphrase (which is not stored).
            This protects it against someone copying your browser profile; not against malware running as you.
          </p>
          <button type="button" class="secondary" onClick={forget}>
            Forget the remembered key
          </button>
        </div>
      )}
    </section>
  );
}
