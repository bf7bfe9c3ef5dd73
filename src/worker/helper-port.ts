/// <reference lib="webworker" />
/**
 * A helper worker's side of its channel (helper-host.ts): the page's first message hands it the
 * port its work arrives on, from the worker that asked for it; answers go back the same way.
 */
declare const self: DedicatedWorkerGlobalScope;

export type Reply = (message: unknown, transfer?: Transferable[]) => void;

/** Serves each job that arrives on the handed port with `answer`. */
export function serveHandedPort<Job>(answer: (job: Job, reply: Reply) => void | Promise<void>): void {
  self.onmessage = (event: MessageEvent<{ port: MessagePort }>) => {
    const { port } = event.data;
    const reply: Reply = (message, transfer = []) => port.postMessage(message, transfer);
    port.onmessage = (job: MessageEvent<Job>) => void answer(job.data, reply);
  };
}
