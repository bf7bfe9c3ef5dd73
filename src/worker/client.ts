/// <reference path="./assets.d.ts" />
/**
 * The page's side of the worker protocol. One command at a time; cancel terminates the worker
 * (the only way to stop WebCrypto and WASM mid-call) and a fresh one starts on the next command.
 */
import cofferWorkerUrl from './coffer.worker.ts?worker&url';
import { HelperHost } from './helper-host.ts';
import {
  type Command,
  type HelperRequest,
  type Progress,
  portsOf,
  RESULT_OF,
  type Result,
  type ResultOf,
  type WorkerErrorCode,
  type WorkerMessage,
} from './protocol.ts';
import { startWorker, whenPolicyArrives } from './start-worker.ts';

export class WorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

/**
 * The one check both clients (this one and the chat reader's) make of an answer: it is the kind
 * of result the request asked for, so callers get it typed and check nothing.
 */
export function expectedResult<R extends { type: string }, T extends R['type']>(
  result: R,
  expected: T,
): Extract<R, { type: T }> {
  if (result.type !== expected) throw new WorkerError('internal', `Expected ${expected}, got ${result.type}.`);
  return result as Extract<R, { type: T }>;
}

interface Pending {
  id: number;
  resolve: (result: Result) => void;
  reject: (error: WorkerError) => void;
  onProgress?: (progress: Progress) => void;
}

export class CofferClient {
  private worker: Worker | undefined;
  private helpers: HelperHost | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private output: Blob | undefined;

  private start(): Worker {
    const worker = startWorker(cofferWorkerUrl, { type: 'module', name: 'coffer' });
    const helpers = new HelperHost(worker);
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      if (!helpers.handle(event.data)) this.receive(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.settle((pending) =>
        pending.reject(new WorkerError('internal', event.message || 'The Coffer worker stopped.')),
      );
    };
    this.worker = worker;
    this.helpers = helpers;
    return worker;
  }

  private receive(message: Exclude<WorkerMessage, HelperRequest>): void {
    const pending = this.pending;
    if (!pending || message.id !== pending.id) return;
    if (message.type === 'progress') pending.onProgress?.(message.progress);
    else if (message.type === 'result') {
      this.output = message.output;
      this.settle((p) => p.resolve(message.result));
    } else this.settle((p) => p.reject(new WorkerError(message.code, message.message)));
  }

  private settle(action: (pending: Pending) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) action(pending);
  }

  /**
   * Starts the worker ahead of time, so its code is loaded before anyone needs it. On a first
   * visit, once the service worker has taken control: started before, it would start from a blob
   * for the page's whole life, and in Firefox a blob-started worker's imports bypass the service
   * worker, so offline they would fail (start-worker.ts).
   */
  warmUp(): void {
    whenPolicyArrives(() => {
      this.worker ??= this.start();
    });
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Runs one command; its answer is checked to be the result that command gives (RESULT_OF). */
  run<C extends Command>(command: C, onProgress?: (progress: Progress) => void): Promise<ResultOf<C>> {
    if (this.pending) return Promise.reject(new WorkerError('busy', 'Coffer is still working on something else.'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    this.output = undefined;
    return new Promise<Result>((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress };
      worker.postMessage({ id, command }, portsOf(command));
    }).then((result) => expectedResult(result, RESULT_OF[command.type as C['type']]) as ResultOf<C>);
  }

  /** The file the last command wrote to a `memory` output (handed over once, then forgotten). */
  takeOutput(): Blob | undefined {
    const output = this.output;
    this.output = undefined;
    return output;
  }

  /** Stops at once. Whatever the command held (keys, an unlocked backup) is gone with it. */
  cancel(): void {
    this.worker?.terminate();
    this.helpers?.stopAll();
    this.worker = undefined;
    this.helpers = undefined;
    this.settle((pending) => pending.reject(new WorkerError('cancelled', 'Cancelled.')));
  }
}
