/**
 * Backup file names say what is inside and when, so two backups never share a name:
 * "Fotos été + 2 more, 2026-12-02 20-14-05.coffer".
 */
export function topLevelNames(paths: string[]): string[] {
  return [...new Set(paths.map((path) => path.split('/')[0]))];
}

/**
 * Characters that no common file system accepts in a name become a dash. A name longer than
 * `max` characters is cut at a word's end where one is near (else where it must) and marked "…".
 */
export function safeName(name: string, max = 60): string {
  const cleaned = Array.from(name, (c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '-' : c));
  if (cleaned.length <= max) return cleaned.join('');
  const head = cleaned.slice(0, max - 1).join('');
  const wordEnd = Math.max(head.lastIndexOf(' '), head.lastIndexOf('-'), head.lastIndexOf('_'));
  return `${wordEnd >= max / 2 ? head.slice(0, wordEnd).trimEnd() : head}…`;
}

function stamp(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return `${date} ${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
}

export function backupFileName(paths: string[], now = new Date()): string {
  const names = topLevelNames(paths);
  const what = names.length === 0 ? 'backup' : safeName(names[0]);
  const more = names.length > 1 ? ` + ${names.length - 1} more` : '';
  return `${what}${more}, ${stamp(now)}.coffer`;
}
