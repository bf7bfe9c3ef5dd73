/** Reading the chats of a decrypted msgstore.db (and names from wa.db) through a query interface. */
import { legacyLayout } from './legacy.ts';
import { modernLayout } from './modern.ts';
import { pickLayout } from './schema.ts';
import type { Query } from './sqlite-vfs.ts';
import type { ChatDatabase, ContactNames } from './types.ts';

export { readContacts } from './contacts.ts';
export { type ExportMeta, exportHtml } from './html.ts';
export { type OpenDatabase, openReadOnly, type PageSource, type Query, type SqliteWasm } from './sqlite-vfs.ts';
export type * from './types.ts';

/** The modern layout first: databases in transition have both, and only the new one is kept up to date. */
export function openChats(query: Query, contacts: ContactNames = new Map()): ChatDatabase {
  return pickLayout(query, [modernLayout(contacts), legacyLayout(contacts)]);
}
