/**
 * Counts the tables of an SQLite database while it streams past, without keeping it: the
 * schema table (sqlite_master) is a table b-tree rooted at page 1, so page 1 says which pages
 * to catch next. Its rows of type 'table' are counted. A child page that has already gone by
 * (possible after schema changes) makes the count unknown rather than wrong.
 *
 * File format reference: https://www.sqlite.org/fileformat2.html (sections 1.3, 1.6, 2.1).
 */

const MAGIC = 'SQLite format 3\u0000';
const INTERIOR_TABLE = 0x05;
const LEAF_TABLE = 0x0d;
const MAX_WANTED_PAGES = 100_000;

export function isSqliteHeader(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

function varint(page: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (offset + i >= page.length) throw new RangeError('varint past the page');
    const byte = page[offset + i];
    if (i === 8) return [value * 256 + byte, offset + 9];
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return [value, offset + i + 1];
  }
  throw new RangeError('unreachable');
}

export class SqliteTableCounter {
  private header = new Uint8Array(100);
  private headerFill = 0;
  private pageSize = 0;
  private usable = 0;
  private tableWord: Uint8Array = new Uint8Array(0);
  private position = 0;
  private readonly wanted = new Set<number>([1]);
  private current: { number: number; data: Uint8Array; fill: number } | undefined;
  private tables = 0;
  private failed = false;

  push(bytes: Uint8Array): void {
    if (this.failed || bytes.length === 0) return;
    let rest = bytes;
    if (this.pageSize === 0) {
      // The page size is in the first 100 bytes; until then, keep them aside.
      const take = Math.min(100 - this.headerFill, rest.length);
      this.header.set(rest.subarray(0, take), this.headerFill);
      this.headerFill += take;
      if (this.headerFill < 100) return;
      if (!this.readHeader()) {
        this.failed = true;
        return;
      }
      this.consume(this.header);
      rest = rest.subarray(take);
    }
    this.consume(rest);
  }

  /** The number of tables, or undefined if this is not an SQLite database or it could not be counted. */
  result(): number | undefined {
    if (this.failed || this.pageSize === 0 || this.wanted.size > 0) return undefined;
    return this.tables;
  }

  private readHeader(): boolean {
    if (!isSqliteHeader(this.header)) return false;
    const view = new DataView(this.header.buffer);
    const raw = view.getUint16(16);
    const pageSize = raw === 1 ? 65536 : raw;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return false;
    this.pageSize = pageSize;
    this.usable = pageSize - this.header[20];
    if (this.usable < 480) return false;
    const encoding = view.getUint32(56);
    const word = 'table';
    if (encoding === 2 || encoding === 3) {
      this.tableWord = new Uint8Array(word.length * 2);
      for (let i = 0; i < word.length; i++) this.tableWord[2 * i + (encoding === 2 ? 0 : 1)] = word.charCodeAt(i);
    } else {
      this.tableWord = new TextEncoder().encode(word);
    }
    return true;
  }

  private consume(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length && !this.failed && this.wanted.size > 0) {
      const number = Math.floor(this.position / this.pageSize) + 1;
      const inPage = this.position % this.pageSize;
      const take = Math.min(this.pageSize - inPage, bytes.length - offset);
      if (this.wanted.has(number)) {
        if (!this.current || this.current.number !== number)
          this.current = { number, data: new Uint8Array(this.pageSize), fill: 0 };
        this.current.data.set(bytes.subarray(offset, offset + take), inPage);
        this.current.fill += take;
        if (this.current.fill === this.pageSize) {
          this.wanted.delete(number);
          const page = this.current.data;
          this.current = undefined;
          this.readPage(number, page);
        }
      }
      offset += take;
      this.position += take;
    }
    this.position += bytes.length - offset;
  }

  private readPage(number: number, page: Uint8Array): void {
    try {
      const start = number === 1 ? 100 : 0;
      const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
      const type = page[start];
      const cells = view.getUint16(start + 3);
      if (type === INTERIOR_TABLE) {
        const pointers = start + 12;
        const children = [view.getUint32(start + 8)];
        for (let i = 0; i < cells; i++) children.push(view.getUint32(view.getUint16(pointers + 2 * i)));
        for (const child of children) {
          // A child at or before this page has already streamed past.
          if (child <= number || this.wanted.size >= MAX_WANTED_PAGES) throw new RangeError('unreachable child');
          this.wanted.add(child);
        }
      } else if (type === LEAF_TABLE) {
        const pointers = start + 8;
        for (let i = 0; i < cells; i++) {
          if (this.isTableRow(page, view.getUint16(pointers + 2 * i))) this.tables++;
        }
      } else {
        throw new RangeError('not a table b-tree page');
      }
    } catch {
      this.failed = true;
    }
  }

  /** Whether the cell's record has 'table' in its first column (sqlite_master.type). */
  private isTableRow(page: Uint8Array, cell: number): boolean {
    const [payload, afterLength] = varint(page, cell);
    const [, recordStart] = varint(page, afterLength); // rowid
    // Only the part of the payload stored on this page can be read (section 1.6).
    const u = this.usable;
    const maxLocal = u - 35;
    const minLocal = Math.floor(((u - 12) * 32) / 255) - 23;
    let local = payload;
    if (payload > maxLocal) {
      const k = minLocal + ((payload - minLocal) % (u - 4));
      local = k <= maxLocal ? k : minLocal;
    }
    const end = Math.min(recordStart + local, page.length);
    const [headerSize, firstType] = varint(page, recordStart);
    const [serialType] = varint(page, firstType);
    if (serialType < 13 || serialType % 2 === 0) return false;
    const length = (serialType - 13) / 2;
    const value = recordStart + headerSize;
    if (value + length > end) throw new RangeError('type column not on the page');
    if (length !== this.tableWord.length) return false;
    for (let i = 0; i < length; i++) if (page[value + i] !== this.tableWord[i]) return false;
    return true;
  }
}
