/// <reference lib="webworker" />
/**
 * The service worker: serves the whole app from its precache so Coffer works offline, takes
 * control of the first page load, waits with updates until the person agrees, and receives
 * backups shared from other apps (Web Share Target). Everything it serves carries the app's
 * Content-Security-Policy as a header (policy-header.ts).
 */
import { clientsClaim } from 'workbox-core';
import { addPlugins, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { DOWNLOAD_PATH, type DownloadMessage } from './download-messages.ts';
import { policyHeaderPlugin } from './policy-header.ts';
import { abortDownload, downloadResponse, registerDownload, setClientCheck } from './serve-download.ts';
import { newStashId, removeStaleStashes, SHARE_TARGET_PATH, SHARED_CACHE, STASH_PREFIX } from './shared-file.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// Before routing, so the page and every script it serves carry the app's policy as a header.
addPlugins([policyHeaderPlugin]);
precacheAndRoute(self.__WB_MANIFEST);
// Before the navigation route: a download is fetched by navigating a hidden frame to its URL.
const downloadsAt = new URL(DOWNLOAD_PATH, self.registration.scope).pathname;
registerRoute(
  ({ url, request }) => request.method === 'GET' && url.pathname.startsWith(downloadsAt),
  async ({ url }) => downloadResponse(url.pathname.slice(downloadsAt.length)),
);
// Every other page is the app, except the command-line tool the recovery kit sends people to
// (vite.cli.ts): typed into the address bar, it must arrive as itself, from the network.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/\/coffer\.mjs$/] }));
clientsClaim();
setClientCheck((id) => self.clients.get(id));

self.addEventListener('message', (event) => {
  // Sent by the page only when the person chose "Reload" and nothing is running.
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
  const message = event.data as DownloadMessage | undefined;
  const clientId = event.source instanceof Client ? event.source.id : undefined;
  if (message?.type === 'coffer-download') registerDownload(message, event.ports, clientId);
  else if (message?.type === 'coffer-download-abort') abortDownload(message);
  // 'coffer-download-ping' needs no answer: receiving it keeps this worker alive.
});

async function receiveShare(request: Request): Promise<Response> {
  const form = await request.formData();
  const file = form.getAll('backup').find((value): value is File => value instanceof File);
  const target = new URL('./', self.registration.scope);
  const cache = await caches.open(SHARED_CACHE);
  await removeStaleStashes(cache);
  if (file) {
    // Any website can post here: the page shows the file and opens it only if the person agrees.
    const id = newStashId();
    await cache.put(
      new URL(`${STASH_PREFIX}${id}`, self.registration.scope).href,
      new Response(file, {
        headers: { 'x-file-name': encodeURIComponent(file.name), 'x-shared-at': String(Date.now()) },
      }),
    );
    target.searchParams.set('shared', id);
  }
  return Response.redirect(target.href, 303);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && url.pathname.endsWith(SHARE_TARGET_PATH)) {
    event.respondWith(receiveShare(event.request));
  }
});
