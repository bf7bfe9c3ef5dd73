/**
 * Speed and time left from the current phase's own work. Measured from the whole operation, a
 * check after writing inherited the writing's elapsed time and showed minutes left for work
 * that took a second; each phase now starts its own clock and byte count.
 */
import { useRef } from 'preact/hooks';
import type { Progress } from '../../worker/protocol.ts';

interface PhaseStart {
  phase: Progress['phase'];
  at: number;
  bytes: number;
}

export interface PhaseRate {
  /** Bytes per second in this phase, 0 until there is enough to measure. */
  speed: number;
  secondsLeft: number;
}

/** Pure: the rate for `progress` given when its phase began. */
export function phaseRate(progress: Progress, start: PhaseStart, now: number): PhaseRate {
  const seconds = (now - start.at) / 1000;
  const done = progress.bytesDone - start.bytes;
  const speed = seconds > 0.5 && done > 0 ? done / seconds : 0;
  const secondsLeft =
    speed > 0 ? Math.max(0, progress.bytesTotal - progress.bytesDone) / speed : Number.POSITIVE_INFINITY;
  return { speed, secondsLeft };
}

export function usePhaseRate(progress: Progress): PhaseRate {
  const start = useRef<PhaseStart | undefined>(undefined);
  if (!start.current || start.current.phase !== progress.phase) {
    start.current = { phase: progress.phase, at: performance.now(), bytes: progress.bytesDone };
  }
  return phaseRate(progress, start.current, performance.now());
}
