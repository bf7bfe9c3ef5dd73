/**
 * What the "On this device" buttons do, apart from the view: each step reports what the panel
 * should now show. The storage calls come in as `VaultSteps`, so the unit tests run every step
 * (a refusal, a failure midway) against fakes.
 */
import type { BackupItem } from '../../worker/protocol.ts';
import type { Report } from '../shared/merged-state.ts';
import type { RememberedFolder, StoredBackup } from './db.ts';
import type { StorageInfo } from './vault.ts';

export interface VaultState {
  folders: RememberedFolder[];
  /** Undefined until the first listing has arrived. */
  backups?: StoredBackup[];
  storage?: StorageInfo;
  remembered: boolean;
  /** What was just done (green). */
  message: string;
  /** What the browser or a folder refused (caution, never green). */
  refusal: string;
}

export function initialVault(notice?: string): VaultState {
  return { folders: [], remembered: false, message: notice ?? '', refusal: '' };
}

export interface VaultSteps {
  listStored(): Promise<StoredBackup[]>;
  storageInfo(): Promise<StorageInfo | undefined>;
  hasRememberedKey(): Promise<boolean>;
  rememberedFolders(): Promise<RememberedFolder[]>;
  readRememberedFolder(folder: RememberedFolder): Promise<BackupItem[]>;
  forgetFolder(name: string): Promise<void>;
  /** The stored copy as a File, marked as opened from this device. */
  openStored(backup: StoredBackup): Promise<File>;
  download(backup: StoredBackup): Promise<void>;
  confirm(question: string): boolean;
  removeStored(backup: StoredBackup): Promise<void>;
  requestPersistence(): Promise<boolean>;
  forgetRecoveryKey(): Promise<void>;
}

export interface VaultCallbacks {
  onOpen: (file: File) => void;
  onBackUpAgain: (items: BackupItem[]) => void;
}

const NOT_KEPT_FOR_GOOD =
  "The browser did not agree to keep them for good; it may still clear them when space runs low. Download a copy of each backup you need to keep, or install Coffer as an app (browsers keep installed apps' storage more readily), then ask again.";

export function vaultFlow(steps: VaultSteps, report: Report<VaultState>, callbacks: VaultCallbacks) {
  const refresh = async () => {
    report({ backups: await steps.listStored() });
    report({ storage: await steps.storageInfo() });
    report({ remembered: await steps.hasRememberedKey() });
    report({ folders: await steps.rememberedFolders() });
  };

  return {
    refresh,

    async backUpAgain(folder: RememberedFolder) {
      try {
        callbacks.onBackUpAgain(await steps.readRememberedFolder(folder));
      } catch (error) {
        // Not a success: the caution box, never the green one.
        report({ message: '', refusal: error instanceof Error ? error.message : String(error) });
      }
    },

    async forgetRemembered(folder: RememberedFolder) {
      await steps.forgetFolder(folder.name);
      await refresh();
    },

    async open(backup: StoredBackup) {
      callbacks.onOpen(await steps.openStored(backup));
    },

    download: (backup: StoredBackup) => steps.download(backup),

    async remove(backup: StoredBackup) {
      if (!steps.confirm(`Delete "${backup.name}" from this device? This cannot be undone.`)) return;
      await steps.removeStored(backup);
      report({ message: `Deleted ${backup.name}.` });
      await refresh();
    },

    async persist() {
      const granted = await steps.requestPersistence();
      // A refusal is not a success: it gets its own colour and a next step.
      report({
        message: granted ? 'The browser will keep these backups even when space runs low.' : '',
        refusal: granted ? '' : NOT_KEPT_FOR_GOOD,
      });
      await refresh();
    },

    async forget() {
      await steps.forgetRecoveryKey();
      report({ message: 'The remembered recovery key was removed from this device.' });
      await refresh();
    },
  };
}

export type VaultFlow = ReturnType<typeof vaultFlow>;
