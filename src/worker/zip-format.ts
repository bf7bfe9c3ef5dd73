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
  /** `/`-separated; a folder's name ends in `/`. */
  name: Uint8Array;
  dir: boolean;
  size: number;
  /** A Date whose local time becomes the DOS time (kept within 1980 to 2099 by the caller). */
  date: Date;
  /** Where its local header starts in the archive. */
  offset: number;
  crc: number;
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

function record(length: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(length);
  return { bytes, view: new DataView(bytes.buffer) };
}

export function localHeader(entry: ZipEntry, zip64: boolean): Uint8Array {
  const extra = zip64 ? 20 : 0;
  const { bytes, view } = record(30 + entry.name.length + extra);
  const { time, day } = dosTime(entry.date);
  view.setUint32(0, LOCAL, true);
  view.setUint16(4, zip64 ? ZIP64 : CLASSIC, true);
  view.setUint16(6, FLAGS, true);
  view.setUint16(8, 0, true);
  view.setUint16(10, time, true);
  view.setUint16(12, day, true);
  // CRC and sizes are in the data descriptor (flag bit 3); Zip64 marks the sizes as in its extra field.
  view.setUint32(18, zip64 ? MAX32 : 0, true);
  view.setUint32(22, zip64 ? MAX32 : 0, true);
  view.setUint16(26, entry.name.length, true);
  view.setUint16(28, extra, true);
  bytes.set(entry.name, 30);
  if (zip64) {
    const at = 30 + entry.name.length;
    view.setUint16(at, 1, true);
    view.setUint16(at + 2, 16, true);
    // Sizes of zero here: the data descriptor carries them (APPNOTE 4.3.9.2, 4.5.3).
  }
  return bytes;
}

export function dataDescriptor(entry: ZipEntry, zip64: boolean): Uint8Array {
  const { bytes, view } = record(zip64 ? 24 : 16);
  view.setUint32(0, DESCRIPTOR, true);
  view.setUint32(4, entry.crc, true);
  if (zip64) {
    view.setBigUint64(8, BigInt(entry.size), true);
    view.setBigUint64(16, BigInt(entry.size), true);
  } else {
    view.setUint32(8, entry.size, true);
    view.setUint32(12, entry.size, true);
  }
  return bytes;
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

export function centralRecord(entry: ZipEntry, force: boolean): Uint8Array {
  const zip64 = centralZip64(entry, force);
  const { bytes, view } = record(46 + entry.name.length + zip64.length);
  const { time, day } = dosTime(entry.date);
  view.setUint32(0, CENTRAL, true);
  view.setUint16(4, MADE_BY, true);
  view.setUint16(6, zip64.length > 0 ? ZIP64 : CLASSIC, true);
  view.setUint16(8, FLAGS, true);
  view.setUint16(10, 0, true);
  view.setUint16(12, time, true);
  view.setUint16(14, day, true);
  view.setUint32(16, entry.crc, true);
  view.setUint32(20, zip64.sizes ? MAX32 : entry.size, true);
  view.setUint32(24, zip64.sizes ? MAX32 : entry.size, true);
  view.setUint16(28, entry.name.length, true);
  view.setUint16(30, zip64.length, true);
  view.setUint32(38, (entry.dir ? DIR_MODE : FILE_MODE) * 0x10000, true);
  view.setUint32(42, zip64.offset ? MAX32 : entry.offset, true);
  bytes.set(entry.name, 46);
  if (zip64.length > 0) {
    let at = 46 + entry.name.length;
    view.setUint16(at, 1, true);
    view.setUint16(at + 2, zip64.length - 4, true);
    at += 4;
    if (zip64.sizes) {
      view.setBigUint64(at, BigInt(entry.size), true);
      view.setBigUint64(at + 8, BigInt(entry.size), true);
      at += 16;
    }
    if (zip64.offset) view.setBigUint64(at, BigInt(entry.offset), true);
  }
  return bytes;
}

/** Whether the end needs the Zip64 end record and locator. */
function endNeedsZip64(count: number, centralOffset: number, centralSize: number, force: boolean): boolean {
  return force || count >= MAX16 || centralOffset >= MAX32 || centralSize >= MAX32;
}

/** The end of the archive: Zip64 end record and locator where needed, then the classic end record. */
export function endRecords(count: number, centralOffset: number, centralSize: number, force: boolean): Uint8Array {
  const zip64 = endNeedsZip64(count, centralOffset, centralSize, force);
  const { bytes, view } = record((zip64 ? 76 : 0) + 22);
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
    central += 46 + nameLength + centralZip64({ size, offset }, force).length;
    offset += 30 + nameLength + (zip64 ? 20 : 0) + size + (zip64 ? 24 : 16);
    count++;
  }
  return offset + central + (endNeedsZip64(count, offset, central, force) ? 76 : 0) + 22;
}
