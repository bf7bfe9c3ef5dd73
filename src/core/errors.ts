/**
 * Failure classes of spec/FORMAT.md section 7, plus the few operational codes a reader or
 * writer needs. Codes are plain strings so that they survive postMessage and JSON unchanged.
 */
export const FORMAT_FAILURES = [
  'not_coffer',
  'unsupported_version',
  'header_damaged',
  'wrong_key',
  'key_typo',
  'payload_damaged',
  'truncated',
  'unsafe_entry',
  'limit_exceeded',
] as const;

export type FormatFailure = (typeof FORMAT_FAILURES)[number];
export type OperationalFailure = 'cancelled' | 'target_exists' | 'io' | 'invalid_input';
/** Opening WhatsApp backups: not one we recognise, or a key of the wrong kind for it. */
export type WhatsAppFailure = 'not_whatsapp' | 'key_mismatch';
export type ErrorCode = FormatFailure | OperationalFailure | WhatsAppFailure;

export class CofferError extends Error {
  readonly code: ErrorCode;
  /**
   * Set on a `payload_damaged` failure whose file looks cut short rather than altered (its last
   * chunk fails and the end of the payload is missing). The class stays the spec's; this only
   * lets the app and the CLI say "incomplete" instead of "altered".
   */
  readonly endsEarly: boolean;
  constructor(code: ErrorCode, message: string, options: { endsEarly?: boolean } = {}) {
    super(message);
    this.name = 'CofferError';
    this.code = code;
    this.endsEarly = options.endsEarly === true;
  }
}

export function isCofferError(value: unknown): value is CofferError {
  return value instanceof CofferError;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CofferError('cancelled', 'The operation was cancelled.');
}
