/** Where the service worker leaves a backup shared from another app for the page to pick up. */
export const SHARE_TARGET_PATH = '/share-target';
export const SHARED_CACHE = 'coffer-shared';
export const SHARED_KEY = './shared-backup';
