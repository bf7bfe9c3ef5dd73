/** The package ships no types; only its default export (the module initialiser) is used. */
declare module '@sqlite.org/sqlite-wasm' {
  import type { SqliteWasm } from './sqlite-vfs.ts';

  export default function sqlite3InitModule(config?: object): Promise<SqliteWasm>;
}
