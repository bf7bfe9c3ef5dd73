/// <reference path="./assets.d.ts" />
/**
 * The page's side of the places worker: a fresh worker for each command, ended when it is done
 * or cancelled. It is started from its URL so that the service worker serves it with the policy
 * that admits the saved places; where no service worker controls the page, nothing is started.
 */

import placesWorkerUrl from './places.worker.ts?worker&url';
import type { PlaceCommand, PlaceFailure, PlaceMessage } from './places-protocol.ts';

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

export function runPlaceCommand(command: PlaceCommand, events: PlaceRunEvents = {}): Promise<void> {
  if (!navigator.serviceWorker?.controller) return Promise.reject(new PlaceError(NOT_INSTALLED));
  const worker = new Worker(new URL(placesWorkerUrl, import.meta.url).href, { type: 'module', name: 'places' });
  return new Promise<void>((resolve, reject) => {
    const stop = () => reject(new DOMException('Cancelled.', 'AbortError'));
    if (events.signal?.aborted) return stop();
    events.signal?.addEventListener('abort', stop, { once: true });
    worker.onmessage = ({ data }: MessageEvent<PlaceMessage>) => {
      if (data.type === 'progress') events.onProgress?.(data.sent, data.total);
      else if (data.type === 'retry') events.onRetry?.(data.attempt, data.of);
      else if (data.type === 'done') resolve();
      else reject(new PlaceError(data.failure));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new PlaceError({ kind: 'internal', message: event.message || 'The places worker stopped.' }));
    };
    worker.postMessage(command);
  }).finally(() => worker.terminate());
}
