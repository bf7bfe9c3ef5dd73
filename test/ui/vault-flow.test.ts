/** The "On this device" flow (issue 29 part 3): listing, deleting, persistence, folders, without a browser. */
import { describe, expect, it, vi } from 'vitest';
import type { RememberedFolder, StoredBackup } from '../../src/ui/vault/db.ts';
import { initialVault, type VaultSteps, vaultFlow } from '../../src/ui/vault/vault-flow.ts';
import { recorder } from './flow-harness.ts';

const backup = { id: 'b1', name: 'photos.coffer', size: 10 } as StoredBackup;
const folder = { name: 'Photos' } as RememberedFolder;

function fakeSteps(overrides: Partial<VaultSteps> = {}): VaultSteps {
  return {
    listStored: vi.fn(async () => [backup]),
    storageInfo: vi.fn(async () => ({ usage: 100, quota: 1000, persisted: false })),
    hasRememberedKey: vi.fn(async () => true),
    rememberedFolders: vi.fn(async () => [folder]),
    readRememberedFolder: vi.fn(async () => [{ path: 'Photos', type: 'dir' as const, mtime: 0 }]),
    forgetFolder: vi.fn(async () => {}),
    openStored: vi.fn(async () => new File(['x'], 'photos.coffer')),
    download: vi.fn(async () => {}),
    confirm: vi.fn(() => true),
    removeStored: vi.fn(async () => {}),
    requestPersistence: vi.fn(async () => true),
    forgetRecoveryKey: vi.fn(async () => {}),
    ...overrides,
  };
}

function setUp(overrides: Partial<VaultSteps> = {}) {
  const steps = fakeSteps(overrides);
  const run = recorder(initialVault());
  const callbacks = { onOpen: vi.fn(), onBackUpAgain: vi.fn() };
  return { steps, run, callbacks, flow: vaultFlow(steps, run.report, callbacks) };
}

describe('the "On this device" flow', () => {
  it('lists what is stored, the storage, the remembered key and the folders', async () => {
    const { run, flow } = setUp();
    await flow.refresh();
    expect(run.state.backups).toEqual([backup]);
    expect(run.state.storage?.quota).toBe(1000);
    expect(run.state.remembered).toBe(true);
    expect(run.state.folders).toEqual([folder]);
  });

  it('deletes only after the person confirms, then says so and lists again', async () => {
    const refused = setUp({ confirm: () => false });
    await refused.flow.remove(backup);
    expect(refused.steps.removeStored).not.toHaveBeenCalled();
    expect(refused.run.changes).toEqual([]);

    const { steps, run, flow } = setUp();
    await flow.remove(backup);
    expect(steps.removeStored).toHaveBeenCalledWith(backup);
    expect(run.state.message).toBe('Deleted photos.coffer.');
    expect(steps.listStored).toHaveBeenCalledTimes(1);
  });

  it('a delete that fails midway says nothing was deleted and does not list again', async () => {
    const { steps, run, flow } = setUp({
      removeStored: async () => {
        throw new Error('storage gone');
      },
    });
    await expect(flow.remove(backup)).rejects.toThrow('storage gone');
    expect(run.state.message).toBe('');
    expect(steps.listStored).not.toHaveBeenCalled();
  });

  it('a refused persistence request is a caution with a next step, never a success', async () => {
    const { run, flow } = setUp({ requestPersistence: async () => false });
    await flow.persist();
    expect(run.state.message).toBe('');
    expect(run.state.refusal).toMatch(/did not agree to keep them/);

    const granted = setUp();
    await granted.flow.persist();
    expect(granted.run.state.message).toMatch(/will keep these backups/);
    expect(granted.run.state.refusal).toBe('');
  });

  it('a folder that can no longer be read is a caution, and nothing is handed to the backup tab', async () => {
    const { run, flow, callbacks } = setUp({
      readRememberedFolder: async () => {
        throw new Error('Permission to read Photos was not granted.');
      },
    });
    run.report({ message: 'Deleted old.coffer.' });
    await flow.backUpAgain(folder);
    expect(callbacks.onBackUpAgain).not.toHaveBeenCalled();
    expect(run.state.message).toBe('');
    expect(run.state.refusal).toBe('Permission to read Photos was not granted.');
  });

  it('hands a readable folder and an opened copy to the app', async () => {
    const { flow, callbacks } = setUp();
    await flow.backUpAgain(folder);
    expect(callbacks.onBackUpAgain).toHaveBeenCalledWith([{ path: 'Photos', type: 'dir', mtime: 0 }]);
    await flow.open(backup);
    expect((callbacks.onOpen.mock.calls[0]![0] as File).name).toBe('photos.coffer');
  });

  it('forgetting the remembered key says so and lists again', async () => {
    const { steps, run, flow } = setUp();
    await flow.forget();
    expect(steps.forgetRecoveryKey).toHaveBeenCalled();
    expect(run.state.message).toMatch(/remembered recovery key was removed/);
    expect(steps.hasRememberedKey).toHaveBeenCalled();
  });
});
