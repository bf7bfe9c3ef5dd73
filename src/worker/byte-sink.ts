/** Where the worker writes bytes; `abort` removes whatever was written. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void> | void;
  /** `write` has copied the bytes by the time it settles: the caller may then reuse its buffer. */
  copiesBytes?: boolean;
  close(): Promise<void>;
  abort(): Promise<void>;
  /** The written file, for read-back verification. */
  file(): Promise<File>;
}
