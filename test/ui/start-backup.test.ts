/** "Create backup" as a plain flow (issue 29 part 3): every ending, without a browser. */
import { describe, expect, it, vi } from 'vitest';
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import type { BackupDone } from '../../src/ui/backup/make-backup.ts';
import type { PendingForm } from '../../src/ui/backup/pending.ts';
import { type BackupInput, type BackupSteps, READY, startBackup } from '../../src/ui/backup/start-backup.ts';
import type { Strength } from '../../src/ui/shared/strength.ts';
import { NotEnoughSpace, WrongDevicePassphrase } from '../../src/ui/vault/refusals.ts';
import type { BackupItem } from '../../src/worker/protocol.ts';
import { recorder } from './flow-harness.ts';

const STRONG: Strength = { score: 4, crackTime: 'centuries', suggestions: [], acceptable: true };
const ITEMS: BackupItem[] = [{ path: 'notes.txt', type: 'file', mtime: 0, file: new File(['hello'], 'notes.txt') }];
const FORM: PendingForm = {
  usePassphrase: true,
  passphrase: 'correct horse battery staple',
  confirmation: 'correct horse battery staple',
  keyChoice: 'none',
  newKey: '',
  keyConfirmation: '',
  existingKey: '',
  remember: false,
  rememberWith: 'device-passphrase',
  keep: false,
};
const DONE = { name: 'notes.coffer', size: 100 } as BackupDone;

function input(change: Partial<BackupInput> = {}): BackupInput {
  return {
    items: ITEMS,
    form: FORM,
    strength: STRONG,
    options: { strong: false, compress: true, verify: true, parity: false },
    canKeep: true,
    rememberedWith: undefined,
    devicePassphrase: '',
    deviceStrength: undefined,
    deviceUnlocked: false,
    ...change,
  };
}

function steps(change: Partial<BackupSteps> = {}): BackupSteps {
  return {
    pickSaveTarget: vi.fn(async () => undefined),
    recallRecoveryKey: vi.fn(async () => '1'.repeat(64)),
    makeBackup: vi.fn(async (_request, _handle, onProgress) => {
      onProgress({ bytesDone: 5, bytesTotal: 5, currentPath: 'notes.txt', phase: 'writing' });
      return DONE;
    }),
    rememberWithPasskey: vi.fn(async () => {}),
    rememberWithDevicePassphrase: vi.fn(async () => {}),
    noteRemembered: vi.fn(),
    clearSecrets: vi.fn(),
    now: () => 1000,
    ...change,
  };
}

