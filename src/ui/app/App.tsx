import { useEffect, useState } from 'preact/hooks';
import { WhatsAppPanel } from '../../whatsapp/ui/WhatsAppPanel.tsx';
import type { BackupItem } from '../../worker/protocol.ts';
import { BackupPanel } from '../backup/BackupPanel.tsx';
import { OpenerLink } from '../opener/OpenerLink.tsx';
import { RestorePanel } from '../restore/RestorePanel.tsx';
import { type BackupFile, isRemoteBackup } from '../shared/backup-file.ts';
import { coffer } from '../shared/client.ts';
import { itemsFromDrop, itemsFromFileList, mergeItems } from '../shared/collect.ts';
import { folderPicker, itemsFromHandle, rememberFolder } from '../vault/folders.ts';
import { VaultPanel } from '../vault/VaultPanel.tsx';
import { reconcile } from '../vault/vault.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { applyUpdate, BUILD, onLaunchFiles, registerServiceWorker, takeSharedFile, VERSION } from './pwa.ts';
import { SharedFileConfirm } from './SharedFileConfirm.tsx';
import { StartControls } from './StartControls.tsx';
import { StorageNotice } from './StorageNotice.tsx';
import { ThemeSetting } from './ThemeSetting.tsx';

type Tab = 'backup' | 'restore' | 'vault' | 'whatsapp';

function isBackupFile(transfer: DataTransfer): File | undefined {
  const files = Array.from(transfer.files);
  if (files.length !== 1 || !/\.coffer$/i.test(files[0].name)) return undefined;
  const entry = transfer.items[0]?.webkitGetAsEntry?.();
  return entry?.isDirectory ? undefined : files[0];
}

/** A single dropped msgstore.db.crypt15 (or .crypt14, .crypt12, ...) opens the WhatsApp tab. */
function isWhatsAppFile(transfer: DataTransfer): File | undefined {
  const files = Array.from(transfer.files);
  return files.length === 1 && /\.crypt\d+$/i.test(files[0].name) ? files[0] : undefined;
}

