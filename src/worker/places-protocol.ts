/**
 * The places worker's messages: one command per worker, which is started for it and ended after
 * (a worker keeps the Content-Security-Policy it started with; a fresh one has the current list
 * of places in its connect-src).
 */
import type { RemoteFailure } from '../remote/errors.ts';
import type { PlaceEntry } from '../remote/listing.ts';
import type { PlaceCredentials, PlaceSettings } from '../remote/place.ts';

export type PlaceCommand =
  /** A small write, read back, and delete: the place works, or why not. */
  | { type: 'test'; place: PlaceSettings; credentials: PlaceCredentials }
  /** Uploads `file` as `name` in the place's folder; never replaces what is there. */
  | { type: 'send'; place: PlaceSettings; credentials: PlaceCredentials; file: Blob; name: string }
  /** The backups in the place's folder. */
  | { type: 'list'; place: PlaceSettings; credentials: PlaceCredentials }
  /**
   * Opens the backup `name` for reading: answers `ready` with its size, then serves range reads on
   * each port sent with `connect` (to the Coffer worker) until the page ends this worker.
   */
  | { type: 'serve'; place: PlaceSettings; credentials: PlaceCredentials; name: string }
  | { type: 'connect'; port: MessagePort };

export type PlaceFailureKind =
  | RemoteFailure
  /** The server answered, but not to this page's origin: its CORS settings lack it. */
  | 'cors'
  /** This page's policy does not admit the place's origin (saved after the page loaded). */
  | 'blocked'
  /** What was to be sent is not a Coffer backup. */
  | 'not-coffer'
  | 'internal';

export interface PlaceFailure {
  kind: PlaceFailureKind;
  message: string;
  hint?: string;
  /** For 'cors': the settings to add on the server, exactly. */
  corsSettings?: string;
}

export type PlaceMessage =
  | { type: 'progress'; sent: number; total: number }
  | { type: 'retry'; attempt: number; of: number }
  | { type: 'done' }
  | { type: 'listed'; entries: PlaceEntry[] }
  | { type: 'ready'; size: number }
  | { type: 'failed'; failure: PlaceFailure };
