/**
 * The page's side of the PWA: registers the service worker, notices a waiting update (applied
 * only when the person asks), and receives backups opened from the OS (file handler) or shared
 * from another app (share target).
 */
import { Workbox } from 'workbox-window';
import { removeStaleStashes, SHARED_CACHE, STASH_ID, STASH_PREFIX } from '../../sw/shared-file.ts';

declare const __COFFER_VERSION__: string;
declare const __COFFER_BUILD__: string;

export const VERSION = __COFFER_VERSION__;
export const BUILD = __COFFER_BUILD__;

let workbox: Workbox | undefined;

/** Calls `onUpdate` when a new version is installed and waiting. */
export function registerServiceWorker(onUpdate: () => void): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  workbox = new Workbox('./sw.js', { scope: './' });
  workbox.addEventListener('waiting', onUpdate);
  void workbox.register();
}

/** Activates the waiting version and reloads into it. Callers make sure nothing is running. */
export function applyUpdate(): void {
  if (!workbox) return;
  workbox.addEventListener('controlling', () => window.location.reload());
  workbox.messageSkipWaiting();
}

export async function checkForUpdate(): Promise<void> {
  await workbox?.update();
}

interface LaunchParams {
  files: FileSystemFileHandle[];
}

/** Files the installed app was asked to open (double-click on a .coffer file). */
export function onLaunchFiles(open: (file: File) => void): void {
  const queue = (window as { launchQueue?: { setConsumer(consumer: (params: LaunchParams) => void): void } })
    .launchQueue;
  queue?.setConsumer(async (params) => {
    const handle = params.files[0];
    if (handle) open(await handle.getFile());
  });
}

/**
 * A file shared from another app (or posted by any website), left in the cache by the service
 * worker under the random id in `?shared=`. It is taken out of the cache here; the caller must
 * ask the person before opening it.
 */
export async function takeSharedFile(): Promise<File | undefined> {
  const url = new URL(window.location.href);
  const id = url.searchParams.get('shared');
  if (id === null || !('caches' in window)) return undefined;
  url.searchParams.delete('shared');
  window.history.replaceState(null, '', url.href);
  const cache = await caches.open(SHARED_CACHE);
  await removeStaleStashes(cache);
  if (!STASH_ID.test(id)) return undefined;
  const key = new URL(`${STASH_PREFIX}${id}`, window.location.href).href;
  const response = await cache.match(key);
  if (!response) return undefined;
  await cache.delete(key);
  const name = decodeURIComponent(response.headers.get('x-file-name') ?? 'shared.coffer');
  return new File([await response.blob()], name);
}
