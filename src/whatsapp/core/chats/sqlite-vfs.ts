/**
 * A read-only SQLite VFS for the official SQLite WASM build that reads the database file in
 * pieces on demand, so a 1 GiB msgstore.db never has to be in memory. The bytes come from a
 * synchronous PageSource (FileReaderSync on a File in a worker, fs.readSync in the CLI): SQLite's
 * VFS calls are synchronous. The database is opened immutable, so SQLite never looks for a
 * journal, never locks, and never writes.
 *
 * The SQLite WASM module is passed in (src/core does not load WASM itself); only the few parts
 * of its API used here are typed.
 */

import { CofferError } from '../../../core/errors.ts';

/** Synchronous random access to a database file that does not change while it is open. */
export interface PageSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export type SqlValue = string | number | bigint | Uint8Array | null;
export type Row = Record<string, SqlValue>;

/** What the schema adapters need: run one read-only query and get its rows. */
export interface Query {
  all(sql: string, params?: SqlValue[]): Row[];
}

type Ptr = number;
interface Struct {
  readonly pointer: Ptr;
  $iVersion: number;
  $szOsFile: number;
  $mxPathname: number;
  $zName: Ptr;
  $pMethods: Ptr;
  $xRandomness: Ptr;
  $xSleep: Ptr;
  dispose(): void;
}
interface Database {
  readonly pointer: Ptr;
  exec(options: { sql: string; bind?: SqlValue[]; rowMode: 'array'; returnValue: 'resultRows' }): SqlValue[][];
  prepare(sql: string): { getColumnNames(): string[]; finalize(): void };
  close(): void;
}
export interface SqliteWasm {
  capi: {
    sqlite3_vfs: new (pointer?: Ptr) => Struct;
    sqlite3_io_methods: new () => Struct;
    sqlite3_file: (new (pointer: Ptr) => Struct) & { structInfo: { sizeof: number } };
    sqlite3_vfs_find(name: string | null): Ptr;
    /** Calls `handler` every `ops` virtual-machine steps; a non-zero answer interrupts the query. */
    sqlite3_progress_handler(db: Ptr, ops: number, handler: ((context: Ptr) => number) | 0, context: Ptr): void;
  };
  wasm: {
    bigIntEnabled: boolean;
    heap8u(): Uint8Array;
    poke(pointer: Ptr, value: number | bigint, type: 'i32' | 'i64' | 'double'): void;
    cstrToJs(pointer: Ptr): string;
    cstrncpy(target: Ptr, source: Ptr, n: number): number;
  };
  vfs: { installVfs(options: object): void };
  StructBinder?: { StructType: unknown };
  oo1: { DB: new (filename: string, flags: string, vfs?: string) => Database };
}

// Result codes and flags from sqlite3.h (a stable ABI).
const OK = 0;
const READONLY = 8;
const CANTOPEN = 14;
const NOTFOUND = 12;
const IOERR_READ = 10 | (1 << 8);
const IOERR_SHORT_READ = 10 | (2 << 8);
const OPEN_READONLY = 0x1;
const OPEN_MAIN_DB = 0x100;
const IOCAP_IMMUTABLE = 0x2000;

export const VFS_NAME = 'coffer-readonly';
const BLOCK = 64 * 1024;
const CACHED_BLOCKS = 128; // 8 MiB of file data; SQLite keeps its own page cache on top.

/** Reads whole 64 KiB blocks and keeps the most recent ones: SQLite asks for one page at a time. */
class BlockCache {
  private readonly blocks = new Map<number, Uint8Array>();
  constructor(readonly source: PageSource) {}

