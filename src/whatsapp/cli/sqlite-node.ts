/**
 * The official SQLite WASM build, loaded in Node for `coffer whatsapp chats` and the tests: the
 * build expects a browser (`self`, `self.location`) and fetches its .wasm, so both are given.
 * Database files are read in pieces with fs.readSync through the read-only VFS.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EMBEDDED } from '../../cli/embedded.ts';
import { type OpenDatabase, openReadOnly, type PageSource, type SqliteWasm } from '../core/chats/sqlite-vfs.ts';

let loading: Promise<SqliteWasm> | undefined;

function sqliteWasmPath(): string {
  const packageJson = createRequire(import.meta.url).resolve('@sqlite.org/sqlite-wasm/package.json');
  return join(dirname(packageJson), 'sqlite-wasm/jswasm/sqlite3.wasm');
}

export function loadSqlite(): Promise<SqliteWasm> {
  loading ??= (async () => {
    const scope = globalThis as { self?: unknown; location?: unknown };
    scope.self ??= globalThis;
    (scope.self as { location?: URL }).location ??= new URL('file:///coffer/');
    const wasmBinary = EMBEDDED?.sqliteWasm ?? (await readFile(sqliteWasmPath()));
    const { default: init } = await import('@sqlite.org/sqlite-wasm');
    // The build says on the console that it cannot use OPFS here; that is expected, not news.
    const warn = console.warn;
    console.warn = () => {};
    try {
      return await init({ wasmBinary, print: () => {}, printErr: () => {} });
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}

/** A file read with fs.readSync; it is closed with the database. */
export function fileSource(path: string): PageSource & { close(): void } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const got = readSync(fd, bytes, done, length - done, offset + done);
        if (got === 0) break;
        done += got;
      }
      return done === length ? bytes : bytes.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}

export async function openDatabaseFile(path: string): Promise<OpenDatabase> {
  const sqlite3 = await loadSqlite();
  const source = fileSource(path);
  try {
    const db = openReadOnly(sqlite3, source);
    return {
      all: db.all,
      close() {
        db.close();
        source.close();
      },
    };
  } catch (error) {
    source.close();
    throw error;
  }
}