describe('"Create backup"', () => {
  it('makes the backup with progress, clears the secrets and says it is done', async () => {
    const fakes = steps();
    const run = recorder(READY);
    await startBackup(input(), fakes, run.report);
    const request = (fakes.makeBackup as ReturnType<typeof vi.fn>).mock.calls[0]![0];
    expect(request).toMatchObject({
      passphrase: FORM.passphrase,
      recoveryKey: undefined,
      keep: false,
      parity: undefined,
    });
    const shown = run.changes.filter((change) => 'progress' in change).map((change) => change.progress?.progress.phase);
    expect(shown).toEqual(['deriving-key', 'writing', undefined]);
    expect(fakes.clearSecrets).toHaveBeenCalledOnce();
    expect(run.state).toMatchObject({
      done: DONE,
      problem: '',
      cancelled: false,
      progress: undefined,
      error: undefined,
    });
  });

  it('a form problem is said and nothing starts', async () => {
    const fakes = steps();
    const run = recorder(READY);
    await startBackup(input({ form: { ...FORM, confirmation: 'other' } }), fakes, run.report);
    expect(run.state.problem).toBe('The two passphrases are not the same.');
    expect(fakes.pickSaveTarget).not.toHaveBeenCalled();
    await startBackup(input({ items: [] }), fakes, run.report);
    expect(run.state.problem).toBe('Add at least one file or folder first.');
    await startBackup(input({ strength: undefined }), fakes, run.report);
    expect(run.state.problem).toBe('Checking the passphrase strength…');
    expect(fakes.makeBackup).not.toHaveBeenCalled();
  });

  it('asks for a device passphrase strong enough to protect a key it is to remember', async () => {
    const run = recorder(READY);
    const form: PendingForm = { ...FORM, keyChoice: 'existing', existingKey: generateRecoveryKey(), remember: true };
    await startBackup(input({ form }), steps(), run.report);
    expect(run.state.problem).toBe('Choose a device passphrase to protect the remembered key.');
    const weak: Strength = { ...STRONG, acceptable: false, score: 1 };
    await startBackup(input({ form, devicePassphrase: 'abc', deviceStrength: weak }), steps(), run.report);
    expect(run.state.problem).toBe('This device passphrase is too easy to guess: try several unrelated words.');
  });

  it('a closed save dialog ends quietly, with nothing made', async () => {
    const fakes = steps({
      pickSaveTarget: async () => {
        throw new DOMException('The user aborted a request.', 'AbortError');
      },
    });
    const run = recorder(READY);
    await startBackup(input(), fakes, run.report);
    expect(fakes.makeBackup).not.toHaveBeenCalled();
    expect(run.state).toEqual({ ...READY, done: undefined, error: undefined });
  });

  it('a wrong device passphrase for the remembered key is a form problem, before any work', async () => {
    const fakes = steps({
      recallRecoveryKey: async () => {
        throw new WrongDevicePassphrase();
      },
    });
    const run = recorder(READY);
    const form: PendingForm = { ...FORM, keyChoice: 'remembered' };
    await startBackup(
      input({ form, rememberedWith: 'device-passphrase', devicePassphrase: 'nope' }),
      fakes,
      run.report,
    );
    expect(run.state.problem).toBe('That device passphrase does not open the remembered recovery key.');
    expect(fakes.makeBackup).not.toHaveBeenCalled();
  });

  it('cancel midway says cancelled, keeps the secrets for another try and clears the progress', async () => {
    const fakes = steps({
      makeBackup: async (_request, _handle, onProgress) => {
        onProgress({ bytesDone: 1, bytesTotal: 5, currentPath: 'notes.txt', phase: 'writing' });
        throw Object.assign(new Error('Cancelled.'), { code: 'cancelled' });
      },
    });
    const run = recorder(READY);
    await startBackup(input(), fakes, run.report);
    expect(run.state).toMatchObject({ cancelled: true, error: undefined, done: undefined, progress: undefined });
    expect(fakes.clearSecrets).not.toHaveBeenCalled();
  });

  it('a failure midway is said in words, and a full device gets its own advice', async () => {
    const run = recorder(READY);
    await startBackup(
      input(),
      steps({ makeBackup: async () => Promise.reject(new NotEnoughSpace(2e9, 1e9)) }),
      run.report,
    );
    expect(run.state.error?.headline).toBe('Not enough space on this device to keep a copy.');
    expect(run.state.error?.advice).toMatch(/Untick "Keep a copy on this device"/);
    const failing = steps({
      makeBackup: async () => Promise.reject(Object.assign(new Error('disk gone'), { code: 'io' })),
    });
    await startBackup(input(), failing, run.report);
    expect(run.state.error?.detail).toBe('disk gone');
    expect(run.state.done).toBeUndefined();
    expect(failing.clearSecrets).not.toHaveBeenCalled();
  });

  it('remembers a new key as asked; a failure to remember still reports the backup made', async () => {
    const key = '2'.repeat(64);
    const form: PendingForm = {
      ...FORM,
      keyChoice: 'new',
      newKey: key,
      keyConfirmation: key.slice(-8),
      remember: true,
    };
    const fakes = steps();
    const run = recorder(READY);
    await startBackup(input({ form, deviceUnlocked: true }), fakes, run.report);
    expect(fakes.rememberWithDevicePassphrase).toHaveBeenCalledWith(key, undefined);
    expect(fakes.noteRemembered).toHaveBeenCalledWith('device-passphrase');

    const failing = steps({ rememberWithPasskey: async () => Promise.reject(new Error('No passkey answered.')) });
    const again = recorder(READY);
    await startBackup(input({ form: { ...form, rememberWith: 'passkey' } }), failing, again.report);
    expect(again.state.done).toBe(DONE);
    expect(again.state.error).toEqual({
      headline: 'The backup was made, but the recovery key was not remembered.',
      detail: 'No passkey answered.',
    });
    expect(failing.noteRemembered).not.toHaveBeenCalled();
  });
});
