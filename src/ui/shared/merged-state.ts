/**
 * A panel's state as one object changed by parts. Flows report through `(change) => void`, so the
 * same flow runs against a plain object in the unit tests and against Preact state in the page.
 */
import { useCallback, useState } from 'preact/hooks';

export type Report<State> = (change: Partial<State>) => void;

export function useMergedState<State>(initial: State | (() => State)): [State, Report<State>] {
  const [state, setState] = useState<State>(initial);
  const report = useCallback((change: Partial<State>) => setState((old) => ({ ...old, ...change })), []);
  return [state, report];
}
