/**
 * What "Change how it unlocks" does when saved, apart from the view: check the choices, ask the
 * worker for the new header, and either replace the copy on this device or save a new file. The
 * browser calls come in as `RekeySteps`, so the unit tests run it against fakes.
 */
import type { WorkerError } from '../../worker/client.ts';
import type { RekeyCommand, ResultOf, SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import type { Report } from '../shared/merged-state.ts';
import { type FriendlyError, friendlyError } from '../shared/messages.ts';
import type { Strength } from '../shared/strength.ts';
import type { UnlockMethod } from '../vault/db.ts';
import type { NewPasskey } from './passkey.ts';
import { type Choices, describeAfter, kindsAfter, problem, request } from './plan.ts';

/** The catalogue's unlock kinds, in the order the vault lists them ('unknown' slots are not listed). */
const KNOWN: UnlockMethod[] = ['passphrase', 'recovery-key', 'passkey'];

type RekeyResult = ResultOf<RekeyCommand>;

export interface RekeyState {
  busy: boolean;
  error?: FriendlyError;
  /** What was saved, said in full; empty until something is. */
  done: string;
}

export const IDLE: RekeyState = { busy: false, done: '' };

export interface RekeySteps {
  rekey(command: RekeyCommand): Promise<RekeyResult>;
  replaceStored(
    stored: { id: string; fileName: string },
    header: Uint8Array,
    oldHeaderLength: number,
    unlock: UnlockMethod[],
  ): Promise<unknown>;
  /** Saves header + old payload where the person picks; undefined when they closed the picker. */
  saveRekeyed(file: File, name: string, rekey: () => Promise<RekeyResult>): Promise<string | undefined>;
}

/** The backup being changed and what the person chose for it. */
export interface RekeyInput {
  file: File;
  credentials: UnlockCredentials;
  slots: SlotInfo[];
  choices: Choices;
  strength: Strength | undefined;
  passkey?: NewPasskey;
  dropPasskeys: boolean;
  /** Set when the backup was opened from this device's storage. */
  stored?: { id: string; fileName: string };
}

/** Runs one save. True when something was saved (the form then starts again from its defaults). */
export async function applyRekey(
  input: RekeyInput,
  target: 'device' | 'file',
  steps: RekeySteps,
  report: Report<RekeyState>,
): Promise<boolean> {
  const { file, slots, choices, passkey, dropPasskeys, stored } = input;
  report({ error: undefined, done: '' });
  const passkeyOnly = (passkey || dropPasskeys) && choices.passphrase === 'keep' && choices.key === 'keep';
  const reason = passkeyOnly ? undefined : problem(slots, choices, input.strength);
  if (reason) {
    report({ error: { headline: reason, detail: '' } });
    return false;
  }
  report({ busy: true });
  try {
    const passkeySlots = slots.filter((slot) => slot.type === 'passkey');
    const rekey = () =>
      steps.rekey({
        type: 'rekey',
        file,
        credentials: input.credentials,
        changes: {
          ...request(choices),
          addPasskey: passkey,
          removePasskeys: dropPasskeys ? passkeySlots.map((slot) => slot.credentialId) : undefined,
        },
      });
    const opens = describeAfter(kindsAfter(slots, choices));
    let saved: string | undefined;
    if (target === 'device' && stored) {
      const result = await rekey();
      const unlock = KNOWN.filter((kind) => result.slots.some((slot) => slot.type === kind));
      try {
        await steps.replaceStored(stored, result.header, result.oldHeaderLength, unlock);
      } catch (failure) {
        report({
          error: { headline: 'The copy on this device was not replaced.', detail: (failure as Error).message },
        });
        return false;
      }
      saved = `Replaced the copy on this device: it opens with ${opens}, and holds the same files. Open it again from "On this device" to use it.`;
    } else {
      const name = `${file.name.replace(/\.coffer$/i, '')}-rekeyed.coffer`;
      const savedName = await steps.saveRekeyed(file, name, rekey);
      if (savedName) {
        saved =
          `Saved ${savedName}: it opens with ${opens}, and holds the same files. ` +
          'The old file still opens the old way: delete old copies you no longer want.';
      }
    }
    if (!saved) return false;
    report({ done: saved });
    return true;
  } catch (failure) {
    report({ error: friendlyError(failure as WorkerError) });
    return false;
  } finally {
    report({ busy: false });
  }
}
