#!/usr/bin/env node
// Serves the built app (dist/) on localhost: a plain static server with the same security
// headers a careful static host would send. Usage: node scripts/serve.mjs [--port N] [--dir D]
// [--prefix /sub/path/] [--no-security-headers]
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { headerPolicy } from './app-policy.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4173' },
    dir: { type: 'string', default: 'dist' },
    // Serve under a sub-path, as a static host might: --prefix /tools/coffer/
    prefix: { type: 'string', default: '/' },
    // Behave as a plain static host that sends no security headers (the tests' worst case).
    'no-security-headers': { type: 'boolean', default: false },
  },
});
const root = resolve(values.dir);
const prefix = values.prefix.endsWith('/') ? values.prefix : `${values.prefix}/`;
if (!existsSync(join(root, 'index.html'))) {
  console.error(`serve: ${root}/index.html not found; run "npm run build" first.`);
  process.exit(1);
}

// The same policy as the <meta> in the built index.html (one source of truth), as a header.
const policy = headerPolicy(readFileSync(join(root, 'index.html'), 'utf8'));
if (!policy) {
  console.error(`serve: no Content-Security-Policy <meta> in ${root}/index.html.`);
  process.exit(1);
}
const securityHeaders = values['no-security-headers']
  ? {}
  : {
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    };

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith(prefix)) {
    response.writeHead(404, { 'content-type': 'text/plain', ...securityHeaders }).end('Not found');
    return;
  }
  let path = normalize(join(root, decodeURIComponent(url.pathname.slice(prefix.length - 1))));
  if (path !== root && !path.startsWith(root + sep)) {
    response.writeHead(403, securityHeaders).end();
    return;
  }
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
  if (!existsSync(path)) {
    response.writeHead(404, { 'content-type': 'text/plain', ...securityHeaders }).end('Not found');
    return;
  }
  response.writeHead(200, {
    'content-type': types[extname(path)] ?? 'application/octet-stream',
    'cache-control': path.endsWith('index.html') || path.endsWith('sw.js') ? 'no-cache' : 'public, max-age=3600',
    ...securityHeaders,
  });
  createReadStream(path).pipe(response);
});

server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`Coffer is running at http://127.0.0.1:${values.port}${prefix} (press Ctrl+C to stop)`);
});
