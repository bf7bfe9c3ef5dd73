/// <reference lib="webworker" />
/**
 * A worker's side of its helpers (protocol.ts, HelperRequest): each helper is asked of the page,
 * which starts it and hands it the other end of a channel; the worker talks to it over its end.
 * Messages sent before the helper is up wait in the channel, so a helper is usable at once.
 */
import type { HelperFailed, HelperKind, HelperRequest } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

export interface LaunchedHelper {
  /** This worker's end of the helper's channel. */
  port: MessagePort;
  /** Asks the page to stop the helper; nothing more arrives from it. */
  stop(): void;
}

let nextHelper = 1;
const failureHandlers = new Map<number, (error: Error) => void>();

function ask(request: HelperRequest, transfer: Transferable[] = []): void {
  self.postMessage(request, transfer);
}

/** Whether helpers can be asked of a page: in a dedicated worker, not in Node or a page. */
export function canLaunchHelpers(): boolean {
  return (
    typeof MessageChannel !== 'undefined' &&
    typeof WorkerGlobalScope !== 'undefined' &&
    typeof self !== 'undefined' &&
    self instanceof WorkerGlobalScope
  );
}

/** Starts a helper of this kind through the page; `failed` hears if it cannot start or stops. */
export function launchHelper(kind: HelperKind, failed: (error: Error) => void): LaunchedHelper {
  const helper = nextHelper++;
  const channel = new MessageChannel();
  failureHandlers.set(helper, failed);
  ask({ type: 'helper-start', helper, kind, port: channel.port2 }, [channel.port2]);
  return {
    port: channel.port1,
    stop() {
      failureHandlers.delete(helper);
      channel.port1.close();
      ask({ type: 'helper-stop', helper });
    },
  };
}

function isHelperFailed(data: unknown): data is HelperFailed {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'helper-failed';
}

/**
 * A worker's message handler that first takes the page's word on a failed helper (its user then
 * fails every job waiting on it); every other message goes to `handler`.
 */
export function withHelperReports<T>(
  handler: (event: MessageEvent<T>) => unknown,
): (event: MessageEvent<T | HelperFailed>) => void {
  return (event) => {
    const { data } = event;
    if (isHelperFailed(data)) failureHandlers.get(data.helper)?.(new Error(data.message));
    else void handler(event as MessageEvent<T>);
  };
}
