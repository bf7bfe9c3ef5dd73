/**
 * The one-file offline opener (dist/coffer-opener.html, built from src/opener with the app):
 * saved next to the backups and the recovery kit, it opens them from disk with no website.
 * It is a same-origin file of this app, so the link works offline too (the service worker has it).
 */
export const OPENER_FILE = 'coffer-opener.html';

export function OpenerLink({ label, class: className }: { label: string; class?: string }) {
  return (
    <a class={className} href={`./${OPENER_FILE}`} download={OPENER_FILE}>
      {label}
    </a>
  );
}
