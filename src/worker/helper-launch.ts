/// <reference lib="webworker" />
/**
 * A worker's side of its helpers (protocol.ts, HelperRequest): each helper is asked of the page,
 * which starts it and carries the messages between them both ways (`helper-message`), moving
 * their buffers rather than copying them. Messages sent before the helper is up wait in the
 * page's Worker, so a helper is usable at once.
 */
import type { HelperFailed, HelperKind, HelperMessage, HelperRequest } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

export interface LaunchedHelper {
  /** Sends to the helper; what `transfer` lists is moved, not copied. */
  post(message: unknown, transfer?: Transferable[]): void;
  /** Asks the page to stop the helper; nothing more arrives from it. */
  stop(): void;
}

/** What a helper's user hears: each of its answers, and its failure (it could not start, or stopped). */
export interface HelperEvents<Reply> {
  reply(message: Reply): void;
  failed(error: Error): void;
}

let nextHelper = 1;
const listeners = new Map<number, HelperEvents<unknown>>();

function ask(request: HelperRequest, transfer: Transferable[] = []): void {
  self.postMessage(request, transfer);
}

/** Whether helpers can be asked of a page: in a dedicated worker, not in Node or a page. */
export function canLaunchHelpers(): boolean {
  return typeof WorkerGlobalScope !== 'undefined' && typeof self !== 'undefined' && self instanceof WorkerGlobalScope;
}

/** Starts a helper of this kind through the page; `events` hears its answers and its failure. */
export function launchHelper<Reply>(kind: HelperKind, events: HelperEvents<Reply>): LaunchedHelper {
  const helper = nextHelper++;
  listeners.set(helper, events as HelperEvents<unknown>);
  ask({ type: 'helper-start', helper, kind });
  return {
    post(message, transfer = []) {
      // Only stop() removes the listener: after it, nothing more goes to the helper.
      if (listeners.has(helper)) ask({ type: 'helper-message', helper, data: message, transfer }, transfer);
    },
    stop() {
      listeners.delete(helper);
      ask({ type: 'helper-stop', helper });
    },
  };
}

function isFromPage(data: unknown): data is HelperFailed | HelperMessage {
  const type = (data as { type?: unknown } | null)?.type;
  return type === 'helper-failed' || type === 'helper-message';
}

/**
 * A worker's message handler that first takes the page's messages about its helpers (an answer,
 * or the word that one failed, whose user then fails every job waiting on it); every other
 * message goes to `handler`.
 */
export function withHelperReports<T>(
  handler: (event: MessageEvent<T>) => unknown,
): (event: MessageEvent<T | HelperFailed | HelperMessage>) => void {
  return (event) => {
    const { data } = event;
    if (!isFromPage(data)) {
      void handler(event as MessageEvent<T>);
      return;
    }
    const listener = listeners.get(data.helper);
    if (data.type === 'helper-message') listener?.reply(data.data);
    else listener?.failed(new Error(data.message));
  };
}
