/**
 * Failures of storage the person owns, as plain sentences with a kind that says what to do
 * about them. The CLI turns a kind into an exit code (src/cli/remote/exit.ts), the app into its
 * notice; the words are the same for both.
 */
export type RemoteFailure =
  /** The connection could not be made, dropped or timed out: trying again may cure it. */
  | 'network'
  /** The location or a setting is not usable as given. */
  | 'usage'
  /** The name is taken there: nothing was replaced. */
  | 'exists'
  /** The object changed or came back shorter while being read. */
  | 'changed'
  /** Any other refusal or wrong answer, with the server's own words in the message. */
  | 'refused';

export class RemoteError extends Error {
  constructor(
    readonly kind: RemoteFailure,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** A failure that retrying may cure: the connection dropped, reset or timed out. */
export class NetworkError extends RemoteError {
  constructor(message: string, hint?: string) {
    super('network', message, hint);
    this.name = 'NetworkError';
  }
}

export function remoteUsage(message: string, hint?: string): RemoteError {
  return new RemoteError('usage', message, hint);
}

export function remoteExists(message: string, hint?: string): RemoteError {
  return new RemoteError('exists', message, hint);
}

export function remoteRefused(message: string, hint?: string): RemoteError {
  return new RemoteError('refused', message, hint);
}
