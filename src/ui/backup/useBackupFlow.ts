/** What "Create backup" does in the page: the steps of start-backup.ts wired to the browser. */
import { useEffect } from 'preact/hooks';
import type { BackupItem } from '../../worker/protocol.ts';
import { coffer } from '../shared/client.ts';
import { useMergedState } from '../shared/merged-state.ts';
import { recallRecoveryKey, rememberRecoveryKey, rememberRecoveryKeyWithPasskey } from '../vault/remembered-key.ts';
import { makeBackup, pickSaveTarget } from './make-backup.ts';
import { clearSecrets } from './pending.ts';
import { type BackupSteps, READY, startBackup } from './start-backup.ts';
import type { BackupForm } from './useBackupForm.ts';

export function useBackupFlow(items: BackupItem[], form: BackupForm) {
  const [state, report] = useMergedState(READY);

  // A complaint about the form goes as soon as what it complained about has changed.
  useEffect(() => report({ problem: '' }), [items, form.form, report]);
  // "Backup ready" speaks of the files it backed up: it goes when the list changes.
  useEffect(() => report({ done: undefined }), [items, report]);

  const steps: BackupSteps = {
    pickSaveTarget,
    recallRecoveryKey,
    makeBackup,
    rememberWithPasskey: rememberRecoveryKeyWithPasskey,
    rememberWithDevicePassphrase: rememberRecoveryKey,
    noteRemembered: form.setRememberedWith,
    clearSecrets: () => form.update(clearSecrets()),
    now: () => performance.now(),
  };

  async function start(event: Event) {
    event.preventDefault();
    await startBackup({ items, ...form }, steps, report);
  }

  return { ...state, busy: state.progress !== undefined, start, cancel: () => coffer.cancel() };
}
