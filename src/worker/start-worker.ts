/**
 * Starts a module worker bound by the Content-Security-Policy of the context that starts it.
 *
 * A worker started from its own script URL takes its policy from that script's HTTP response
 * headers, and a static host (GitHub Pages, a plain file server) sends none: the page's `<meta>`
 * policy does not reach it, so the workers, where keys and plaintext live, could talk to any
 * server. A worker started from a `blob:` URL inherits its creator's policy instead (CSP 3), so
 * each worker starts from a one-line blob that imports the real, same-origin script. The
 * imported module keeps its own URL (import.meta.url), so the assets it finds from there load as
 * before; nested workers (the compression helpers) start the same way and inherit in turn.
 */
export function startWorker(scriptUrl: string, options: WorkerOptions & { type: 'module' }): Worker {
  // import.meta.url is this module's real URL even inside a blob-started worker.
  const absolute = new URL(scriptUrl, import.meta.url).href;
  const bootstrap = new Blob([`import ${JSON.stringify(absolute)};\n`], { type: 'text/javascript' });
  const url = URL.createObjectURL(bootstrap);
  try {
    return new Worker(url, options);
  } finally {
    // The worker has its own reference to the blob once it is created.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
