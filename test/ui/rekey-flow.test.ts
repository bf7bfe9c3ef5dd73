/** "Change how it unlocks" as a plain flow (issue 29 part 3): every ending, without a browser. */
import { describe, expect, it, vi } from 'vitest';
import { type Choices, INITIAL } from '../../src/ui/rekey/plan.ts';
import { applyRekey, IDLE, type RekeyInput, type RekeySteps } from '../../src/ui/rekey/rekey-flow.ts';
import type { Strength } from '../../src/ui/shared/strength.ts';
import type { RekeyCommand, SlotInfo } from '../../src/worker/protocol.ts';
import { recorder } from './flow-harness.ts';

const SLOTS: SlotInfo[] = [{ type: 'passphrase', memoryKiB: 65536, iterations: 3 }, { type: 'recovery-key' }];
const STRONG: Strength = { score: 4, crackTime: 'centuries', suggestions: [], acceptable: true };
const REMOVE_KEY: Choices = { ...INITIAL, key: 'remove' };
const REKEYED = {
  type: 'rekeyed' as const,
  header: new Uint8Array([1, 2, 3]),
  oldHeaderLength: 10,
  slots: [{ type: 'passphrase' as const, memoryKiB: 65536, iterations: 3 }],
};

function input(change: Partial<RekeyInput> = {}): RekeyInput {
  return {
    file: new File(['x'], 'photos.coffer'),
    credentials: { passphrase: 'old' },
    slots: SLOTS,
    choices: REMOVE_KEY,
    strength: STRONG,
    dropPasskeys: false,
    ...change,
  };
}

function steps(change: Partial<RekeySteps> = {}): RekeySteps {
  return {
    rekey: vi.fn(async () => REKEYED),
    replaceStored: vi.fn(async () => undefined),
    saveRekeyed: vi.fn(async (_file, name, rekey) => {
      await rekey();
      return name;
    }),
    ...change,
  };
}

describe('"Change how it unlocks" when saved', () => {
  it('refuses choices that change nothing, before asking the worker', async () => {
    const fakes = steps();
    const run = recorder(IDLE);
    expect(await applyRekey(input({ choices: INITIAL }), 'file', fakes, run.report)).toBe(false);
    expect(run.state.error?.headline).toBe('Choose what to change first.');
    expect(fakes.rekey).not.toHaveBeenCalled();
    expect(run.state.busy).toBe(false);
  });

  it('waits for the strength of a new passphrase, and refuses a weak one', async () => {
    const choices: Choices = { ...INITIAL, passphrase: 'set', newPassphrase: 'abc', confirmation: 'abc' };
    const run = recorder(IDLE);
    await applyRekey(input({ choices, strength: undefined }), 'file', steps(), run.report);
    expect(run.state.error?.headline).toBe('Checking the passphrase strength…');
    const weak: Strength = { ...STRONG, score: 1, acceptable: false, warning: 'This is a common password' };
    await applyRekey(input({ choices, strength: weak }), 'file', steps(), run.report);
    expect(run.state.error?.headline).toMatch(/^This passphrase is too easy to guess: this is a common password\./);
  });

  it('saves a new file and says how it now opens', async () => {
    const fakes = steps();
    const run = recorder(IDLE);
    expect(await applyRekey(input(), 'file', fakes, run.report)).toBe(true);
    const command = (fakes.rekey as ReturnType<typeof vi.fn>).mock.calls[0]![0] as RekeyCommand;
    expect(command.changes.remove).toEqual(['recovery-key']);
    expect(fakes.saveRekeyed).toHaveBeenCalledWith(expect.any(File), 'photos-rekeyed.coffer', expect.any(Function));
    expect(run.state.done).toMatch(/^Saved photos-rekeyed.coffer: it opens with its passphrase,/);
    expect(run.state.busy).toBe(false);
  });

  it('a closed save dialog is not a success and not an error', async () => {
    const run = recorder(IDLE);
    const saved = await applyRekey(input(), 'file', steps({ saveRekeyed: async () => undefined }), run.report);
    expect(saved).toBe(false);
    expect(run.state).toEqual({ busy: false, done: '', error: undefined });
  });

  it('a worker failure midway becomes its message, and nothing is said saved', async () => {
    const failing = steps({
      rekey: async () => {
        throw Object.assign(new Error('tag mismatch'), { code: 'wrong_key' });
      },
    });
    const run = recorder(IDLE);
    expect(await applyRekey(input({ stored: { id: '1', fileName: 'a' } }), 'device', failing, run.report)).toBe(false);
    expect(run.state.error?.headline).toBe('That does not unlock this backup.');
    expect(run.state.done).toBe('');
    expect(failing.replaceStored).not.toHaveBeenCalled();
    expect(run.state.busy).toBe(false);
  });

  it('a stored copy that cannot be replaced is said so, with the reason', async () => {
    const fakes = steps({
      replaceStored: async () => {
        throw new Error('The copy on this device changed or was deleted since it was opened: open it again.');
      },
    });
    const run = recorder(IDLE);
    const stored = { id: '1', fileName: 'a' };
    expect(await applyRekey(input({ stored }), 'device', fakes, run.report)).toBe(false);
    expect(run.state.error).toEqual({
      headline: 'The copy on this device was not replaced.',
      detail: 'The copy on this device changed or was deleted since it was opened: open it again.',
    });
    expect(run.state.busy).toBe(false);
  });

  it('replaces the stored copy with the unlock kinds the new header has', async () => {
    const fakes = steps();
    const run = recorder(IDLE);
    const stored = { id: '1', fileName: 'a' };
    expect(await applyRekey(input({ stored }), 'device', fakes, run.report)).toBe(true);
    expect(fakes.replaceStored).toHaveBeenCalledWith(stored, REKEYED.header, 10, ['passphrase']);
    expect(fakes.saveRekeyed).not.toHaveBeenCalled();
    expect(run.state.done).toMatch(/^Replaced the copy on this device/);
  });
});
