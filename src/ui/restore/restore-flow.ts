/**
 * What the Open tab's buttons do, apart from the view: inspect and unlock a backup, verify or
 * repair it, save, preview or read one file, restore everything. Every step runs through `step`,
 * which shows progress, turns a failure into its message (a cancel into one neutral line) and
 * notes damage that salvage could get around. The worker and browser calls come in as
 * `RestoreSteps`, so the unit tests run each step (cancel, a failure midway) against fakes.
 */
import { checkRecoveryKey } from '../../core/recovery-key.ts';
import type { WorkerError } from '../../worker/client.ts';
import type { Command, EntryInfo, Progress, ResultOf, SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import type { ProgressState } from '../progress/ProgressView.tsx';
import { type BackupFile, workerInput } from '../shared/backup-file.ts';
import type { DownloadOutput, DownloadPlan } from '../shared/download-output.ts';
import { formatBytes } from '../shared/format.ts';
import type { Report } from '../shared/merged-state.ts';
import { type FriendlyError, friendlyError } from '../shared/messages.ts';
import type { TempOutput } from '../shared/temp-output.ts';
import type { RememberedRestore } from './remembered.ts';
import type { RestoreContext, Salvaged } from './restore-all.ts';
import { previewKind } from './tree.ts';

export interface Unlocked {
  entries: EntryInfo[];
  totalSize: number;
  /** What opened it, for "Change how it unlocks". */
  credentials: UnlockCredentials;
}

export interface Preview {
  path: string;
  kind: 'image' | 'text';
  url?: string;
  text?: string;
}

/** A WhatsApp msgstore.db from the backup, read in the tab (its temporary copy kept until replaced). */
export interface OpenChats {
  source: { file: File; name: string };
  release: () => void;
}

export interface RestoreState {
  slots?: SlotInfo[];
  unlocked?: Unlocked;
  progress?: ProgressState;
  error?: FriendlyError;
  /** What was just done, or CANCELLED. */
  status: string;
  preview?: Preview;
  chats?: OpenChats;
  /** The last restore or verify met damaged chunks: offer salvage (spec 10). */
  damaged: boolean;
  salvaged?: Salvaged;
  /** What the repair data can undo in this damaged backup. */
  repairable?: string[];
}

export const CANCELLED = 'Cancelled. Nothing was kept.';

/** The state for a file: as it was left if it is the one still open, else nothing known yet. */
export function restoreStateFor(remembered: RememberedRestore | undefined): RestoreState {
  return { slots: remembered?.slots, unlocked: remembered?.unlocked, status: '', damaged: false };
}

export interface RestoreSteps {
  /** One command to the worker; it rejects with a coded WorkerError. */
  run<C extends Command>(command: C, onProgress?: (progress: Progress) => void): Promise<ResultOf<C>>;
  /** A temporary file for what the tab reads itself (previews, chats). */
  tempOutput(purpose: string, what: string, expectedSize: number): Promise<TempOutput>;
  /** Where a file the person downloads goes: streamed where it can be, else staged. */
  downloadOutput(plan: DownloadPlan): Promise<DownloadOutput>;
  /** A private temporary file for the repair's parity, where the browser has private storage. */
  paritySpill(): Promise<string | undefined>;
  imageUrl(blob: Blob): Promise<string>;
  restoreEverything(context: RestoreContext, salvage: boolean): Promise<void>;
  remember(state: RememberedRestore): void;
  now(): number;
}

export function keyTypoMessage(input: string): string {
  const { digits, problem } = checkRecoveryKey(input);
  if (problem === 'characters') return 'A recovery key has only digits.';
  if (problem === 'length') return `A recovery key has 64 digits; this has ${digits.length}.`;
  return 'Its check digits do not match: check each group of four digits.';
}

export function hasKeyTypo(recoveryKey: string): boolean {
  return recoveryKey.trim() !== '' && checkRecoveryKey(recoveryKey).problem !== undefined;
}

function baseName(path: string, fallback: string): string {
  return path.split('/').pop() || fallback;
}

export function restoreFlow(
  file: BackupFile | undefined,
  steps: RestoreSteps,
  report: Report<RestoreState>,
  read: () => RestoreState,
) {
  let progress: ProgressState | undefined;
  const onProgress = (update: Progress) => {
    if (!progress) return;
    progress = { ...progress, progress: update };
    report({ progress });
  };

  /** Runs one step with progress and error handling; undefined when it failed or was cancelled. */
  async function step<T>(task: () => Promise<T>): Promise<T | undefined> {
    const bytesTotal = read().unlocked?.totalSize ?? 0;
    progress = { progress: { bytesDone: 0, bytesTotal, currentPath: '', phase: 'reading' }, startedAt: steps.now() };
    report({ error: undefined, status: '', damaged: false, salvaged: undefined, repairable: undefined, progress });
    try {
      return await task();
    } catch (failure) {
      const code = (failure as WorkerError).code;
      // A cancel is what the person asked for: one neutral line, not a red alert.
      if (code === 'cancelled') report({ status: CANCELLED });
      else report({ error: friendlyError(failure as WorkerError) });
      report({ damaged: code === 'payload_damaged' });
      return undefined;
    } finally {
      progress = undefined;
      report({ progress: undefined });
    }
  }

  async function extractToTemp(entry: EntryInfo): Promise<{ blob: Blob; temp: TempOutput } | undefined> {
    const temp = await step(() => steps.tempOutput('file', `"${baseName(entry.path, '')}"`, entry.size));
    if (!temp) return undefined;
    const result = await step(() => steps.run({ type: 'extract', path: entry.path, output: temp.output }, onProgress));
    if (!result) {
      await temp.discard();
      return undefined;
    }
    return { blob: await temp.file(), temp };
  }

  /** Runs a command whose output is a download; the result once the download has all of it. */
  async function saveAsDownload<C extends Command>(plan: DownloadPlan, command: (target: DownloadOutput) => C) {
    const target = await step(() => steps.downloadOutput(plan));
    if (!target) return undefined;
    const result = await step(() => steps.run(command(target), onProgress));
    if (!result) {
      await target.discard();
      return undefined;
    }
    const delivered = await step(async () => {
      await target.deliver();
      return true;
    });
    return delivered ? result : undefined;
  }

  async function unlockWith(credentials: UnlockCredentials) {
    if (!file) return;
    const result = await step(() => steps.run({ type: 'unlock', file: workerInput(file), credentials }, onProgress));
    if (!result) return;
    const unlocked = { entries: result.entries, totalSize: result.totalSize, credentials };
    report({ unlocked });
    steps.remember({ file, slots: read().slots, unlocked });
  }

  return {
    unlockWith,

    /** A failure from outside the flow (the passkey prompt), shown like the flow's own. */
    showError(error: FriendlyError) {
      report({ error });
    },

    /** What was said is out of date once the person changes what it was about (issue 31 item 5). */
    clearMessages() {
      report({ error: undefined, status: '' });
    },

    /** Asks the worker which ways in the file has (on opening it). */
    async inspect() {
      report({ slots: undefined, unlocked: undefined, error: undefined, status: '', preview: undefined });
      if (!file) return;
      try {
        const result = await steps.run({ type: 'inspect', file: workerInput(file) });
        report({ slots: result.slots });
        steps.remember({ file, slots: result.slots });
      } catch (failure) {
        report({ error: friendlyError(failure as WorkerError) });
      }
    },

    async unlock(passphrase: string, recoveryKey: string) {
      if (!file) return;
      if (hasKeyTypo(recoveryKey)) {
        const typo = Object.assign(new Error(keyTypoMessage(recoveryKey)), { code: 'key_typo' });
        report({ error: friendlyError(typo) });
        return;
      }
      if (!passphrase && !recoveryKey.trim()) {
        report({ error: { headline: 'Type the passphrase or the recovery key first.', detail: '' } });
        return;
      }
      await unlockWith({ passphrase: passphrase || undefined, recoveryKey: recoveryKey.trim() || undefined });
    },

    async verify() {
      const result = await step(() => steps.run({ type: 'verify' }, onProgress));
      if (result?.repairs) report({ repairable: result.repairs });
      else if (result)
        report({ status: `Verified: all ${result.files} files (${formatBytes(result.bytes)}) are intact.` });
    },

    /** A clean copy of a backup with parity (spec 11.5), saved like any download; the original is untouched. */
    async repair() {
      // Named before the output's temporary file: naming one removes this tab's older ones.
      const paritySpill = await steps.paritySpill();
      const name = `${(file?.name ?? 'backup').replace(/\.coffer$/i, '')}-repaired.coffer`;
      const plan = { name, purpose: 'file', what: 'The repaired backup', maxSize: file?.size ?? 0 };
      const result = await saveAsDownload(plan, (target) => ({ type: 'repair', output: target.output, paritySpill }));
      if (!result) return;
      report({
        status: `Repaired: saved a clean copy as ${name} (${formatBytes(result.size)}). ${result.repairs.join('; ')}.`,
      });
    },

    async download(entry: EntryInfo) {
      const name = baseName(entry.path, 'file');
      const plan = { name, purpose: 'file', what: `"${name}"`, maxSize: entry.size, exactSize: entry.size };
      const result = await saveAsDownload(plan, (target) => ({
        type: 'extract',
        path: entry.path,
        output: target.output,
      }));
      if (!result) return;
      report({ status: `Saved "${name}" (${formatBytes(entry.size)}) to your downloads folder.` });
    },

    async showPreview(entry: EntryInfo) {
      const kind = previewKind(entry);
      const extracted = kind && (await extractToTemp(entry));
      if (!kind || !extracted) return;
      try {
        if (kind === 'image')
          report({ preview: { path: entry.path, kind, url: await steps.imageUrl(extracted.blob) } });
        else report({ preview: { path: entry.path, kind, text: await extracted.blob.text() } });
      } finally {
        await extracted.temp.discard();
      }
    },

    async readChats(entry: EntryInfo) {
      const extracted = await extractToTemp(entry);
      if (!extracted) return;
      const name = baseName(entry.path, 'msgstore.db');
      const chatsFile = new File([extracted.blob], name, { type: 'application/octet-stream' });
      report({ chats: { source: { file: chatsFile, name }, release: extracted.temp.hold() } });
    },

    restoreAll(salvage = false) {
      const unlocked = read().unlocked;
      return steps.restoreEverything(
        {
          file,
          entries: unlocked?.entries ?? [],
          run: step,
          saveAsDownload,
          onProgress,
          setStatus: (status) => report({ status }),
          setSalvaged: (salvaged) => report({ salvaged }),
        },
        salvage,
      );
    },
  };
}

export type RestoreFlow = ReturnType<typeof restoreFlow>;
