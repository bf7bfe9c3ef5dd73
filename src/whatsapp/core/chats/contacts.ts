/** Contact names from wa.db (its wa_contacts table), to show instead of phone numbers. */
import { CofferError } from '../../../core/errors.ts';
import { missing, readTables } from './schema.ts';
import type { Query } from './sqlite-vfs.ts';
import type { ContactNames } from './types.ts';
import { str } from './words.ts';

export function readContacts(query: Query): ContactNames {
  const tables = readTables(query);
  const gaps = missing(tables, { wa_contacts: ['jid'] });
  if (gaps.length) {
    throw new CofferError(
      'unsupported_version',
      `This is not a WhatsApp contacts database (wa.db): it has no ${gaps.join('; ')}.`,
    );
  }
  const columns = tables.get('wa_contacts') ?? new Set<string>();
  const names = ['display_name', 'wa_name', 'given_name'].filter((c) => columns.has(c));
  if (names.length === 0) {
    throw new CofferError(
      'unsupported_version',
      'This wa.db has no name column in wa_contacts (display_name, wa_name or given_name).',
    );
  }
  const contacts: ContactNames = new Map();
  const rows = query.all(
    `SELECT jid, COALESCE(${names.map((c) => `NULLIF(${c}, '')`).join(', ')}) AS name FROM wa_contacts`,
  );
  for (const row of rows) {
    const name = str(row.name);
    if (name && row.jid) contacts.set(str(row.jid), name);
  }
  return contacts;
}
