/**
 * Which e2e flows each engine runs. Firefox runs the core flows in CI (the whole suite twice
 * would not fit CI's time on 2 cores); COFFER_E2E_FIREFOX=all runs every spec there. Flows an
 * engine cannot run at all are listed with the reason, which the report shows.
 */
// vault.spec.ts is not yet checked in Firefox; it joins once it passes there.
// compression.spec.ts: zstd (WebAssembly on the helper workers) must work in every engine.
const FIREFOX_CORE_SPECS = ['app.spec.ts', 'compression.spec.ts', 'whatsapp-chats.spec.ts', 'opener.spec.ts'];

const FIREFOX_GAPS: [RegExp, string][] = [
  [/pickers\.spec/, 'Firefox has no showSaveFilePicker or showDirectoryPicker'],
  [/installability/, 'installability is reported through the Chrome DevTools Protocol only'],
  [/round-trips through the buttons/, "Playwright's Firefox driver cannot hand a folder to a directory input"],
  [/large\.spec|whatsapp-large/, 'the memory check reads Chromium renderer processes'],
];

export function engineSkipReason(browserName: string, file: string, title: string): string | undefined {
  if (browserName !== 'firefox') return undefined;
  for (const [pattern, reason] of FIREFOX_GAPS) if (pattern.test(file) || pattern.test(title)) return reason;
  const name = file.split('/').pop() ?? file;
  if (process.env.COFFER_E2E_FIREFOX !== 'all' && !FIREFOX_CORE_SPECS.includes(name))
    return 'not in the Firefox CI selection (core flows); COFFER_E2E_FIREFOX=all runs it';
  return undefined;
}
