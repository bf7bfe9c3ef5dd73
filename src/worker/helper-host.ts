/// <reference path="./assets.d.ts" />
/**
 * The page's side of a worker's helpers (protocol.ts, HelperRequest): it starts each helper the
 * worker asks for, carries their messages both ways (moving their buffers: protocol.ts says why
 * not a MessageChannel), stops it when asked, and stops them all when the worker is ended. A
 * helper that cannot start, or stops, is reported back to the worker.
 */
import compressionWorkerUrl from './compression.worker.ts?worker&url';
import parityWorkerUrl from './parity.worker.ts?worker&url';
import type { HelperAnswer, HelperFailed, HelperKind, HelperMessage, HelperRequest } from './protocol.ts';
import { startWorker } from './start-worker.ts';

const SCRIPTS: Record<HelperKind, { url: string; name: string }> = {
  compression: { url: compressionWorkerUrl, name: 'coffer-compression' },
  parity: { url: parityWorkerUrl, name: 'coffer-parity' },
};

function isHelperRequest(message: unknown): message is HelperRequest {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'helper-start' || type === 'helper-stop' || type === 'helper-message';
}

export class HelperHost {
  private readonly running = new Map<number, Worker>();

  constructor(private readonly owner: Worker) {}

  /** Handles the owner's message if it is about a helper (then true); false for anything else. */
  handle(message: unknown): message is HelperRequest {
    if (!isHelperRequest(message)) return false;
    if (message.type === 'helper-message') {
      this.running.get(message.helper)?.postMessage(message.data, message.transfer);
      return true;
    }
    if (message.type === 'helper-stop') {
      this.running.get(message.helper)?.terminate();
      this.running.delete(message.helper);
      return true;
    }
    const { url, name } = SCRIPTS[message.kind];
    const helper = message.helper;
    try {
      const worker = startWorker(url, { type: 'module', name });
      worker.onerror = (event) => {
        event.preventDefault();
        this.report(helper, event.message || 'A helper worker stopped.');
      };
      worker.onmessage = ({ data: { data, transfer } }: MessageEvent<HelperAnswer>) => {
        const answer: HelperMessage = { type: 'helper-message', helper, data, transfer };
        this.owner.postMessage(answer, transfer);
      };
      this.running.set(helper, worker);
    } catch (error) {
      this.report(helper, error instanceof Error ? error.message : String(error));
    }
    return true;
  }

  /** Stops every helper: the owner was ended, so nothing will ask them anything again. */
  stopAll(): void {
    for (const worker of this.running.values()) worker.terminate();
    this.running.clear();
  }

  private report(helper: number, message: string): void {
    this.owner.postMessage({ type: 'helper-failed', helper, message } satisfies HelperFailed);
  }
}
