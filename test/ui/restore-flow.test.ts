/** The Open tab's flows (issue 29 part 3): inspect, unlock, verify, repair, save, preview, restore all, without a browser. */
import { describe, expect, it, vi } from 'vitest';
import { generateRecoveryKey } from '../../src/core/recovery-key.ts';
import {
  CANCELLED,
  type RestoreState,
  type RestoreSteps,
  restoreFlow,
  restoreStateFor,
} from '../../src/ui/restore/restore-flow.ts';
import type { DownloadOutput } from '../../src/ui/shared/download-output.ts';
import type { TempOutput } from '../../src/ui/shared/temp-output.ts';
import type { Command, EntryInfo } from '../../src/worker/protocol.ts';
import { recorder } from './flow-harness.ts';

const FILE = new File(['coffer'], 'photos.coffer');
const ENTRY: EntryInfo = { path: 'photos/cat.txt', type: 'file', size: 5, mtime: 0 };
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

function fakeTemp() {
  return {
    output: { kind: 'opfs', name: 'temp-1' },
    file: vi.fn(async () => new Blob(['hello'])),
    handOver: vi.fn(async () => {}),
    discard: vi.fn(async () => {}),
    hold: vi.fn(() => () => {}),
  } satisfies TempOutput;
}

function fakeDownload() {
  return {
    output: { kind: 'opfs', name: 'download-1' },
    deliver: vi.fn(async () => {}),
    discard: vi.fn(async () => {}),
  } satisfies DownloadOutput;
}

const ANSWERS: Record<string, unknown> = {
  inspect: { type: 'inspected', slots: [{ type: 'recovery-key' }], size: 6 },
  unlock: { type: 'unlocked', entries: [ENTRY], totalSize: 5 },
  verify: { type: 'verified', files: 1, bytes: 5 },
  extract: { type: 'extracted', size: 5 },
  repair: { type: 'repaired', size: 9, repairs: ['2 chunks rebuilt'] },
};

function setUp(change: Partial<RestoreSteps> = {}, answers: Record<string, unknown> = ANSWERS) {
  const temp = fakeTemp();
  const target = fakeDownload();
  const steps: RestoreSteps = {
    run: vi.fn(async (command: Command) => {
      const answer = answers[command.type];
      if (answer instanceof Error) throw answer;
      return answer as never;
    }),
    tempOutput: vi.fn(async () => temp),
    downloadOutput: vi.fn(async () => target),
    paritySpill: async () => 'parity-1',
    imageUrl: async () => 'blob:preview',
    restoreEverything: vi.fn(async () => {}),
    remember: vi.fn(),
    now: () => 0,
    ...change,
  };
  const run = recorder<RestoreState>(restoreStateFor(undefined));
  const flow = restoreFlow(FILE, steps, run.report, () => run.state);
  return { steps, temp, target, run, flow };
}

