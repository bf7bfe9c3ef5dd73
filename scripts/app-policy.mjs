// The app's Content-Security-Policy as a header: the policy of index.html's <meta> tag, plus what
// only a header can say, frame-ancestors (no site may frame Coffer to trick clicks). One rule for
// the static server (serve.mjs) and the service worker (vite.config.ts, src/sw/policy-header.ts).
const META = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/;

/** The header for a page whose HTML is `html`; undefined when it has no policy <meta>. */
export function headerPolicy(html) {
  const meta = META.exec(html)?.[1];
  return meta === undefined ? undefined : `${meta}; frame-ancestors 'none'`;
}
