/**
 * Ctrl-C: the first SIGINT aborts the running operation (which then cleans up and exits 130);
 * a second one runs the synchronous cleanups at once and exits.
 */

const cleanups = new Set<() => void>();
const controller = new AbortController();
let installed = false;

export const interruptSignal: AbortSignal = controller.signal;

export function installInterruptHandler(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    runCleanupsNow();
    process.exit(130);
  });
}

/** Registers a last-resort synchronous cleanup; returns its remover. */
export function onForcedExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function runCleanupsNow(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort while exiting
    }
  }
  cleanups.clear();
}
