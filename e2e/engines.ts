/**
 * Which e2e flows each engine runs. Firefox runs every spec, apart from the flows it cannot run,
 * listed below with the reason, which the report (and docs/support-matrix.md) shows. WebKit is
 * not driven by Playwright here: see e2e/webkit/smoke.mjs.
 */
import { execFileSync } from 'node:child_process';

/** Debian's Firefox ESR, or the one COFFER_FIREFOX names. */
export function firefoxPath(): string {
  return process.env.COFFER_FIREFOX ?? '/usr/bin/firefox-esr';
}

/**
 * Playwright 1.64 drives Firefox over WebDriver BiDi and sends, as it launches, commands that
 * Firefox added in 143 (network.addDataCollector, browser.setDownloadBehavior). An older Firefox
 * (Debian bookworm's mirror has carried ESR 140 as well as 153) cannot be launched at all, so its
 * flows are skipped with this reason instead of failing every one at launch.
 */
const FIREFOX_FOR_PLAYWRIGHT = 143;
let firefoxMajor: number | null | undefined;

function installedFirefoxMajor(): number | null {
  if (firefoxMajor === undefined) {
    try {
      const version = execFileSync(firefoxPath(), ['--version'], { encoding: 'utf8', timeout: 30_000 });
      firefoxMajor = Number(/(\d+)\.\d+/.exec(version)?.[1]) || null;
    } catch {
      firefoxMajor = null; // Not installed here: Playwright's own launch error says so.
    }
  }
  return firefoxMajor;
}

/** Why Firefox cannot be driven here (missing or too old), or undefined when it can. */
export function firefoxUnavailable(): string | undefined {
  if (installedFirefoxMajor() === null) return `no Firefox at ${firefoxPath()}`;
  return firefoxTooOld();
}

function firefoxTooOld(): string | undefined {
  const major = installedFirefoxMajor();
  if (major === null || major >= FIREFOX_FOR_PLAYWRIGHT) return undefined;
  return `Firefox ${major} cannot be driven by Playwright 1.64, which needs Firefox ${FIREFOX_FOR_PLAYWRIGHT} or later (WebDriver BiDi network.addDataCollector and browser.setDownloadBehavior)`;
}

const FIREFOX_GAPS: [RegExp, string][] = [
  [/pickers\.spec/, 'Firefox has no showSaveFilePicker or showDirectoryPicker'],
  [/installability/, 'installability is reported through the Chrome DevTools Protocol only'],
  [/passkey\.spec/, 'the virtual WebAuthn authenticator (with PRF) is a Chrome DevTools Protocol feature'],
  [
    /quota error midway|copy on this device that cannot be replaced/,
    'the storage quota is overridden through the Chrome DevTools Protocol',
  ],
  [/remembered recovery key is protected/, "it launches Chromium itself to scan a Chromium profile's files"],
  [
    /round-trips through the buttons|made in the app restores with the command-line tool/,
    "Playwright's Firefox driver cannot hand a folder to a directory input",
  ],
  [
    /the policy admits a saved place to the places worker only/,
    "Playwright's Firefox driver cannot evaluate inside a module worker (worker.evaluate closes the target)",
  ],
];

export function engineSkipReason(browserName: string, file: string, title: string): string | undefined {
  if (browserName !== 'firefox') return undefined;
  const tooOld = firefoxTooOld();
  if (tooOld) return tooOld;
  for (const [pattern, reason] of FIREFOX_GAPS) if (pattern.test(file) || pattern.test(title)) return reason;
  return undefined;
}
