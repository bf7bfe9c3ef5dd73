/**
 * The app's Content-Security-Policy as a header on everything the service worker serves.
 *
 * The page carries its policy in a `<meta>` tag, which does not reach a worker started from its
 * script URL: a worker takes its policy from its script's response headers, and many static
 * hosts send none. Served from here, every script (the workers' included) and the page come with
 * the policy as a header, whatever the host sent. The policy is the page's own, taken from
 * index.html when building (vite.config.ts), plus `frame-ancestors 'none'`, which only a header
 * can carry. Before this worker controls the page, src/worker/start-worker.ts covers the workers.
 */
import type { WorkboxPlugin } from 'workbox-core';

declare const __COFFER_POLICY__: string;

export const APP_POLICY = __COFFER_POLICY__;

export function withPolicyHeader(response: Response): Response {
  // Opaque and error responses have no headers to set; redirects are followed by workbox already.
  if (response.type === 'opaque' || response.type === 'error') return response;
  const headers = new Headers(response.headers);
  headers.set('content-security-policy', APP_POLICY);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** For workbox's precache strategy: applies to cached and network answers alike. */
export const policyHeaderPlugin: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => withPolicyHeader(response),
};
