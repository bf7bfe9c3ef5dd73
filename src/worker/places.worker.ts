/// <reference lib="webworker" />
/**
 * The worker that talks to places: started for one command and ended after, so its
 * Content-Security-Policy (served by the service worker, connect-src listing the saved places)
 * is the current one. Only ciphertext goes out: it uploads backup files as they are stored and a
 * random test object, nothing else.
 */
import { toHex } from '../core/bytes.ts';
import { isCofferError, readHeader } from '../core/index.ts';
import type { LocalUpload } from '../remote/client.ts';
import { s3CorsSettings, webDavCorsSettings } from '../remote/cors.ts';
import { NetworkError, RemoteError } from '../remote/errors.ts';
import { listPlace, type PlaceSettings, placeObject, placeOrigin, placeStore } from '../remote/place.ts';
import { openRemoteSource, type RemoteSource } from '../remote/source.ts';
import { fileSource } from './browser-io.ts';
import type { PlaceCommand, PlaceFailure, PlaceMessage } from './places-protocol.ts';
import { serveRanges } from './range-port.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Origins this worker's policy refused: a place saved after the page loaded, say. */
const refused = new Set<string>();
self.addEventListener('securitypolicyviolation', (event) => {
  try {
    refused.add(new URL((event as Event & { blockedURI: string }).blockedURI).origin);
  } catch {
    // "inline" and the like: not a request to a place.
  }
});

function post(message: PlaceMessage): void {
  self.postMessage(message);
}

async function upload(command: Extract<PlaceCommand, { type: 'send' }>): Promise<void> {
  const { file } = command;
  let header: Uint8Array;
  try {
    const source = fileSource(file);
    header = await source.read(0, (await readHeader(source)).headerLength);
  } catch (error) {
    if (isCofferError(error)) throw new NotCoffer();
    throw error;
  }
  const local: LocalUpload = {
    size: file.size,
    header,
    part: async (start, end) => file.slice(start, end),
    whole: () => file,
  };
  const store = placeStore(command.place, command.credentials, command.name);
  await store.upload(local, {
    onProgress: (sent, total) => post({ type: 'progress', sent, total }),
    onRetry: (_what, attempt, of) => post({ type: 'retry', attempt, of }),
  });
  post({ type: 'progress', sent: file.size, total: file.size });
}

/** A small random object written, checked as read back (size and bytes), then deleted. */
async function test(command: Extract<PlaceCommand, { type: 'test' }>): Promise<void> {
  const bytes = crypto.getRandomValues(new Uint8Array(64));
  const name = `.coffer-test-${toHex(bytes.subarray(0, 6))}`;
  const store = placeStore(command.place, command.credentials, name);
  const blob = new Blob([bytes]);
  try {
    await store.upload(
      { size: bytes.length, header: bytes, part: async () => blob, whole: () => blob },
      { onRetry: (_what, attempt, of) => post({ type: 'retry', attempt, of }) },
    );
  } finally {
    await store.remove().catch(() => {});
  }
}

class NotCoffer extends Error {}

/** The browser says only "Failed to fetch": tell a CORS refusal, a policy block and silence apart. */
async function diagnose(place: PlaceSettings): Promise<PlaceFailure> {
  const origin = placeOrigin(place);
  if (refused.has(origin)) {
    return {
      kind: 'blocked',
      message: `This page may not reach ${origin} yet: places are admitted when the page loads.`,
      hint: 'Reload the page and try again.',
    };
  }
  try {
    // An opaque answer proves the server is there and answers; only CORS then stands between.
    await fetch(`${origin}/`, { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
  } catch {
    return {
      kind: 'network',
      message: `Could not reach ${origin}: it did not answer.`,
      hint: 'Check the address, that the server is running, and this device is online.',
    };
  }
  const s3 = placeObject(place, 'x').kind === 's3';
  return {
    kind: 'cors',
    message: `The server at ${origin} does not allow this page (${self.location.origin}) to use it: its CORS settings do not name this page's origin.`,
    hint: s3
      ? "Add this CORS configuration to the bucket (in the provider's console, or with aws s3api put-bucket-cors):"
      : 'Have the server, or a reverse proxy in front of it, send these headers:',
    corsSettings: s3 ? s3CorsSettings(self.location.origin) : webDavCorsSettings(self.location.origin),
  };
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function failureOf(error: unknown, command: Exclude<PlaceCommand, { type: 'connect' }>): Promise<PlaceFailure> {
  if (error instanceof NetworkError) return diagnose(command.place);
  if (error instanceof RemoteError) return { kind: error.kind, message: sentence(error.message), hint: error.hint };
  if (error instanceof NotCoffer) {
    return { kind: 'not-coffer', message: 'This is not a Coffer backup, so it was not sent.' };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** The backup being served (a `serve` command), for the ports that `connect` brings. */
let serving: { source: RemoteSource; command: PlaceCommand } | undefined;

async function serve(command: Extract<PlaceCommand, { type: 'serve' }>): Promise<void> {
  const source = await openRemoteSource(placeStore(command.place, command.credentials, command.name));
  serving = { source, command };
  post({ type: 'ready', size: source.size });
}

function connect(port: MessagePort): void {
  const current = serving;
  if (!current) {
    port.close();
    return;
  }
  // Each failure read by the Coffer worker is said as the test and send say theirs.
  serveRanges(port, current.source, (error) => {
    const failure = error instanceof RemoteError && !(error instanceof NetworkError) ? error : undefined;
    return failure ? sentence(failure.message) : `The connection to the place dropped: ${(error as Error).message}`;
  });
}

self.onmessage = async (event: MessageEvent<PlaceCommand>) => {
  const command = event.data;
  if (command.type === 'connect') return connect(command.port);
  try {
    if (command.type === 'test') await test(command);
    else if (command.type === 'send') await upload(command);
    else if (command.type === 'list') {
      post({ type: 'listed', entries: await listPlace(command.place, command.credentials) });
      return;
    } else if (command.type === 'serve') return await serve(command);
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'failed', failure: await failureOf(error, command) });
  }
};
