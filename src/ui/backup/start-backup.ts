/**
 * What "Create backup" does, apart from the view: check the form, take the save target and the
 * recovery key, make the backup with progress, remember the key if asked, and say how it ended.
 * The browser calls come in as `BackupSteps`, so the unit tests run each ending against fakes.
 */
import type { WorkerError } from '../../worker/client.ts';
import type { BackupItem, Progress } from '../../worker/protocol.ts';
import type { ProgressState } from '../progress/ProgressView.tsx';
import { formatBytes } from '../shared/format.ts';
import type { Report } from '../shared/merged-state.ts';
import { type FriendlyError, friendlyError } from '../shared/messages.ts';
import type { Strength } from '../shared/strength.ts';
import { NotEnoughSpace, PasskeyDidNotAnswer, WrongDevicePassphrase } from '../vault/refusals.ts';
import { asksDevicePassphrase, devicePassphraseProblem, formProblem, type RememberedMethod } from './backup-checks.ts';
import type { BackupDone, BackupRequest } from './make-backup.ts';
import type { PendingForm } from './pending.ts';

/** Spec 11: 10% parity, 5 parity shards per stripe of 50 chunks of 256 KiB. */
const PARITY_PERCENT = 10;

export interface BackupState {
  progress?: ProgressState;
  error?: FriendlyError;
  cancelled: boolean;
  /** What is wrong with the form; cleared as soon as the form changes. */
  problem: string;
  done?: BackupDone;
}

export const READY: BackupState = { cancelled: false, problem: '' };

export interface BackupOptions {
  strong: boolean;
  compress: boolean;
  verify: boolean;
  parity: boolean;
}

/** Everything the person chose, as it stood when they pressed the button. */
export interface BackupInput {
  items: BackupItem[];
  form: PendingForm;
  strength: Strength | undefined;
  options: BackupOptions;
  canKeep: boolean;
  rememberedWith: RememberedMethod;
  devicePassphrase: string;
  deviceStrength: Strength | undefined;
  deviceUnlocked: boolean;
}

export interface BackupSteps {
  /** The file the person picks where the browser has a save dialog; throws when they close it. */
  pickSaveTarget(items: BackupItem[]): Promise<FileSystemFileHandle | undefined>;
  recallRecoveryKey(devicePassphrase?: string): Promise<string | undefined>;
  makeBackup(
    request: BackupRequest,
    handle: FileSystemFileHandle | undefined,
    onProgress: (progress: Progress) => void,
  ): Promise<BackupDone>;
  rememberWithPasskey(recoveryKey: string): Promise<void>;
  rememberWithDevicePassphrase(recoveryKey: string, devicePassphrase?: string): Promise<void>;
  /** The key is now remembered this way: "Use the remembered key" becomes available. */
  noteRemembered(method: RememberedMethod): void;
  /** The made backup's passphrase and key are done with: the next backup starts fresh. */
  clearSecrets(): void;
  now(): number;
}

function spaceError(failure: NotEnoughSpace): FriendlyError {
  return {
    headline: 'Not enough space on this device to keep a copy.',
    detail: `This backup may need up to ${formatBytes(failure.needed)}, and ${formatBytes(failure.available)} is free for Coffer. Nothing was written.`,
    advice: 'Untick "Keep a copy on this device", or delete backups kept here, and try again.',
  };
}

async function chosenRecoveryKey(input: BackupInput, steps: BackupSteps): Promise<string | undefined> {
  const { form } = input;
  if (form.keyChoice === 'new') return form.newKey;
  if (form.keyChoice === 'existing') return form.existingKey;
  if (form.keyChoice === 'remembered') return steps.recallRecoveryKey(input.devicePassphrase || undefined);
  return undefined;
}

async function rememberKey(input: BackupInput, recoveryKey: string, steps: BackupSteps, report: Report<BackupState>) {
  const { form } = input;
  try {
    if (form.rememberWith === 'passkey') await steps.rememberWithPasskey(recoveryKey);
    else
      await steps.rememberWithDevicePassphrase(recoveryKey, input.deviceUnlocked ? undefined : input.devicePassphrase);
    steps.noteRemembered(form.rememberWith);
  } catch (failure) {
    report({
      error: {
        headline: 'The backup was made, but the recovery key was not remembered.',
        detail: (failure as Error).message,
      },
    });
  }
}

export async function startBackup(input: BackupInput, steps: BackupSteps, report: Report<BackupState>): Promise<void> {
  const { items, form, options } = input;
  report({ error: undefined, cancelled: false, done: undefined });
  const asked = asksDevicePassphrase(form, input.rememberedWith, input.deviceUnlocked);
  const reason =
    formProblem(items, form, input.strength) ??
    devicePassphraseProblem(asked, input.devicePassphrase, input.deviceStrength);
  report({ problem: reason ?? '' });
  if (reason) return;
  let handle: FileSystemFileHandle | undefined;
  try {
    handle = await steps.pickSaveTarget(items);
  } catch {
    return; // The person closed the save dialog.
  }
  let recoveryKey: string | undefined;
  try {
    recoveryKey = await chosenRecoveryKey(input, steps);
  } catch (failure) {
    if (!(failure instanceof WrongDevicePassphrase || failure instanceof PasskeyDidNotAnswer)) throw failure;
    report({ problem: failure.message });
    return;
  }
  const total = items.reduce((sum, item) => sum + (item.file?.size ?? 0), 0);
  let progress: ProgressState = {
    progress: { bytesDone: 0, bytesTotal: total, currentPath: '', phase: 'deriving-key' },
    startedAt: steps.now(),
  };
  report({ progress });
  try {
    const request: BackupRequest = {
      items,
      passphrase: form.usePassphrase ? form.passphrase : undefined,
      recoveryKey,
      passkey: form.passkey,
      strong: options.strong,
      compress: options.compress,
      verify: options.verify,
      keep: form.keep && input.canKeep,
      parity: options.parity ? PARITY_PERCENT : undefined,
    };
    const done = await steps.makeBackup(request, handle, (update) => {
      progress = { ...progress, progress: update };
      report({ progress });
    });
    if (form.remember && recoveryKey && form.keyChoice !== 'remembered') {
      await rememberKey(input, recoveryKey, steps, report);
    }
    steps.clearSecrets();
    report({ done });
  } catch (failure) {
    if ((failure as WorkerError).code === 'cancelled') report({ cancelled: true });
    else
      report({
        error: failure instanceof NotEnoughSpace ? spaceError(failure) : friendlyError(failure as WorkerError),
      });
  } finally {
    report({ progress: undefined });
  }
}
