import { displayName } from '../../core/display-name.ts';
import type { Progress } from '../../worker/protocol.ts';
import { formatBytes, formatDuration } from '../shared/format.ts';
import { usePhaseRate } from './phase-rate.ts';

const PHASES: Record<Progress['phase'], string> = {
  'deriving-key': 'Deriving the key from your passphrase…',
  writing: 'Encrypting',
  verifying: 'Checking every byte of the backup',
  reading: 'Reading',
  restoring: 'Restoring',
  decrypting: 'Decrypting',
};

export interface ProgressState {
  progress: Progress;
  startedAt: number;
}

/** Bytes, percent, speed, time left and the current file, with the Cancel button beside them. */
export function ProgressView({ state, onCancel }: { state: ProgressState; onCancel: () => void }) {
  const { progress } = state;
  const { speed, secondsLeft: left } = usePhaseRate(progress);
  const fraction = progress.bytesTotal > 0 ? Math.min(1, progress.bytesDone / progress.bytesTotal) : 0;
  return (
    <section class="progress" aria-live="polite" aria-busy="true">
      <p class="progress-phase">{PHASES[progress.phase]}</p>
      <progress max={1} value={fraction} aria-label="Progress" />
      <p class="progress-figures">
        <span>
          {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)} ({Math.floor(fraction * 100)}%)
        </span>
        {speed > 0 && <span>{formatBytes(speed)}/s</span>}
        {/* At 100% only the finishing steps are left: a countdown there would linger. */}
        {speed > 0 && fraction < 1 && <span>{formatDuration(left)} left</span>}
      </p>
      {progress.currentPath && <p class="progress-file">{displayName(progress.currentPath)}</p>}
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}
