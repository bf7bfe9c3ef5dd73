/// <reference path="./assets.d.ts" />
/**
 * The page's side of the places worker: a fresh worker for each command, ended when it is done
 * or cancelled. It is started from its URL so that the service worker serves it with the policy
 * that admits the saved places; where no service worker controls the page (nor is about to, on a
 * first visit: until-controlled.ts), nothing is started.
 */

import placesWorkerUrl from './places.worker.ts?worker&url';
import type { PlaceCommand, PlaceFailure, PlaceMessage } from './places-protocol.ts';
import { untilControlled } from './until-controlled.ts';

export class PlaceError extends Error {
  constructor(readonly failure: PlaceFailure) {
    super(failure.message);
    this.name = 'PlaceError';
  }
}

export interface PlaceRunEvents {
  signal?: AbortSignal;
  onProgress?(sent: number, total: number): void;
  onRetry?(attempt: number, of: number): void;
}

const NOT_INSTALLED: PlaceFailure = {
  kind: 'blocked',
  message: "Coffer can reach a place only once it is installed in this browser (its offline files), and it isn't yet.",
  hint: 'Reload the page and try again. In a private window, or where this browser allows no service workers, places are not available.',
};

type Final = Extract<PlaceMessage, { type: 'done' | 'listed' | 'ready' }>;

async function startPlacesWorker(): Promise<Worker> {
  if (!(await untilControlled())) throw new PlaceError(NOT_INSTALLED);
  return new Worker(new URL(placesWorkerUrl, import.meta.url).href, { type: 'module', name: 'places' });
}

/** Runs one command in a fresh places worker, ended after. */
export async function runPlaceCommand(command: PlaceCommand, events: PlaceRunEvents = {}): Promise<Final> {
  const worker = await startPlacesWorker();
  return answer(worker, command, events).finally(() => worker.terminate());
}

/**
 * Opens a backup at a place for reading: the places worker stays, serving range reads on each
 * port `connect` returns (handed to the Coffer worker), until `close`.
 */
export async function openPlaceReader(command: Extract<PlaceCommand, { type: 'serve' }>) {
  const worker = await startPlacesWorker();
  try {
    const ready = await answer(worker, command, {});
    if (ready.type !== 'ready')
      throw new PlaceError({ kind: 'internal', message: 'The places worker did not open it.' });
    return {
      size: ready.size,
      connect(): MessagePort {
        const channel = new MessageChannel();
        worker.postMessage({ type: 'connect', port: channel.port2 } satisfies PlaceCommand, [channel.port2]);
        return channel.port1;
      },
      close: () => worker.terminate(),
    };
  } catch (error) {
    worker.terminate();
    throw error;
  }
}

function answer(worker: Worker, command: PlaceCommand, events: PlaceRunEvents): Promise<Final> {
  return new Promise<Final>((resolve, reject) => {
    const stop = () => reject(new DOMException('Cancelled.', 'AbortError'));
    if (events.signal?.aborted) return stop();
    events.signal?.addEventListener('abort', stop, { once: true });
    worker.onmessage = ({ data }: MessageEvent<PlaceMessage>) => {
      if (data.type === 'progress') events.onProgress?.(data.sent, data.total);
      else if (data.type === 'retry') events.onRetry?.(data.attempt, data.of);
      else if (data.type === 'failed') reject(new PlaceError(data.failure));
      else resolve(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new PlaceError({ kind: 'internal', message: event.message || 'The places worker stopped.' }));
    };
    worker.postMessage(command);
  });
}
