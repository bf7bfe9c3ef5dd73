/**
 * The app's Content-Security-Policy as a header on everything the service worker serves.
 *
 * The page carries its policy in a `<meta>` tag, which does not reach a worker started from its
 * script URL: a worker takes its policy from its script's response headers, and many static
 * hosts send none. Served from here, every script (the workers' included) and the page come with
 * the policy as a header, whatever the host sent. The policy is the page's own, taken from
 * index.html when building (vite.config.ts), plus `frame-ancestors 'none'`, which only a header
 * can carry. Before this worker controls the page, src/worker/start-worker.ts covers the workers.
 *
 * One script gets more: the places worker's connect-src also lists the origins of the places the
 * person saved (admitted-origins.ts). The page and every other worker stay closed to them.
 */
import type { WorkboxPlugin } from 'workbox-core';
import { originsToAdmit, policyAdmitting, readStoredPlaces } from './admitted-origins.ts';

declare const __COFFER_POLICY__: string;

export const APP_POLICY = __COFFER_POLICY__;

export function withPolicyHeader(response: Response, policy = APP_POLICY): Response {
  // Opaque and error responses have no headers to set; redirects are followed by workbox already.
  if (response.type === 'opaque' || response.type === 'error') return response;
  const headers = new Headers(response.headers);
  headers.set('content-security-policy', policy);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The built places worker's script (its name carries a content hash: places.worker-HASH.js). */
export function isPlacesWorker(request: Request): boolean {
  return request.destination === 'worker' && /\/places\.worker[-.][^/]*$/.test(new URL(request.url).pathname);
}

/** For workbox's precache strategy: applies to cached and network answers alike. */
export const policyHeaderPlugin: WorkboxPlugin = {
  handlerWillRespond: async ({ request, response }) => {
    if (!isPlacesWorker(request)) return withPolicyHeader(response);
    const origins = originsToAdmit(await readStoredPlaces(), Date.now());
    return withPolicyHeader(response, policyAdmitting(APP_POLICY, origins));
  },
};
