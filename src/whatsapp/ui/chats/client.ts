/// <reference path="../../../worker/assets.d.ts" />
/**
 * The page's side of the chat reader's worker. Unlike the Coffer worker's client, several
 * requests may wait at once (pages of a long chat while a search runs); the worker answers them
 * in order. One worker for the page, started right after start-up (see warmUp).
 */

import { expectedResult, WorkerError } from '../../../worker/client.ts';
import { startWorker } from '../../../worker/start-worker.ts';
import chatsWorkerUrl from '../../worker/chats.worker.ts?worker&url';
import type { ChatsCommand, ChatsMessage, ChatsResult } from '../../worker/chats-protocol.ts';

type Pick<T extends ChatsResult['type']> = Extract<ChatsResult, { type: T }>;

export class ChatsClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(result: ChatsResult): void; reject(error: WorkerError): void }
  >();

  private start(): Worker {
    const worker = startWorker(chatsWorkerUrl, { type: 'module', name: 'chats' });
    worker.onmessage = (event: MessageEvent<ChatsMessage>) => {
      const message = event.data;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiting) return;
      if (message.type === 'result') waiting.resolve(message.result);
      else waiting.reject(new WorkerError(message.code, message.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(new WorkerError('internal', event.message || 'The chat reader stopped.'));
    };
    this.worker = worker;
    return worker;
  }

  private fail(error: WorkerError): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  run<T extends ChatsResult['type']>(command: ChatsCommand, expected: T): Promise<Pick<T>> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<ChatsResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, command });
    }).then((result) => expectedResult(result, expected));
  }

  /** Starts the worker (which loads SQLite WASM at once), so reading chats later fetches nothing. */
  warmUp(): void {
    this.worker ??= this.start();
  }

  /**
   * Ends the worker at once, whatever it is doing (a query SQLite cannot interrupt from outside
   * cannot be waited for), and starts a fresh one for the next database. Every waiting request
   * fails as cancelled.
   */
  cancel(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.fail(new WorkerError('cancelled', 'Reading the chats was stopped.'));
    this.warmUp();
  }

  /** Closes the open database; the worker stays, ready for the next one. */
  close(): void {
    if (this.worker) this.run({ type: 'close' }, 'closed').catch(() => {});
  }
}

export const chatsWorker = new ChatsClient();
