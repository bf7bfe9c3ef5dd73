/**
 * The schema of WhatsApp for Android since about 2021: message, chat and jid tables, with
 * attachments in message_media, replies in message_quoted and group events in message_system.
 * Those three are optional: without them messages still show, as text.
 */

import { baseMessage, quoteOf } from './message-row.ts';
import type { Layout, Tables } from './schema.ts';
import type { Query, Row } from './sqlite-vfs.ts';
import type { ChatDatabase, ChatMessage, ChatSummary, ContactNames, SearchHit } from './types.ts';
import {
  DELETED_TYPE,
  likePattern,
  MEDIA_KINDS,
  mediaName,
  nameOf,
  num,
  preview,
  SYSTEM_TYPE,
  str,
  systemText,
} from './words.ts';

const NEEDS = {
  message: ['_id', 'chat_row_id', 'from_me', 'timestamp', 'message_type', 'text_data', 'sender_jid_row_id'],
  chat: ['_id', 'jid_row_id', 'subject'],
  jid: ['_id', 'user', 'server'],
};

const jidOf = (alias: string, tables: Tables) =>
  tables.get('jid')?.has('raw_string')
    ? `COALESCE(${alias}.raw_string, ${alias}.user || '@' || ${alias}.server)`
    : `(${alias}.user || '@' || ${alias}.server)`;

function messageSql(tables: Tables): { select: string; joins: string; order: string } {
  const hasMedia = tables.has('message_media');
  const hasQuote = tables.has('message_quoted');
  const hasSystem = tables.has('message_system');
  const sortColumn = tables.get('message')?.has('sort_id') ? 'm.sort_id, m._id' : 'm._id';
  const select = [
    'm._id AS id, m.chat_row_id AS chat, m.from_me AS fromMe, m.timestamp AS time, m.message_type AS type',
    'm.text_data AS text',
    `${jidOf('sj', tables)} AS senderJid`,
    `${jidOf('cj', tables)} AS chatJid`,
    hasMedia
      ? 'mm.media_name AS mediaName, mm.file_path AS mediaPath, mm.file_size AS mediaSize, mm.mime_type AS mediaMime'
      : 'NULL AS mediaName, NULL AS mediaPath, NULL AS mediaSize, NULL AS mediaMime',
    hasQuote
      ? `q.message_row_id AS quoted, q.text_data AS quoteText, q.from_me AS quoteFromMe, ${jidOf('qj', tables)} AS quoteJid`
      : 'NULL AS quoted, NULL AS quoteText, NULL AS quoteFromMe, NULL AS quoteJid',
    hasSystem ? 'ms.action_type AS action' : 'NULL AS action',
  ].join(', ');
  const joins = [
    'LEFT JOIN jid sj ON sj._id = m.sender_jid_row_id',
    'LEFT JOIN chat c ON c._id = m.chat_row_id',
    'LEFT JOIN jid cj ON cj._id = c.jid_row_id',
    hasMedia ? 'LEFT JOIN message_media mm ON mm.message_row_id = m._id' : '',
    hasQuote
      ? 'LEFT JOIN message_quoted q ON q.message_row_id = m._id LEFT JOIN jid qj ON qj._id = q.sender_jid_row_id'
      : '',
    hasSystem ? 'LEFT JOIN message_system ms ON ms.message_row_id = m._id' : '',
  ].join(' ');
  return { select, joins, order: sortColumn };
}

export function toMessage(row: Row, contacts: ContactNames): ChatMessage {
  const type = num(row.type);
  const text = str(row.text);
  const message = baseMessage(row, contacts);
  const mediaKind = MEDIA_KINDS[type];
  if (type === DELETED_TYPE) {
    message.kind = 'deleted';
    message.text = '';
  } else if (type === SYSTEM_TYPE || row.action != null) {
    message.kind = 'system';
    message.text = `${message.sender} ${systemText(row.action == null ? undefined : num(row.action), text)}`;
  } else if (mediaKind || row.mediaName != null || row.mediaPath != null) {
    const kind = mediaKind ?? 'attachment';
    message.kind = 'media';
    message.media = {
      kind,
      name: mediaName(kind, row.mediaName, row.mediaPath),
      size: row.mediaSize == null ? undefined : num(row.mediaSize),
      mime: row.mediaMime == null ? undefined : str(row.mediaMime),
    };
  }
  const quote = quoteOf(row, contacts);
  if (quote) message.quote = quote;
  return message;
}

