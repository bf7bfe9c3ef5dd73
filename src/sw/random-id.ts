/**
 * The one form of random id the page and the service worker hand each other (a shared file's
 * stash, a streamed download): 128 random bits in hex, so no page can guess another's.
 */
export const RANDOM_ID = /^[0-9a-f]{32}$/;

export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
