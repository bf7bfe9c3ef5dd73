/**
 * HTTP failures in plain words: an unreachable server, refused credentials, a read-only or full
 * target, or any other refusal with the server's own answer. All of kind 'refused' (a refused push over an
 * existing name is kind 'exists' and is decided by the callers).
 */
import { NetworkError, RemoteError, remoteRefused } from './errors.ts';

export { NetworkError } from './errors.ts';

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** fetch, with network failures turned into "could not reach HOST: reason". */
export async function send(fetcher: Fetch, url: string, init: RequestInit, where: string): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (error) {
    throw networkError(error, where);
  }
}

const NET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (is the server running, and is the port right?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  UND_ERR_SOCKET: 'the connection was closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate is for another name",
};

export function networkError(error: unknown, where: string): Error {
  if (error instanceof RemoteError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  let cause: unknown = error;
  // undici wraps the socket error: TypeError("fetch failed", { cause }).
  while (cause instanceof Error && cause.cause !== undefined && !(cause as { code?: unknown }).code)
    cause = cause.cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const reason =
    (typeof code === 'string' && NET_REASONS[code]) ||
    (cause instanceof Error ? cause.message : String(cause)) ||
    'the request failed';
  return new NetworkError(`could not reach ${where}: ${reason}.`);
}

/** The first words of a response body: an S3 <Message>, or text without markup. */
export async function serverAnswer(response: Response): Promise<{ code?: string; message?: string }> {
  let text = '';
  try {
    text = (await response.text()).slice(0, 4000);
  } catch {
    return {};
  }
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
  const xmlMessage = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
  if (code || xmlMessage) return { code, message: xmlMessage };
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { message: plain ? plain.slice(0, 200) : undefined };
}

export interface RefusalContext {
  /** What was being done, for the message: "upload to", "read". */
  action: string;
  where: string;
  /** Which settings hold the credentials, for the hint. */
  credentialHint: string;
  /** A write: a 403 then most likely means a read-only target or read-only credentials. */
  writing?: boolean;
}

const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AuthorizationHeaderMalformed',
  'ExpiredToken',
  'InvalidToken',
]);
const FULL_CODES = new Set(['QuotaExceeded', 'EntityTooLarge', 'InsufficientStorage', 'StorageQuotaExceeded']);

/** A refused request as a one-line error with the server's answer. */
export async function refusal(response: Response, context: RefusalContext): Promise<RemoteError> {
  const answer = await serverAnswer(response);
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const said = [answer.code, answer.message].filter(Boolean).join(': ');
  const server = said ? `${status}; the server said: ${said}` : status;
  const { action, where } = context;
  if (response.status === 401 || (answer.code && CREDENTIAL_CODES.has(answer.code))) {
    return remoteRefused(
      `the server refused the credentials (${server}); nothing was changed.`,
      `Check ${context.credentialHint}.`,
    );
  }
  if (response.status === 507 || (answer.code && FULL_CODES.has(answer.code))) {
    return remoteRefused(
      `${where} is full: the server has no space for this backup (${server}); nothing was left there.`,
    );
  }
  if (context.writing && (response.status === 403 || response.status === 405)) {
    return remoteRefused(
      `the server does not allow this: cannot ${action} ${where} (${server}). The target may be read-only, or these credentials may not be allowed to write there.`,
    );
  }
  if (response.status === 403)
    return remoteRefused(`the server does not allow this: cannot ${action} ${where} (${server}).`);
  if (context.writing && response.status === 404) {
    return remoteRefused(
      `cannot ${action} ${where} (${server}): the folder does not exist there, or the target is read-only.`,
    );
  }
  if (response.status === 404) return remoteRefused(`there is nothing at ${where} (${server}).`);
  return remoteRefused(`cannot ${action} ${where}: ${server}.`);
}