class ModernReader implements ChatDatabase {
  readonly schema = 'modern';
  private readonly sql: ReturnType<typeof messageSql>;
  constructor(
    private readonly query: Query,
    private readonly tables: Tables,
    private readonly contacts: ContactNames,
  ) {
    this.sql = messageSql(tables);
  }

  chats(): ChatSummary[] {
    const { select, joins, order } = this.sql;
    const desc = order.replace(/,|$/g, (c) => ` DESC${c}`);
    const rows = this.query.all(
      `SELECT c._id AS chatId, ${jidOf('j', this.tables)} AS jid, c.subject AS subject,
        (SELECT count(*) FROM message x WHERE x.chat_row_id = c._id) AS count
       FROM chat c LEFT JOIN jid j ON j._id = c.jid_row_id`,
    );
    const chats: ChatSummary[] = [];
    for (const row of rows) {
      const count = num(row.count);
      if (count === 0) continue; // Chats without messages (cleared, or placeholders) are left out.
      const [last] = this.query.all(
        `SELECT ${select} FROM message m ${joins} WHERE m.chat_row_id = ? ORDER BY ${desc} LIMIT 1`,
        [row.chatId],
      );
      const message = last ? toMessage(last, this.contacts) : undefined;
      const jid = str(row.jid);
      const group = jid.endsWith('@g.us');
      chats.push({
        id: num(row.chatId),
        jid,
        name: str(row.subject) || nameOf(jid, this.contacts),
        group,
        count,
        lastTime: message?.time ?? 0,
        lastText: message ? preview(message.kind, message.text, message.media?.name) : '',
      });
    }
    return chats.sort((a, b) => b.lastTime - a.lastTime || a.id - b.id);
  }

  messages(chatId: number, offset: number, limit: number): ChatMessage[] {
    const { select, joins, order } = this.sql;
    return this.query
      .all(
        // The page is found in the (chat_row_id, sort_id) index alone; only its rows are joined.
        `SELECT ${select} FROM message m ${joins} WHERE m._id IN
          (SELECT m._id FROM message m WHERE m.chat_row_id = ? ORDER BY ${order} LIMIT ? OFFSET ?) ORDER BY ${order}`,
        [chatId, limit, offset],
      )
      .map((row) => toMessage(row, this.contacts));
  }

  position(chatId: number, messageId: number): number {
    const sorted = this.tables.get('message')?.has('sort_id');
    const [row] = this.query.all(
      sorted
        ? `SELECT count(*) AS n FROM message m, message t WHERE t._id = ? AND m.chat_row_id = ?
           AND (m.sort_id < t.sort_id OR (m.sort_id = t.sort_id AND m._id < t._id))`
        : 'SELECT count(*) AS n FROM message m WHERE m.chat_row_id = ? AND m._id < ?',
      sorted ? [messageId, chatId] : [chatId, messageId],
    );
    return num(row?.n);
  }

  search(text: string, limit: number): SearchHit[] {
    const { select, joins } = this.sql;
    const rows = this.query.all(
      `SELECT ${select}, c.subject AS subject FROM message m ${joins}
       WHERE m.text_data LIKE ? ESCAPE '\\' AND m.chat_row_id > 0 ORDER BY m.timestamp DESC, m._id DESC LIMIT ?`,
      [likePattern(text), limit],
    );
    return rows.map((row) => ({
      message: toMessage(row, this.contacts),
      chatName: str(row.subject) || nameOf(str(row.chatJid), this.contacts),
    }));
  }
}

export function modernLayout(contacts: ContactNames): Layout<ChatDatabase> {
  return {
    name: 'modern (message, chat, jid)',
    needs: NEEDS,
    open: (query, tables) => new ModernReader(query, tables, contacts),
  };
}
