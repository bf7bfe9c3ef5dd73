/**
 * Where browser storage is known not to last, the vault says so plainly (issue 14): Safari may
 * delete a site's storage after about 7 days without a visit, even with persist(); a private
 * window drops everything when it closes (Firefox's private windows have no service worker,
 * which is how one is told apart).
 */
export function isSafari(userAgent = navigator.userAgent): boolean {
  return /Safari\//.test(userAgent) && !/Chrome\/|Chromium\/|CriOS\/|Edg\/|Firefox\/|FxiOS\/|Android/.test(userAgent);
}

export function evictionWarning(): string | undefined {
  if (isSafari()) {
    return 'Safari may delete what Coffer keeps here after about 7 days without a visit, even when asked to keep it. Treat backups kept here as a cache, not your only copy: download each one and keep it somewhere else.';
  }
  if (!('serviceWorker' in navigator)) {
    return 'This looks like a private window: what Coffer keeps here goes when the window closes. Treat it as a cache, not your only copy: download each backup you need.';
  }
  return undefined;
}
