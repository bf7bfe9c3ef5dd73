/**
 * The backup open in the Restore tab, kept while the person looks at another tab: coming back
 * finds it still unlocked (the worker keeps the opened backup until another one is unlocked).
 * Memory only; nothing about it is written anywhere.
 */
import type { EntryInfo, SlotInfo, UnlockCredentials } from '../../worker/protocol.ts';
import type { BackupFile } from '../shared/backup-file.ts';

export interface RememberedRestore {
  file: BackupFile;
  slots?: SlotInfo[];
  unlocked?: { entries: EntryInfo[]; totalSize: number; credentials: UnlockCredentials };
}

let last: RememberedRestore | undefined;

export function rememberedFor(file: BackupFile | undefined): RememberedRestore | undefined {
  return file && last?.file === file ? last : undefined;
}

export function remember(state: RememberedRestore): void {
  last = state;
}
