/** scripts/serve.mjs sends the built page's Content-Security-Policy as a header, plus header-only rules. */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PORT = 4300 + (process.pid % 500);

describe('scripts/serve.mjs', () => {
  let dir: string;
  let server: ChildProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-serve-'));
    // The real page source carries the policy the built page carries (Vite keeps the <meta>).
    copyFileSync('index.html', join(dir, 'index.html'));
    writeFileSync(join(dir, 'app.js'), 'export {};\n');
    server = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(PORT), '--dir', dir]);
    await new Promise<void>((resolve, reject) => {
      server.stdout?.on('data', () => resolve());
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
  });
  afterAll(() => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const path of ['/', '/app.js', '/missing']) {
    it(`sends the page's policy with frame-ancestors 'none' and the other headers on ${path}`, async () => {
      const response = await fetch(`http://127.0.0.1:${PORT}${path}`);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    });
  }
});
