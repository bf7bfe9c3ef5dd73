/**
 * Where sealed parity waits while the payload is written (spec 11.2): the recovery section comes
 * after the payload, so a writer must keep its parity somewhere until the end. In memory that is
 * p% of the backup (3 GB for 30 GB at 10%); the CLI and the app hand it to a temporary file
 * instead, so the writer's memory stays flat whatever the size.
 */
export interface ParitySpill {
  /** Appends sealed parity, in order. A full disk rejects. */
  write(bytes: Uint8Array): Promise<void>;
  /** Everything written, in order, in pieces; called once, after the last write. */
  read(): AsyncIterable<Uint8Array>;
  /** Removes what was kept; called on every path (done, failed or cancelled), more than once is fine. */
  dispose(): Promise<void>;
}

/** Opens a fresh spill for one backup or repair. */
export type ParitySpillFactory = () => Promise<ParitySpill>;

/** Parity kept in memory: for small files, tests and the vectors. */
export function memorySpill(): ParitySpill {
  let pieces: Uint8Array[] = [];
  return {
    async write(bytes) {
      pieces.push(bytes);
    },
    async *read() {
      for (const piece of pieces) yield piece;
    },
    async dispose() {
      pieces = [];
    },
  };
}
