/**
 * The records of a .zip written as a stream (PKWARE APPNOTE 6.3.10): stored entries (method 0),
 * each followed by a data descriptor because its CRC is known only once its bytes have passed,
 * UTF-8 names (flag bit 11), and Zip64 (sections 4.3.14 to 4.3.16, 4.5.3) exactly where a size,
 * an offset or the number of entries does not fit the classic fields, so a restore of any size
 * and any number of files is one valid archive. `zipLength` says its exact size up front.
 */
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const CENTRAL = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;
/** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0808;
const MAX32 = 0xffff_ffff;
const MAX16 = 0xffff;
/** 2.0 for a classic entry, 4.5 where Zip64 is used; "made by" 3 = Unix, so modes are kept. */
const CLASSIC = 20;
const ZIP64 = 45;
const MADE_BY = (3 << 8) | ZIP64;
const FILE_MODE = 0o100644;
const DIR_MODE = 0o40755;

export interface ZipEntry {
  /** Where its UTF-8 name (`/`-separated; a folder's ends in `/`) is in the writer's name store. */
  nameStart: number;
  nameLength: number;
  dir: boolean;
  size: number;
  /** A Date whose local time becomes the DOS time (kept within 1980 to 2099 by the caller). */
  date: Date;
  /** Where its local header starts in the archive. */
  offset: number;
  crc: number;
}

/**
 * Where a record is written: straight into the writer's output batch, so that the three records
 * of each of thousands of small files cost no allocation of their own.
 */
export interface RecordTarget {
  bytes: Uint8Array;
  view: DataView;
  at: number;
}

/** Whether an entry's sizes need Zip64 (its data descriptor then has 8-byte sizes). */
export function sizesNeedZip64(size: number, force: boolean): boolean {
  return force || size >= MAX32;
}

function dosTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    day: ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** A record's bytes are written over whatever the batch held: unset fields must be zeroed. */
function clear(target: RecordTarget, length: number): void {
  target.bytes.fill(0, target.at, target.at + length);
}

export function localHeaderLength(nameLength: number, zip64: boolean): number {
  return 30 + nameLength + (zip64 ? 20 : 0);
}

/** The local header, its name copied from `names`; returns its length. */
export function writeLocalHeader(target: RecordTarget, entry: ZipEntry, names: Uint8Array, zip64: boolean): number {
  const length = localHeaderLength(entry.nameLength, zip64);
  clear(target, length);
  const { view, at } = target;
  const { time, day } = dosTime(entry.date);
  view.setUint32(at, LOCAL, true);
  view.setUint16(at + 4, zip64 ? ZIP64 : CLASSIC, true);
  view.setUint16(at + 6, FLAGS, true);
  view.setUint16(at + 10, time, true);
  view.setUint16(at + 12, day, true);
  // CRC and sizes are in the data descriptor (flag bit 3); Zip64 marks the sizes as in its extra field.
  view.setUint32(at + 18, zip64 ? MAX32 : 0, true);
  view.setUint32(at + 22, zip64 ? MAX32 : 0, true);
  view.setUint16(at + 26, entry.nameLength, true);
  view.setUint16(at + 28, zip64 ? 20 : 0, true);
  target.bytes.set(names.subarray(entry.nameStart, entry.nameStart + entry.nameLength), at + 30);
  if (zip64) {
    const extra = at + 30 + entry.nameLength;
    view.setUint16(extra, 1, true);
    view.setUint16(extra + 2, 16, true);
    // Sizes of zero here: the data descriptor carries them (APPNOTE 4.3.9.2, 4.5.3).
  }
  return length;
}

export function dataDescriptorLength(zip64: boolean): number {
  return zip64 ? 24 : 16;
}

export function writeDataDescriptor(target: RecordTarget, entry: ZipEntry, zip64: boolean): number {
  const { view, at } = target;
  view.setUint32(at, DESCRIPTOR, true);
  view.setUint32(at + 4, entry.crc, true);
  if (zip64) {
    view.setBigUint64(at + 8, BigInt(entry.size), true);
    view.setBigUint64(at + 16, BigInt(entry.size), true);
  } else {
    view.setUint32(at + 8, entry.size, true);
    view.setUint32(at + 12, entry.size, true);
  }
  return dataDescriptorLength(zip64);
}

/** The central directory's Zip64 extra field: only the values that overflow, in APPNOTE's order. */
function centralZip64(
  entry: Pick<ZipEntry, 'size' | 'offset'>,
  force: boolean,
): { sizes: boolean; offset: boolean; length: number } {
  const sizes = sizesNeedZip64(entry.size, force);
  const offset = force || entry.offset >= MAX32;
  const values = (sizes ? 2 : 0) + (offset ? 1 : 0);
  return { sizes, offset, length: values === 0 ? 0 : 4 + 8 * values };
}

