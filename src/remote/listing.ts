/**
 * A place's folder listed: the backups in it (name, size, date), from a WebDAV PROPFIND or an S3
 * ListObjectsV2 answer. Answers are untrusted: read up to MAX_LISTING_BYTES, at most
 * MAX_ENTRIES names kept, each name checked to be one plain file name.
 */
export interface PlaceEntry {
  name: string;
  size: number;
  /** Milliseconds since the epoch, when the server says. */
  modified?: number;
}

export const MAX_LISTING_BYTES = 8 * 1024 * 1024;
export const MAX_ENTRIES = 10_000;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,4});/gi, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[name.toLowerCase()] ?? all;
  });
}

/** The text of the first element named `name` (any namespace prefix) in `xml`. */
function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`, 'i').exec(xml);
  return match ? xmlText(match[1]) : undefined;
}

function blocks(xml: string, name: string): string[] {
  const pattern = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`, 'gi');
  const found: string[] = [];
  for (let match = pattern.exec(xml); match && found.length < MAX_ENTRIES; match = pattern.exec(xml)) {
    found.push(match[1]);
  }
  return found;
}

/** A backup's name as listed: a plain `.coffer` file name, not hidden (uploads in progress are). */
export function isBackupName(name: string): boolean {
  const plain = [...name].every((char) => char !== '/' && char !== '\\' && char.charCodeAt(0) >= 0x20);
  return /\.coffer$/i.test(name) && !name.startsWith('.') && plain && name.length <= 255;
}

function dateOf(text: string | undefined): number | undefined {
  const ms = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function sizeOf(text: string | undefined): number | undefined {
  const size = Number(text);
  return text !== undefined && Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}

/** The files directly in the folder at `folderPath`, from a PROPFIND (Depth: 1) multistatus answer. */
export function parsePropfind(xml: string, folderPath: string): PlaceEntry[] {
  const entries: PlaceEntry[] = [];
  for (const response of blocks(xml, 'response')) {
    if (/<(?:[\w-]+:)?collection\s*\/?>/i.test(response)) continue;
    const href = element(response, 'href');
    const size = sizeOf(element(response, 'getcontentlength'));
    if (href === undefined || size === undefined) continue;
    let path: string;
    try {
      path = decodeURIComponent(new URL(href, 'http://place.invalid').pathname);
    } catch {
      continue;
    }
    const slash = path.lastIndexOf('/');
    if (path.slice(0, slash + 1) !== folderPath) continue;
    const name = path.slice(slash + 1);
    if (isBackupName(name)) entries.push({ name, size, modified: dateOf(element(response, 'getlastmodified')) });
  }
  return entries;
}

export interface S3Page {
  entries: PlaceEntry[];
  /** Present when there is more to list. */
  next?: string;
}

/** One ListObjectsV2 answer: the objects directly under `prefix`. */
export function parseListObjects(xml: string, prefix: string): S3Page {
  const entries: PlaceEntry[] = [];
  for (const contents of blocks(xml, 'Contents')) {
    const key = element(contents, 'Key');
    const size = sizeOf(element(contents, 'Size'));
    if (key === undefined || size === undefined || !key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (isBackupName(name)) entries.push({ name, size, modified: dateOf(element(contents, 'LastModified')) });
  }
  const truncated = element(xml, 'IsTruncated') === 'true';
  return { entries, next: truncated ? element(xml, 'NextContinuationToken') : undefined };
}
