/** Issue 30's targets for the app's download path, in Chromium (rows app.*) and Firefox (app.firefox.*). */
import type { Figure } from './lib.ts';
import { memoryTarget, ratioTarget, type Target } from './target.ts';

type Figures = Record<string, Figure>;

export function appDownloadTargets(f: Figures, engine: 'chromium' | 'firefox'): Target[] {
  const prefix = engine === 'firefox' ? 'app.firefox.' : 'app.';
  const app = engine === 'firefox' ? 'App in Firefox' : 'App';
  const m = (key: string) => f[`${prefix}${key}`]?.median;
  const out: Target[] = [
    // Against the WebCrypto ceiling and a plain download of the same file, in the same browser.
    ratioTarget(
      `${app} create, download path / WebCrypto encrypt alone`,
      m('download.create'),
      m('ceiling.encrypt'),
      0.6,
      'atLeast',
    ),
    ratioTarget(
      `${app} create, download path / the file downloaded as it is`,
      m('download.create'),
      m('download.plain'),
      0.4,
      'atLeast',
    ),
    ratioTarget(
      `${app} restore all as .zip, download path / WebCrypto decrypt alone`,
      m('download.restoreZip'),
      m('ceiling.decrypt'),
      0.6,
      'atLeast',
    ),
    ratioTarget(
      `${app} download of one restored file / WebCrypto decrypt alone`,
      m('download.restoreOne'),
      m('ceiling.decrypt'),
      0.6,
      'atLeast',
    ),
    // Issue 33: repair data on another core, in the app (times: speeds inverted).
    ratioTarget(
      `${app} create with repair data (10%) / without it`,
      m('download.create'),
      m('download.createParity'),
      1.3,
      'atMost',
    ),
  ];
  // The streamed download with no crypto at all: the most the streamed rows can reach (Chromium only).
  if (engine === 'chromium')
    for (const [row, what] of [
      ['create', 'App create'],
      ['restoreZip', 'App restore all as .zip'],
      ['restoreOne', 'App download of one restored file'],
    ])
      out.push(
        ratioTarget(
          `${what}, download path / the service worker's stream alone`,
          m(`download.${row}`),
          m('download.streamCeiling'),
          0.8,
          'atLeast',
        ),
      );
  const memory = engine === 'firefox' ? 'content process memory growth' : 'renderer memory growth';
  for (const [row, what] of [
    ['createBig', 'create of 4 GiB'],
    ['restoreZipBig', 'restore of 4 GiB as .zip'],
  ]) {
    out.push(
      memoryTarget(`${app} ${what}, download path: ${memory}`, f[`${prefix}download.${row}`]?.extra?.rendererGrowthMiB),
    );
  }
  return out;
}

/**
 * Issue 33, in the app: "Change how it unlocks" on a copy on this device over a copy of the file
 * in the private file system plus two Argon2id runs (the old passphrase opens the header again,
 * the new one is derived), each taken as long as an Unlock of the same copy.
 */
export function appRekeyAtCopySpeed(f: Figures): Target {
  const rekey = f['app.rekey.device']?.median;
  const copy = f['app.rekey.opfsCopy']?.median;
  const unlock = f['app.rekey.unlock']?.median;
  const budget = copy !== undefined && unlock !== undefined ? copy + 2 * unlock : undefined;
  const value = rekey !== undefined && budget !== undefined ? rekey / budget : undefined;
  return {
    name: 'App "Change how it unlocks" on this device / (private-storage copy + 2 Argon2id runs)',
    measured: value === undefined ? '-' : `${value.toFixed(2)}x (${rekey?.toFixed(2)} / ${budget?.toFixed(2)} s)`,
    required: '<= 1.2x',
    met: value === undefined ? null : value <= 1.2,
    value,
  };
}
