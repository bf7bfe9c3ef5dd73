/**
 * Where a command's output goes when it becomes a download: streamed straight into the download
 * where the service worker can (stream-download.ts), else staged in a temporary file (or the
 * worker's memory) and handed over once complete (temp-output.ts).
 */
import { WorkerError } from '../../worker/client.ts';
import type { Output } from '../../worker/protocol.ts';
import { canStreamDownloads, startStreamedDownload } from './stream-download.ts';
import { tempOutput } from './temp-output.ts';

export interface DownloadOutput {
  output: Output;
  /** After the command succeeded: the download gets its last byte, or the staged file is handed over. */
  deliver(): Promise<void>;
  /** After it failed or was cancelled: a streamed download is marked failed, a staged file removed. */
  discard(): Promise<void>;
}

export interface DownloadPlan {
  /** The file name the person gets. */
  name: string;
  /** The temporary file's purpose, if it is staged (coffer-tmp-<tab>.<purpose>-<uuid>). */
  purpose: string;
  /** What is being made, for the message when it cannot fit in memory. */
  what: string;
  /** The most it can be (staging refuses what cannot fit in memory). */
  maxSize: number;
  /** The exact size when known before any byte is written: the download then states its length. */
  exactSize?: number;
}

/** After the worker's last byte, how long the service worker may take to pass on the rest. */
const END_GRACE_MS = 60_000;

/** A download streamed from the worker, or undefined where downloads cannot stream here. */
export async function streamedOutput(name: string, exactSize?: number): Promise<DownloadOutput | undefined> {
  const streamed = canStreamDownloads() ? await startStreamedDownload(name, exactSize) : undefined;
  if (!streamed) return undefined;
  return {
    output: streamed.output,
    async deliver() {
      const end = await Promise.race([
        streamed.ended,
        new Promise<undefined>((resolve) => setTimeout(resolve, END_GRACE_MS)),
      ]);
      if (end?.type === 'failed') {
        throw new WorkerError('io', `The download of ${name} stopped before it was complete (${end.reason}).`);
      }
    },
    async discard() {
      streamed.stop();
    },
  };
}

export async function downloadOutput(plan: DownloadPlan): Promise<DownloadOutput> {
  const streamed = await streamedOutput(plan.name, plan.exactSize);
  if (streamed) return streamed;
  const temp = await tempOutput(plan.purpose, plan.what, plan.maxSize);
  return {
    output: temp.output,
    deliver: () => temp.handOver(plan.name),
    discard: () => temp.discard(),
  };
}