export function App() {
  const [tab, setTab] = useState<Tab>('backup');
  const [items, setItems] = useState<BackupItem[]>([]);
  const [whatsappFile, setWhatsAppFile] = useState<File>();
  const [backupFile, setBackupFile] = useState<BackupFile>();
  const [sharedFile, setSharedFile] = useState<File>();
  const [dragging, setDragging] = useState(false);
  const [updateReady, setUpdateReady] = useState(false);
  const [updateBlocked, setUpdateBlocked] = useState(false);
  const [vaultNotice, setVaultNotice] = useState<string>();

  useEffect(() => {
    const openFile = (file: File) => {
      setBackupFile(file);
      setTab('restore');
    };
    registerServiceWorker(() => setUpdateReady(true));
    // Repair what a closed or crashed tab left half done, and say so if anything was found.
    reconcile().then(({ removedPartial, removedOrphans, missingFiles }) => {
      const fixed = removedPartial + removedOrphans;
      const parts = [
        fixed > 0 && `removed ${fixed} unfinished ${fixed === 1 ? 'backup' : 'backups'} left by a closed tab`,
        missingFiles > 0 &&
          `${missingFiles} stored ${missingFiles === 1 ? 'backup was' : 'backups were'} missing and dropped from the list`,
      ].filter(Boolean);
      if (parts.length > 0) setVaultNotice(`Coffer ${parts.join('; ')}.`);
    });
    onLaunchFiles(openFile);
    takeSharedFile().then(setSharedFile);
  }, []);

  // A backup at a place is read through a places worker kept while it is open: end it when replaced.
  useEffect(() => {
    if (!isRemoteBackup(backupFile)) return;
    return () => backupFile.close();
  }, [backupFile]);

  // An update never interrupts a backup or restore: it waits until the worker is idle.
  const reloadForUpdate = () => {
    if (coffer.busy) setUpdateBlocked(true);
    else applyUpdate();
  };

  useEffect(() => {
    // Dropping anywhere on the page: a .coffer file opens it, anything else is added to the backup.
    const over = (event: DragEvent) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      const transfer = event.dataTransfer;
      if (!transfer || transfer.files.length === 0) return;
      event.preventDefault();
      setDragging(false);
      const backup = isBackupFile(transfer);
      if (backup) {
        setBackupFile(backup);
        setTab('restore');
        return;
      }
      const whatsapp = isWhatsAppFile(transfer);
      if (whatsapp) {
        setWhatsAppFile(whatsapp);
        setTab('whatsapp');
        return;
      }
      itemsFromDrop(transfer).then((added) => {
        setItems((current) => mergeItems(current, added));
        setTab('backup');
      });
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const addFiles = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    if (files.length > 0) {
      setItems((current) => mergeItems(current, itemsFromFileList(files)));
      setTab('backup');
    }
    input.value = '';
  };

  /** The folder picker sees empty folders and gives a handle Coffer can keep for next time. */
  const pickFolder = async () => {
    const picker = folderPicker();
    if (!picker) return;
    let handle: FileSystemDirectoryHandle;
    try {
      handle = await picker({ id: 'coffer-source', mode: 'read' });
    } catch {
      return; // The person closed the dialog.
    }
    const added = await itemsFromHandle(handle);
    await rememberFolder(handle);
    setItems((current) => mergeItems(current, added));
    setTab('backup');
  };

  const openBackup = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (file && /\.crypt\d+$/i.test(file.name)) {
      // A WhatsApp backup picked here belongs to the WhatsApp tab, which knows how to open it.
      setWhatsAppFile(file);
      setTab('whatsapp');
    } else if (file) {
      setBackupFile(file);
      setTab('restore');
    }
    input.value = '';
  };

  return (
    <ErrorBoundary>
      <div class={dragging ? 'app dragging' : 'app'}>
        <header class="masthead">
          <h1>
            <img src="./icon.svg" alt="" width={32} height={32} /> Coffer
          </h1>
          <p>Encrypted backups made on your device. Nothing you add here is uploaded anywhere.</p>
        </header>
        {dragging && <p class="drop-hint">Drop files or folders to back them up, or a .coffer file to open it.</p>}
        <StorageNotice />
        <nav class="tabs" aria-label="Mode">
          <button type="button" aria-pressed={tab === 'backup'} onClick={() => setTab('backup')}>
            Back up
          </button>
          <button type="button" aria-pressed={tab === 'restore'} onClick={() => setTab('restore')}>
            Restore
          </button>
          <button type="button" class="wraps" aria-pressed={tab === 'vault'} onClick={() => setTab('vault')}>
            On this device
          </button>
          <button type="button" aria-pressed={tab === 'whatsapp'} onClick={() => setTab('whatsapp')}>
            WhatsApp
          </button>
        </nav>
        {/* One panel at a time, so each field name (Passphrase, Recovery key) exists once. */}
        <main class="frame">
          <StartControls tab={tab} onAddFiles={addFiles} onPickFolder={pickFolder} onOpenBackup={openBackup} />
          {tab === 'backup' && <BackupPanel items={items} onItemsChange={setItems} />}
          {tab === 'restore' && <RestorePanel file={backupFile} />}
          {tab === 'vault' && (
            <VaultPanel
              notice={vaultNotice}
              onBackUpAgain={(again) => {
                setItems(again);
                setTab('backup');
              }}
              onOpen={(file) => {
                setBackupFile(file);
                setTab('restore');
              }}
            />
          )}
          {tab === 'whatsapp' && <WhatsAppPanel file={whatsappFile} />}
        </main>
        {sharedFile && (
          <SharedFileConfirm
            file={sharedFile}
            onOpen={() => {
              setBackupFile(sharedFile);
              setTab('restore');
              setSharedFile(undefined);
            }}
            onDiscard={() => setSharedFile(undefined)}
          />
        )}
        {updateReady && (
          <div class="notice update" role="status">
            <span>Update available — reload to use the new version.</span>{' '}
            <button type="button" class="secondary" onClick={reloadForUpdate}>
              Reload
            </button>
            {updateBlocked && <span> Finish or cancel the current backup or restore first.</span>}
          </div>
        )}
        <footer class="footer">
          <p>
            Works offline. Backups use an open format: <code>.coffer</code>, AES-256-GCM with Argon2id.
          </p>
          <p>
            Open backups without this website: <OpenerLink label="Download the offline opener" /> (one HTML file that
            works from your disk).
          </p>
          <p class="build">
            Coffer {VERSION} (build <span data-testid="build-id">{BUILD}</span>)
          </p>
          <ThemeSetting />
        </footer>
      </div>
    </ErrorBoundary>
  );
}
