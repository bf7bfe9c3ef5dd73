/** Exit codes of the `coffer` command and how core error codes map onto them. */
import type { ErrorCode } from '../core/index.ts';

export const EXIT = {
  ok: 0,
  other: 1,
  usage: 2,
  key: 3,
  damaged: 4,
  refused: 5,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BY_CODE: Record<ErrorCode, ExitCode> = {
  wrong_key: EXIT.key,
  key_typo: EXIT.key,
  not_coffer: EXIT.damaged,
  unsupported_version: EXIT.damaged,
  header_damaged: EXIT.damaged,
  payload_damaged: EXIT.damaged,
  truncated: EXIT.damaged,
  unsafe_entry: EXIT.refused,
  limit_exceeded: EXIT.refused,
  target_exists: EXIT.refused,
  cancelled: EXIT.interrupted,
  io: EXIT.other,
  invalid_input: EXIT.other,
  not_whatsapp: EXIT.damaged,
  key_mismatch: EXIT.key,
};

export function exitCodeFor(code: ErrorCode): ExitCode {
  return BY_CODE[code] ?? EXIT.other;
}

/** A failure the user can act on: printed as one line (plus an optional hint), never a stack. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(EXIT.usage, message, hint);
}

export function refused(message: string, hint?: string): CliError {
  return new CliError(EXIT.refused, message, hint);
}
