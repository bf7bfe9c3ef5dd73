/**
 * Starts a module worker bound by the app's Content-Security-Policy on any host, headers or not.
 *
 * A worker started from its own script URL takes its policy from that script's HTTP response
 * headers, and a static host (GitHub Pages, a plain file server) sends none: the page's `<meta>`
 * policy does not reach it, so the workers, where keys and plaintext live, could talk to any
 * server. Two ways close this, one for each state the page can be in:
 * - once the service worker controls the page, it serves every script with the policy as a
 *   header (src/sw/policy-header.ts), so the worker starts from its URL as usual;
 * - before that (the very first visit, a private window, a browser without service workers), the
 *   worker starts from a one-line `blob:` script that imports the real one: a `blob:` worker
 *   inherits the policy of whoever starts it (CSP 3).
 * Not the blob always: in Firefox the imports of a blob-started module worker bypass the service
 * worker, so offline they would fail.
 */
export function startWorker(scriptUrl: string, options: WorkerOptions & { type: 'module' }): Worker {
  const absolute = new URL(scriptUrl, import.meta.url).href;
  if (policyArrivesWithScripts()) return new Worker(absolute, options);
  const bootstrap = new Blob([`import ${JSON.stringify(absolute)};\n`], { type: 'text/javascript' });
  const url = URL.createObjectURL(bootstrap);
  try {
    return new Worker(url, options);
  } finally {
    // The worker has its own reference to the blob once it is created.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/**
 * Whether a worker started from the page now would start from its URL (its script then arrives
 * with the policy in its headers, which the service worker adds) rather than from a blob. Only
 * the page starts workers: a worker's helpers are started by the page too (helper-host.ts).
 */
function policyArrivesWithScripts(): boolean {
  return Boolean((navigator as { serviceWorker?: { controller: unknown } }).serviceWorker?.controller);
}

/**
 * Calls `then` once workers started from the page would start from their URL: at once if the
 * service worker controls the page, or when it takes control; at once too where no service
 * worker can run (they will start from blobs for the page's whole life). Never, if the service
 * worker fails to install.
 */
export function whenPolicyArrives(then: () => void): void {
  const container = (navigator as { serviceWorker?: EventTarget }).serviceWorker;
  if (policyArrivesWithScripts() || !container) then();
  else container.addEventListener('controllerchange', then, { once: true });
}
