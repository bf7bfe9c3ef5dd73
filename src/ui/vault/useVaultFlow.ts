/** The "On this device" panel's state and its flow, wired to this browser's storage. */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { downloadBlob } from '../shared/download.ts';
import { useMergedState } from '../shared/merged-state.ts';
import { forgetFolder, readRememberedFolder, rememberedFolders } from './folders.ts';
import { forgetRecoveryKey, hasRememberedKey } from './remembered-key.ts';
import { listStored, markOpened, removeStored, requestPersistence, storageInfo, storedFile } from './vault.ts';
import { initialVault, type VaultCallbacks, type VaultSteps, vaultFlow } from './vault-flow.ts';

const BROWSER_STEPS: VaultSteps = {
  listStored,
  storageInfo,
  hasRememberedKey,
  rememberedFolders,
  readRememberedFolder,
  forgetFolder,
  async openStored(backup) {
    const file = await storedFile(backup);
    // Marked so "Change how it unlocks" can replace this stored copy rather than make a new file.
    return markOpened(new File([file], backup.name, { lastModified: backup.createdAt }), backup);
  },
  download: async (backup) => downloadBlob(await storedFile(backup), backup.name),
  confirm: (question) => window.confirm(question),
  removeStored,
  requestPersistence,
  forgetRecoveryKey,
};

export function useVaultFlow(callbacks: VaultCallbacks, notice: string | undefined) {
  const [state, report] = useMergedState(() => initialVault(notice));
  // The callbacks are read when a step runs, so a re-render's new ones are the ones called.
  const latest = useRef(callbacks);
  latest.current = callbacks;
  const flow = useMemo(
    () =>
      vaultFlow(BROWSER_STEPS, report, {
        onOpen: (file) => latest.current.onOpen(file),
        onBackUpAgain: (items) => latest.current.onBackUpAgain(items),
      }),
    [report],
  );

  // Start-up repairs may finish after this view opened: show what they did, and the result.
  useEffect(() => {
    if (notice) report({ message: notice });
    void flow.refresh();
  }, [notice, flow, report]);

  return { state, flow };
}
