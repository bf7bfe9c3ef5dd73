/**
 * Which WhatsApp schema a database has. Each adapter names the tables and columns it needs; the
 * first whose needs are met reads the database. When none fits, the message says, for each
 * layout, exactly what is missing, so a new WhatsApp version is easy to diagnose and to add.
 */
import { CofferError } from '../../../core/errors.ts';
import type { Query } from './sqlite-vfs.ts';

export type Tables = Map<string, Set<string>>;

/**
 * Every ordinary table, with its columns. Views and virtual tables are left out: a view runs
 * whatever query its author wrote (an endless recursive one hangs the reader), and WhatsApp's own
 * tables that the layouts read are all ordinary ones.
 */
export function readTables(query: Query): Tables {
  const tables: Tables = new Map();
  const ordinary = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'";
  for (const row of query.all(ordinary)) {
    const name = String(row.name);
    const columns = query.all('SELECT name FROM pragma_table_info(?)', [name]).map((c) => String(c.name));
    tables.set(name, new Set(columns));
  }
  return tables;
}

/** Tables (and their columns) a layout needs. */
export type Needs = Record<string, string[]>;

export function missing(tables: Tables, needs: Needs): string[] {
  const gaps: string[] = [];
  for (const [table, columns] of Object.entries(needs)) {
    const have = tables.get(table);
    if (!have) {
      gaps.push(`table "${table}"`);
      continue;
    }
    const absent = columns.filter((column) => !have.has(column));
    if (absent.length) gaps.push(`${absent.map((c) => `"${c}"`).join(', ')} in table "${table}"`);
  }
  return gaps;
}

export interface Layout<T> {
  name: string;
  needs: Needs;
  open(query: Query, tables: Tables): T;
}

export function pickLayout<T>(query: Query, layouts: Layout<T>[]): T {
  let tables: Tables;
  try {
    tables = readTables(query);
  } catch (error) {
    throw new CofferError(
      'not_whatsapp',
      `This file is not an SQLite database Coffer can read (${(error as Error).message.replace(/^SQLite could not read this database: /, '')}).`,
    );
  }
  const reasons: string[] = [];
  for (const layout of layouts) {
    const gaps = missing(tables, layout.needs);
    if (gaps.length === 0) return layout.open(query, tables);
    reasons.push(`the ${layout.name} layout needs ${gaps.join('; ')}`);
  }
  throw new CofferError(
    'unsupported_version',
    `This database is not a WhatsApp message store Coffer can read: ${reasons.join('. And ')}.`,
  );
}
