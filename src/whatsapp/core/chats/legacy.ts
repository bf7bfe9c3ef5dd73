/**
 * The schema of WhatsApp for Android before about 2021: one `messages` table keyed by the chat's
 * jid, with `chat_list` for the chats. Attachments are columns of the message; replies are in
 * messages_quotes (optional); a system event has status 6 and its action in media_size.
 */

import { baseMessage, quoteOf } from './message-row.ts';
import type { Layout, Tables } from './schema.ts';
import type { Query, Row } from './sqlite-vfs.ts';
import type { ChatDatabase, ChatMessage, ChatSummary, ContactNames, SearchHit } from './types.ts';
import { DELETED_TYPE, likePattern, MEDIA_KINDS, mediaName, nameOf, num, preview, str, systemText } from './words.ts';

const NEEDS = {
  messages: ['_id', 'key_remote_jid', 'key_from_me', 'data', 'timestamp', 'media_wa_type', 'remote_resource', 'status'],
  chat_list: ['_id', 'key_remote_jid', 'subject'],
};
const SYSTEM_STATUS = 6;

function messageSql(tables: Tables): { select: string; joins: string } {
  const columns = tables.get('messages') ?? new Set();
  const col = (name: string) => (columns.has(name) ? `m.${name}` : 'NULL');
  const quotes = tables.has('messages_quotes') && columns.has('quoted_row_id');
  return {
    select: [
      'm._id AS id, cl._id AS chat, m.key_remote_jid AS chatJid, m.key_from_me AS fromMe, m.timestamp AS time',
      'm.data AS text, m.media_wa_type AS type, m.remote_resource AS senderJid, m.status AS status',
      `${col('media_name')} AS mediaName, ${col('media_size')} AS mediaSize, ${col('media_mime_type')} AS mediaMime`,
      `${col('media_caption')} AS caption`,
      quotes
        ? 'q._id AS quoted, q.data AS quoteText, q.key_from_me AS quoteFromMe, q.remote_resource AS quoteJid'
        : 'NULL AS quoted, NULL AS quoteText, NULL AS quoteFromMe, NULL AS quoteJid',
    ].join(', '),
    joins: [
      'JOIN chat_list cl ON cl.key_remote_jid = m.key_remote_jid',
      quotes ? 'LEFT JOIN messages_quotes q ON q._id = m.quoted_row_id AND m.quoted_row_id > 0' : '',
    ].join(' '),
  };
}

function toMessage(row: Row, contacts: ContactNames): ChatMessage {
  const type = num(row.type);
  const text = str(row.text);
  const message = baseMessage(row, contacts);
  if (num(row.status) === SYSTEM_STATUS) {
    message.kind = 'system';
    message.text = `${message.sender} ${systemText(num(row.mediaSize), text)}`;
  } else if (type === DELETED_TYPE) {
    message.kind = 'deleted';
    message.text = '';
  } else if (type !== 0) {
    const kind = MEDIA_KINDS[type] ?? 'attachment';
    message.kind = 'media';
    message.text = str(row.caption);
    message.media = {
      kind,
      name: mediaName(kind, row.mediaName, null),
      size: row.mediaSize == null ? undefined : num(row.mediaSize),
      mime: row.mediaMime == null ? undefined : str(row.mediaMime),
    };
  }
  const quote = quoteOf(row, contacts);
  if (quote) message.quote = quote;
  return message;
}

class LegacyReader implements ChatDatabase {
  readonly schema = 'legacy';
  private readonly sql: ReturnType<typeof messageSql>;
  constructor(
    private readonly query: Query,
    tables: Tables,
    private readonly contacts: ContactNames,
  ) {
    this.sql = messageSql(tables);
  }

  chats(): ChatSummary[] {
    const { select, joins } = this.sql;
    const chats: ChatSummary[] = [];
    for (const row of this.query.all(
      `SELECT cl._id AS chatId, cl.key_remote_jid AS jid, cl.subject AS subject,
        (SELECT count(*) FROM messages x WHERE x.key_remote_jid = cl.key_remote_jid) AS count FROM chat_list cl`,
    )) {
      const count = num(row.count);
      if (count === 0) continue;
      const [last] = this.query.all(
        `SELECT ${select} FROM messages m ${joins} WHERE m.key_remote_jid = ? ORDER BY m.timestamp DESC, m._id DESC LIMIT 1`,
        [row.jid],
      );
      const message = last ? toMessage(last, this.contacts) : undefined;
      const jid = str(row.jid);
      chats.push({
        id: num(row.chatId),
        jid,
        name: str(row.subject) || nameOf(jid, this.contacts),
        group: jid.endsWith('@g.us'),
        count,
        lastTime: message?.time ?? 0,
        lastText: message ? preview(message.kind, message.text, message.media?.name) : '',
      });
    }
    return chats.sort((a, b) => b.lastTime - a.lastTime || a.id - b.id);
  }

  messages(chatId: number, offset: number, limit: number): ChatMessage[] {
    const { select, joins } = this.sql;
    return this.query
      .all(
        `SELECT ${select} FROM messages m ${joins} WHERE m._id IN
          (SELECT x._id FROM messages x, chat_list y WHERE y._id = ? AND x.key_remote_jid = y.key_remote_jid
           ORDER BY x.timestamp, x._id LIMIT ? OFFSET ?) ORDER BY m.timestamp, m._id`,
        [chatId, limit, offset],
      )
      .map((row) => toMessage(row, this.contacts));
  }

  position(chatId: number, messageId: number): number {
    const [row] = this.query.all(
      `SELECT count(*) AS n FROM messages m, messages t, chat_list cl
       WHERE t._id = ? AND cl._id = ? AND m.key_remote_jid = cl.key_remote_jid
       AND (m.timestamp < t.timestamp OR (m.timestamp = t.timestamp AND m._id < t._id))`,
      [messageId, chatId],
    );
    return num(row?.n);
  }

  search(text: string, limit: number): SearchHit[] {
    const { select, joins } = this.sql;
    return this.query
      .all(
        `SELECT ${select}, cl.subject AS subject FROM messages m ${joins}
         WHERE m.data LIKE ? ESCAPE '\\' ORDER BY m.timestamp DESC, m._id DESC LIMIT ?`,
        [likePattern(text), limit],
      )
      .map((row) => ({
        message: toMessage(row, this.contacts),
        chatName: str(row.subject) || nameOf(str(row.chatJid), this.contacts),
      }));
  }
}

export function legacyLayout(contacts: ContactNames): Layout<ChatDatabase> {
  return {
    name: 'legacy (messages, chat_list)',
    needs: NEEDS,
    open: (query, tables) => new LegacyReader(query, tables, contacts),
  };
}
