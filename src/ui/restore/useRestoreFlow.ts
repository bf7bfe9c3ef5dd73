/** The Open tab's state and its flow (restore-flow.ts), wired to the worker and this browser. */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { BackupFile } from '../shared/backup-file.ts';
import { coffer } from '../shared/client.ts';
import { newTempName } from '../shared/download.ts';
import { downloadOutput } from '../shared/download-output.ts';
import { useMergedState } from '../shared/merged-state.ts';
import { hasPrivateStorage, tempOutput } from '../shared/temp-output.ts';
import { imageUrl, releaseImageUrl } from './preview.ts';
import { remember, rememberedFor } from './remembered.ts';
import { restoreEverything } from './restore-all.ts';
import { type RestoreSteps, restoreFlow, restoreStateFor } from './restore-flow.ts';

const BROWSER_STEPS: RestoreSteps = {
  run: (command, onProgress) => coffer.run(command, onProgress),
  tempOutput,
  downloadOutput,
  paritySpill: async () => ((await hasPrivateStorage()) ? await newTempName('parity') : undefined),
  imageUrl,
  restoreEverything,
  remember,
  now: () => performance.now(),
};

export function useRestoreFlow(file: BackupFile | undefined) {
  const [state, report] = useMergedState(() => restoreStateFor(rememberedFor(file)));
  const latest = useRef(state);
  latest.current = state;
  const flow = useMemo(() => restoreFlow(file, BROWSER_STEPS, report, () => latest.current), [file, report]);

  useEffect(() => {
    if (rememberedFor(file)?.slots) return; // Back from another tab: still open as it was.
    void flow.inspect();
  }, [flow]);

  useEffect(() => () => releaseImageUrl(state.preview?.url), [state.preview]);
  useEffect(() => () => state.chats?.release(), [state.chats]);

  return { ...state, ...flow, busy: state.progress !== undefined, cancel: () => coffer.cancel() };
}
