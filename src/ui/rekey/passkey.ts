/**
 * WebAuthn PRF for passkey slots (spec 3.4). Runs in the page (WebAuthn is not available in
 * workers); the PRF output then goes to the worker like a passphrase would.
 */
import type { SlotInfo } from '../../worker/protocol.ts';

export interface PasskeyResult {
  credentialId: Uint8Array;
  prfOutput: Uint8Array;
}

export interface NewPasskey extends PasskeyResult {
  rpIdHash: Uint8Array;
  prfSalt: Uint8Array;
}

type PrfResults = { enabled?: boolean; results?: { first?: ArrayBuffer } };

const NO_PRF =
  'This browser or passkey cannot derive keys (it has no WebAuthn PRF support), so it cannot lock a backup. Nothing was changed.';

function bytes(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer.slice(0));
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function prfOf(credential: PublicKeyCredential): PrfResults | undefined {
  return (credential.getClientExtensionResults() as { prf?: PrfResults }).prf;
}

/**
 * The name a passkey manager shows (and often syncs to a cloud account): neutral on purpose, with
 * only the day it was made, never a file or backup name (issue 28, item 5).
 */
export function passkeyAccountName(now: Date): string {
  return `Coffer key, added ${now.toISOString().slice(0, 10)}`;
}

/**
 * A failed passkey prompt in plain words: the platform's own messages ("This is an invalid
 * domain.") say nothing a person can act on (issue 31 item 7).
 */
export function passkeyFailureText(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'SecurityError') {
    return 'Passkeys work only where Coffer is opened from its own web address (a name such as backup.example.org, over HTTPS), not from a number like 192.168.1.5 or from a file.';
  }
  if (name === 'NotAllowedError') return 'The passkey prompt was closed or timed out.';
  if (name === 'NotSupportedError') return NO_PRF;
  if (name === 'InvalidStateError') return 'This authenticator already holds a Coffer passkey it will not replace.';
  return error instanceof Error ? error.message : String(error);
}

/** Creates a passkey for this site and evaluates its PRF on a fresh salt. */
export async function createPasskey(): Promise<NewPasskey> {
  if (!window.PublicKeyCredential || !navigator.credentials) throw new Error(NO_PRF);
  const prfSalt = crypto.getRandomValues(new Uint8Array(32));
  const rpId = location.hostname;
  const accountName = passkeyAccountName(new Date());
  const created = (await navigator.credentials
    .create({
      publicKey: {
        rp: { name: 'Coffer', id: rpId },
        user: { id: crypto.getRandomValues(new Uint8Array(16)), name: accountName, displayName: accountName },
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        // eval.first at creation too: some platforms reject an empty prf object.
        extensions: { prf: { eval: { first: prfSalt } } } as AuthenticationExtensionsClientInputs,
      },
    })
    .catch((error: unknown) => {
      throw new Error(passkeyFailureText(error));
    })) as PublicKeyCredential | null;
  if (!created) throw new Error('No passkey was created.');
  const prf = prfOf(created);
  if (!prf?.enabled && !prf?.results?.first) throw new Error(NO_PRF);
  const credentialId = bytes(created.rawId);
  let first = prf.results?.first;
  if (!first) first = (await assertPrf([{ credentialId, prfSalt }])).prfOutput.buffer as ArrayBuffer;
  return { credentialId, prfOutput: bytes(first), rpIdHash: await sha256(rpId), prfSalt };
}

/** Evaluates the PRF of one of these passkeys (the person picks; the browser asks to verify them). */
export async function assertPrf(targets: { credentialId: Uint8Array; prfSalt: Uint8Array }[]): Promise<PasskeyResult> {
  const evalByCredential: Record<string, { first: Uint8Array }> = {};
  for (const target of targets) evalByCredential[base64url(target.credentialId)] = { first: target.prfSalt };
  const got = (await navigator.credentials.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      rpId: location.hostname,
      allowCredentials: targets.map((target) => ({
        type: 'public-key',
        id: target.credentialId as Uint8Array<ArrayBuffer>,
      })),
      userVerification: 'required',
      extensions: { prf: { evalByCredential } } as AuthenticationExtensionsClientInputs,
    },
  })) as PublicKeyCredential | null;
  const first = got && prfOf(got)?.results?.first;
  if (!got || !first) throw new Error(NO_PRF);
  return { credentialId: bytes(got.rawId), prfOutput: bytes(first) };
}

/** Asks for any of the backup's passkeys; a NotAllowedError means none of them answered. */
export async function unlockPasskey(slots: readonly SlotInfo[]): Promise<PasskeyResult> {
  const targets = slots.flatMap((slot) => (slot.type === 'passkey' ? [slot] : []));
  try {
    return await assertPrf(targets);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError') {
      throw Object.assign(
        new Error('No passkey that opens this backup answered (it was cancelled, or this device does not hold it).'),
        { code: 'wrong_key' },
      );
    }
    throw error;
  }
}

function base64url(data: Uint8Array): string {
  let text = '';
  for (const byte of data) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
