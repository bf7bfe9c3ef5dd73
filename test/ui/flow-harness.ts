/** Runs a panel's flow against a plain object: every change it reports is applied and kept in order. */
export function recorder<State extends object>(initial: State) {
  const state = { ...initial };
  const changes: Partial<State>[] = [];
  const report = (change: Partial<State>) => {
    changes.push(change);
    Object.assign(state, change);
  };
  return { state, changes, report };
}