  block(index: number): Uint8Array {
    const known = this.blocks.get(index);
    if (known) {
      this.blocks.delete(index);
      this.blocks.set(index, known);
      return known;
    }
    const start = index * BLOCK;
    const bytes = this.source.read(start, Math.min(BLOCK, this.source.size - start));
    this.blocks.set(index, bytes);
    if (this.blocks.size > CACHED_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
    return bytes;
  }

  /** Copies [offset, offset + target.length) into target; false if the file ends first (the rest is zeroed). */
  copy(target: Uint8Array, offset: number): boolean {
    let done = 0;
    while (done < target.length) {
      const at = offset + done;
      if (at >= this.source.size) {
        target.fill(0, done);
        return false;
      }
      const block = this.block(Math.floor(at / BLOCK));
      const within = at % BLOCK;
      const take = Math.min(block.length - within, target.length - done);
      if (take <= 0) {
        target.fill(0, done);
        return false;
      }
      target.set(block.subarray(within, within + take), done);
      done += take;
    }
    return true;
  }
}

const installed = new WeakMap<SqliteWasm, Map<string, PageSource>>();

/** Registers the VFS once per module; returns the table of files it can open, by name. */
function install(sqlite3: SqliteWasm): Map<string, PageSource> {
  const known = installed.get(sqlite3);
  if (known) return known;
  const { capi, wasm } = sqlite3;
  // SQLite 3.41's installVfs still checks structs against StructBinder.StructType, which its own
  // start-up deletes (fixed in 3.42): put back a stand-in that recognises every struct.
  const isStruct = (v: unknown) => typeof (v as { installMethod?: unknown })?.installMethod === 'function';
  sqlite3.StructBinder ??= { StructType: { [Symbol.hasInstance]: isStruct } };
  const sources = new Map<string, PageSource>();
  const open = new Map<Ptr, { cache: BlockCache; file: Struct }>();
  const vfs = new capi.sqlite3_vfs();
  const io = new capi.sqlite3_io_methods();
  const fallback = new capi.sqlite3_vfs(capi.sqlite3_vfs_find(null));
  vfs.$iVersion = 1;
  vfs.$szOsFile = capi.sqlite3_file.structInfo.sizeof;
  vfs.$mxPathname = 1024;
  vfs.$xRandomness = fallback.$xRandomness;
  vfs.$xSleep = fallback.$xSleep;
  io.$iVersion = 1;
  const int64 = (value: number) => (wasm.bigIntEnabled ? BigInt(value) : value);

  const ioMethods = {
    xClose(pFile: Ptr) {
      open.get(pFile)?.file.dispose();
      open.delete(pFile);
      return OK;
    },
    xRead(pFile: Ptr, pDest: Ptr, n: number, offset: number | bigint) {
      const entry = open.get(pFile);
      if (!entry) return IOERR_READ;
      try {
        const target = wasm.heap8u().subarray(pDest, pDest + n);
        return entry.cache.copy(target, Number(offset)) ? OK : IOERR_SHORT_READ;
      } catch {
        return IOERR_READ;
      }
    },
    xWrite: () => READONLY,
    xTruncate: () => READONLY,
    xSync: () => OK,
    xFileSize(pFile: Ptr, pSize: Ptr) {
      const entry = open.get(pFile);
      if (!entry) return IOERR_READ;
      wasm.poke(pSize, int64(entry.cache.source.size), 'i64');
      return OK;
    },
    xLock: () => OK,
    xUnlock: () => OK,
    xCheckReservedLock(_pFile: Ptr, pOut: Ptr) {
      wasm.poke(pOut, 0, 'i32');
      return OK;
    },
    xFileControl: () => NOTFOUND,
    xSectorSize: () => 4096,
    xDeviceCharacteristics: () => IOCAP_IMMUTABLE,
  };
  const vfsMethods = {
    xOpen(_pVfs: Ptr, zName: Ptr, pFile: Ptr, flags: number, pOutFlags: Ptr) {
      // Only the registered main database opens: no journals, no temporary files on disk.
      const source = zName ? sources.get(wasm.cstrToJs(zName)) : undefined;
      if (!source || (flags & OPEN_MAIN_DB) === 0) return CANTOPEN;
      const file = new capi.sqlite3_file(pFile);
      file.$pMethods = io.pointer;
      open.set(pFile, { cache: new BlockCache(source), file });
      if (pOutFlags) wasm.poke(pOutFlags, OPEN_READONLY, 'i32');
      return OK;
    },
    xDelete: () => READONLY,
    xAccess(_pVfs: Ptr, _zName: Ptr, _flags: number, pOut: Ptr) {
      wasm.poke(pOut, 0, 'i32'); // No journal or WAL file exists beside the database.
      return OK;
    },
    xFullPathname(_pVfs: Ptr, zName: Ptr, nOut: number, pOut: Ptr) {
      return wasm.cstrncpy(pOut, zName, nOut) < nOut ? OK : CANTOPEN;
    },
    xCurrentTime(_pVfs: Ptr, pOut: Ptr) {
      wasm.poke(pOut, 2440587.5 + Date.now() / 86400000, 'double');
      return OK;
    },
    xGetLastError: () => 0,
  };
  sqlite3.vfs.installVfs({
    io: { struct: io, methods: ioMethods },
    vfs: { struct: vfs, methods: vfsMethods, name: VFS_NAME },
  });
  installed.set(sqlite3, sources);
  return sources;
}

let opened = 0;

export interface OpenDatabase extends Query {
  close(): void;
}

/**
 * How long one query may run. A real message store answers each of the reader's queries in well
 * under a second; a database built to make a query run for ever is stopped with a plain message.
 */
export const QUERY_BUDGET_MS = 60_000;
const PROGRESS_STEPS = 100_000;

export interface ReadOptions {
  /** Milliseconds one query may take (QUERY_BUDGET_MS unless a test says otherwise). */
  queryBudgetMs?: number;
}

/** Opens a database file read-only through the VFS above; nothing of it is read until a query needs it. */
export function openReadOnly(sqlite3: SqliteWasm, source: PageSource, options: ReadOptions = {}): OpenDatabase {
  const sources = install(sqlite3);
  const name = `/coffer-${++opened}.db`;
  sources.set(name, source);
  let db: Database;
  try {
    db = new sqlite3.oo1.DB(`file:${name}?immutable=1`, 'r', VFS_NAME);
  } catch (error) {
    sources.delete(name);
    throw error;
  }
  const budget = options.queryBudgetMs ?? QUERY_BUDGET_MS;
  let deadline = Number.POSITIVE_INFINITY;
  sqlite3.capi.sqlite3_progress_handler(db.pointer, PROGRESS_STEPS, () => (Date.now() > deadline ? 1 : 0), 0);
  const run = (sql: string, bind?: SqlValue[]) => {
    deadline = Date.now() + budget;
    try {
      return db.exec({ sql, bind, rowMode: 'array', returnValue: 'resultRows' });
    } catch (error) {
      if (Date.now() > deadline) {
        throw new CofferError(
          'limit_exceeded',
          `This database did not answer within ${budget >= 1000 ? `${Math.round(budget / 1000)} seconds` : `${budget} ms`}, so reading it was stopped. It may be damaged, or made to keep a reader busy.`,
        );
      }
      throw error;
    } finally {
      deadline = Number.POSITIVE_INFINITY;
    }
  };
  // The temporary b-trees of ORDER BY and GROUP BY stay in WASM memory (the VFS opens no other file).
  run('PRAGMA temp_store = MEMORY');
  // Reading a result value by value costs a call across the WASM boundary each (about 20 µs in
  // the JS wrapper): 2,000 messages of 20 columns took over half a second. SQLite packs the
  // whole result into one JSON text instead, read with one call. (Blob columns cannot be read
  // this way; no query here selects one.)
  const wrapped = new Map<string, string>();
  const quote = (name: string) => name.replace(/"/g, '""');
  const jsonSql = (sql: string) => {
    let known = wrapped.get(sql);
    if (!known) {
      const stmt = db.prepare(sql);
      const names = stmt.getColumnNames();
      stmt.finalize();
      const pairs = names.map((name) => `'${name.replace(/'/g, "''")}', "${quote(name)}"`).join(', ');
      known = `SELECT json_group_array(json_object(${pairs})) FROM (${sql})`;
      wrapped.set(sql, known);
    }
    return known;
  };
  return {
    all(sql, params) {
      let text: SqlValue;
      try {
        [[text]] = run(jsonSql(sql), params);
      } catch (error) {
        if (error instanceof CofferError) throw error;
        // SQLite's own words ("file is not a database", "database disk image is malformed").
        throw new CofferError('payload_damaged', `SQLite could not read this database: ${(error as Error).message}`);
      }
      return JSON.parse(String(text)) as Row[];
    },
    close() {
      db.close();
      sources.delete(name);
    },
  };
}