export function centralRecordLength(entry: Pick<ZipEntry, 'size' | 'offset' | 'nameLength'>, force: boolean): number {
  return 46 + entry.nameLength + centralZip64(entry, force).length;
}

export function writeCentralRecord(target: RecordTarget, entry: ZipEntry, names: Uint8Array, force: boolean): number {
  const zip64 = centralZip64(entry, force);
  const length = 46 + entry.nameLength + zip64.length;
  clear(target, length);
  const { view, at } = target;
  const { time, day } = dosTime(entry.date);
  view.setUint32(at, CENTRAL, true);
  view.setUint16(at + 4, MADE_BY, true);
  view.setUint16(at + 6, zip64.length > 0 ? ZIP64 : CLASSIC, true);
  view.setUint16(at + 8, FLAGS, true);
  view.setUint16(at + 12, time, true);
  view.setUint16(at + 14, day, true);
  view.setUint32(at + 16, entry.crc, true);
  view.setUint32(at + 20, zip64.sizes ? MAX32 : entry.size, true);
  view.setUint32(at + 24, zip64.sizes ? MAX32 : entry.size, true);
  view.setUint16(at + 28, entry.nameLength, true);
  view.setUint16(at + 30, zip64.length, true);
  view.setUint32(at + 38, (entry.dir ? DIR_MODE : FILE_MODE) * 0x10000, true);
  view.setUint32(at + 42, zip64.offset ? MAX32 : entry.offset, true);
  target.bytes.set(names.subarray(entry.nameStart, entry.nameStart + entry.nameLength), at + 46);
  if (zip64.length > 0) {
    let extra = at + 46 + entry.nameLength;
    view.setUint16(extra, 1, true);
    view.setUint16(extra + 2, zip64.length - 4, true);
    extra += 4;
    if (zip64.sizes) {
      view.setBigUint64(extra, BigInt(entry.size), true);
      view.setBigUint64(extra + 8, BigInt(entry.size), true);
      extra += 16;
    }
    if (zip64.offset) view.setBigUint64(extra, BigInt(entry.offset), true);
  }
  return length;
}

/** Whether the end needs the Zip64 end record and locator. */
function endNeedsZip64(count: number, centralOffset: number, centralSize: number, force: boolean): boolean {
  return force || count >= MAX16 || centralOffset >= MAX32 || centralSize >= MAX32;
}

/** The end of the archive: Zip64 end record and locator where needed, then the classic end record. */
export function endRecords(count: number, centralOffset: number, centralSize: number, force: boolean): Uint8Array {
  const zip64 = endNeedsZip64(count, centralOffset, centralSize, force);
  const bytes = new Uint8Array((zip64 ? 76 : 0) + 22);
  const view = new DataView(bytes.buffer);
  let at = 0;
  if (zip64) {
    view.setUint32(0, ZIP64_END, true);
    view.setBigUint64(4, 44n, true);
    view.setUint16(12, MADE_BY, true);
    view.setUint16(14, ZIP64, true);
    view.setBigUint64(24, BigInt(count), true);
    view.setBigUint64(32, BigInt(count), true);
    view.setBigUint64(40, BigInt(centralSize), true);
    view.setBigUint64(48, BigInt(centralOffset), true);
    view.setUint32(56, ZIP64_LOCATOR, true);
    view.setBigUint64(64, BigInt(centralOffset + centralSize), true);
    view.setUint32(72, 1, true);
    at = 76;
  }
  view.setUint32(at, END, true);
  view.setUint16(at + 8, zip64 ? MAX16 : count, true);
  view.setUint16(at + 10, zip64 ? MAX16 : count, true);
  view.setUint32(at + 12, zip64 ? MAX32 : centralSize, true);
  view.setUint32(at + 16, zip64 ? MAX32 : centralOffset, true);
  return bytes;
}

/** The exact length of the archive written for these entries (names already UTF-8). */
export function zipLength(entries: Iterable<{ nameLength: number; size: number }>, force = false): number {
  let offset = 0;
  let central = 0;
  let count = 0;
  for (const { nameLength, size } of entries) {
    const zip64 = sizesNeedZip64(size, force);
    central += centralRecordLength({ size, offset, nameLength }, force);
    offset += localHeaderLength(nameLength, zip64) + size + dataDescriptorLength(zip64);
    count++;
  }
  return offset + central + (endNeedsZip64(count, offset, central, force) ? 76 : 0) + 22;
}