describe('the Open tab', () => {
  it('inspects the file, then unlocks it and remembers it for the next visit to the tab', async () => {
    const { steps, run, flow } = setUp();
    await flow.inspect();
    expect(run.state.slots).toEqual([{ type: 'recovery-key' }]);
    const key = generateRecoveryKey();
    await flow.unlock('', key);
    expect(run.state.unlocked?.entries).toEqual([ENTRY]);
    expect(run.state.unlocked?.credentials).toEqual({ passphrase: undefined, recoveryKey: key });
    expect(steps.remember).toHaveBeenLastCalledWith({
      file: FILE,
      slots: run.state.slots,
      unlocked: run.state.unlocked,
    });
    expect(run.state.progress).toBeUndefined();
  });

  it('a typo in the recovery key or nothing typed is said before the worker is asked', async () => {
    const { steps, run, flow } = setUp();
    await flow.unlock('', '1234');
    expect(run.state.error?.detail).toBe('A recovery key has 64 digits; this has 4.');
    await flow.unlock('', '  ');
    expect(run.state.error?.headline).toBe('Type the passphrase or the recovery key first.');
    expect(steps.run).not.toHaveBeenCalled();
  });

  it('a wrong passphrase is an error, and the backup stays locked', async () => {
    const { run, flow } = setUp({}, { ...ANSWERS, unlock: coded('wrong_key') });
    await flow.unlock('nope', '');
    expect(run.state.error?.headline).toBe('That does not unlock this backup.');
    expect(run.state.unlocked).toBeUndefined();
    expect(run.state.progress).toBeUndefined();
  });

  it('a file that is not a backup is said on inspection', async () => {
    const { run, flow } = setUp({}, { ...ANSWERS, inspect: coded('not_coffer', 'bad magic') });
    await flow.inspect();
    expect(run.state.error).toBeDefined();
    expect(run.state.slots).toBeUndefined();
  });

  it('cancel midway is one neutral line, and the download is discarded (staged file removed or stream failed)', async () => {
    const { target, run, flow } = setUp({}, { ...ANSWERS, extract: coded('cancelled') });
    await flow.download(ENTRY);
    expect(run.state.status).toBe(CANCELLED);
    expect(run.state.error).toBeUndefined();
    expect(target.discard).toHaveBeenCalledOnce();
    expect(target.deliver).not.toHaveBeenCalled();
  });

  it('a download that breaks off after the worker finished is an error, never "Saved"', async () => {
    const { target, run, flow } = setUp();
    target.deliver.mockRejectedValueOnce(coded('io', 'The download of cat.txt stopped before it was complete.'));
    await flow.download(ENTRY);
    expect(run.state.error?.detail).toMatch(/stopped before it was complete/);
    expect(run.state.status).toBe('');
  });

  it('damage met midway offers salvage; a later clean step clears the offer', async () => {
    const { run, flow } = setUp({}, { ...ANSWERS, verify: coded('payload_damaged', 'chunk 3 failed') });
    await flow.verify();
    expect(run.state.damaged).toBe(true);
    expect(run.state.error?.detail).toBe('chunk 3 failed');
    const clean = setUp();
    clean.run.report({ damaged: true });
    await clean.flow.verify();
    expect(clean.run.state.damaged).toBe(false);
    expect(clean.run.state.status).toBe('Verified: all 1 files (5 bytes) are intact.');
  });

  it('a verify that finds repairable damage offers the repair, which saves a clean copy', async () => {
    const { steps, target, run, flow } = setUp(
      {},
      { ...ANSWERS, verify: { type: 'verified', files: 1, bytes: 5, repairs: ['chunk 3'] } },
    );
    await flow.verify();
    expect(run.state.repairable).toEqual(['chunk 3']);
    await flow.repair();
    expect(steps.run).toHaveBeenLastCalledWith(
      { type: 'repair', output: target.output, paritySpill: 'parity-1' },
      expect.any(Function),
    );
    expect(steps.downloadOutput).toHaveBeenCalledWith(expect.objectContaining({ name: 'photos-repaired.coffer' }));
    expect(target.deliver).toHaveBeenCalledOnce();
    expect(run.state.status).toMatch(/^Repaired: saved a clean copy as photos-repaired.coffer/);
  });

  it('a repair that fails midway keeps nothing', async () => {
    const { target, run, flow } = setUp({}, { ...ANSWERS, repair: coded('payload_damaged', 'too much damage') });
    await flow.repair();
    expect(target.discard).toHaveBeenCalledOnce();
    expect(target.deliver).not.toHaveBeenCalled();
    expect(run.state.status).toBe('');
  });

  it('saves one file, previews text, and keeps a chat database readable', async () => {
    const { steps, temp, target, run, flow } = setUp();
    await flow.download(ENTRY);
    // The exact size is known, so a streamed download states its length.
    expect(steps.downloadOutput).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'cat.txt', maxSize: 5, exactSize: 5 }),
    );
    expect(target.deliver).toHaveBeenCalledOnce();
    expect(run.state.status).toBe('Saved "cat.txt" (5 bytes) to your downloads folder.');
    await flow.showPreview(ENTRY);
    expect(run.state.preview).toEqual({ path: ENTRY.path, kind: 'text', text: 'hello' });
    expect(temp.discard).toHaveBeenCalledOnce();
    await flow.readChats({ ...ENTRY, path: 'msgstore.db' });
    expect(run.state.chats?.source.name).toBe('msgstore.db');
    expect(temp.hold).toHaveBeenCalledOnce();
  });

  it('restore all goes through the same step handling, with the unlocked entries', async () => {
    const { steps, run, flow } = setUp();
    await flow.unlock('pass', '');
    await flow.restoreAll(true);
    const [context, salvage] = (steps.restoreEverything as ReturnType<typeof vi.fn>).mock.calls[0]!;
    expect(salvage).toBe(true);
    expect(context.entries).toEqual([ENTRY]);
    expect(await context.run(async () => Promise.reject(coded('cancelled')))).toBeUndefined();
    expect(run.state.status).toBe(CANCELLED);
  });

  it('the .zip of Restore all is saved like one file: the same download, discard and delivery', async () => {
    const { steps, target, flow } = setUp({}, { ...ANSWERS, 'restore-all': { type: 'restored', files: 1, bytes: 5 } });
    await flow.restoreAll();
    const [context] = (steps.restoreEverything as ReturnType<typeof vi.fn>).mock.calls[0]!;
    const plan = { name: 'photos.zip', purpose: 'zip', what: 'The .zip', maxSize: 9, exactSize: 9 };
    const result = await context.saveAsDownload(plan, (output: DownloadOutput) => ({
      type: 'restore-all',
      target: { kind: 'zip', output: output.output },
    }));
    expect(result).toEqual({ type: 'restored', files: 1, bytes: 5 });
    expect(steps.downloadOutput).toHaveBeenCalledWith(plan);
    expect(target.deliver).toHaveBeenCalledOnce();
  });
});
