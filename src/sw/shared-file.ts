/**
 * Where the service worker leaves a file shared to Coffer for the page to pick up. Any website can
 * POST to the share target, so each stash is keyed by a random id carried only in the redirect
 * (a page cannot guess another share's id), the page asks before opening it, and stashes nobody
 * picked up are removed after STASH_MAX_AGE_MS.
 */
import { RANDOM_ID, randomId } from './random-id.ts';

export const SHARE_TARGET_PATH = '/share-target';
export const SHARED_CACHE = 'coffer-shared';
export const STASH_PREFIX = './shared/';
export const STASH_MAX_AGE_MS = 10 * 60 * 1000;

/** 128 random bits in hex: the only form of id the page accepts. */
export const STASH_ID = RANDOM_ID;

export const newStashId = randomId;

/** Removes stashes older than STASH_MAX_AGE_MS (and any from before ids were random). */
export async function removeStaleStashes(cache: Cache, now = Date.now()): Promise<void> {
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const savedAt = Number(response?.headers.get('x-shared-at'));
    if (!Number.isFinite(savedAt) || savedAt <= 0 || now - savedAt > STASH_MAX_AGE_MS) await cache.delete(request);
  }
}
