/**
 * Which Chromium to drive and how to launch it, shared by playwright.config.ts and bench/ so
 * the tests and the benchmark run the same browser the same way.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** An explicit override, then Playwright's own browser if installed, then Debian's Chromium. */
export function chromiumPath(): string | undefined {
  const override = process.env.COFFER_CHROMIUM ?? process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
  if (override) return override;
  try {
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return undefined;
  } catch {
    // No bundled browser: fall through to the system one.
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** Headless on a machine with no GPU, no sandbox (CI runs as root) and no network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
