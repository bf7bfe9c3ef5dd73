/** Where the worker writes bytes; `abort` removes whatever was written. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void> | void;
  close(): Promise<void>;
  abort(): Promise<void>;
  /** The written file, for read-back verification. */
  file(): Promise<File>;
}
