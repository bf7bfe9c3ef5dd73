/**
 * Reed–Solomon encoding on a helper (ErasureCoder.encodeAway): the CLI's thread
 * (src/cli/parity-threads.ts) and the app's helper worker (src/worker/parity-helper.ts) give
 * `spawn`; this matches answers to jobs and fails every waiting job at once when the helper
 * stops. The helper sees only sealed chunks (ciphertext) and holds no keys.
 */
import { CofferError } from './errors.ts';
import type { ErasureCoder } from './recovery.ts';

export interface ParityJob {
  id: number;
  shards: Uint8Array;
  dataShards: number;
  parityShards: number;
}

export type ParityAnswer = { id: number; shards: Uint8Array } | { id: number; error: string };

/** The helper's side: encodes the job's stripe in place and says what to send back. */
export function answerParityJob(
  coder: ErasureCoder,
  job: ParityJob,
): { answer: ParityAnswer; transfer: ArrayBuffer[] } {
  try {
    coder.encode(job.shards, job.dataShards, job.parityShards);
    return { answer: { id: job.id, shards: job.shards }, transfer: [job.shards.buffer as ArrayBuffer] };
  } catch (error) {
    return { answer: { id: job.id, error: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
}

export interface ParityHelper {
  post(job: ParityJob, transfer: ArrayBuffer[]): void;
  /** Told when the helper goes from idle to busy and back (the CLI lets an idle thread sleep). */
  setBusy?(busy: boolean): void;
}

export interface ParityHelperEvents {
  answer(answer: ParityAnswer): void;
  /** The helper stopped or could not start: every waiting job fails with this. */
  failed(error: Error): void;
}

interface Waiting {
  resolve(shards: Uint8Array): void;
  reject(error: Error): void;
}

/** `coder`, with encodeAway on a helper that `spawn` starts on first use (and again after it stops). */
export function encodingAway(coder: ErasureCoder, spawn: (events: ParityHelperEvents) => ParityHelper): ErasureCoder {
  let helper: ParityHelper | undefined;
  const waiting = new Map<number, Waiting>();
  let nextId = 0;

  const events: ParityHelperEvents = {
    answer(answer) {
      const job = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (waiting.size === 0) helper?.setBusy?.(false);
      if ('error' in answer) job?.reject(new CofferError('invalid_input', answer.error));
      else job?.resolve(answer.shards);
    },
    failed(error) {
      for (const job of waiting.values()) job.reject(error);
      waiting.clear();
      helper = undefined;
    },
  };

  return {
    encode: (shards, dataShards, parityShards) => coder.encode(shards, dataShards, parityShards),
    reconstruct: (shards, dataShards, parityShards, available) =>
      coder.reconstruct(shards, dataShards, parityShards, available),
    encodeAway(shards, dataShards, parityShards) {
      helper ??= spawn(events);
      const running = helper;
      if (waiting.size === 0) running.setBusy?.(true);
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        running.post({ id, shards, dataShards, parityShards }, [shards.buffer as ArrayBuffer]);
      });
    },
  };
}
