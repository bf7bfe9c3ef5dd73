/**
 * What both schema adapters read the same way from a message row: each adapter's SQL gives the
 * same column aliases (id, chat, chatJid, fromMe, time, text, senderJid and the quote's columns),
 * and only the kind of message (system, deleted, media) is told apart differently.
 */
import type { Row } from './sqlite-vfs.ts';
import type { ChatMessage, ContactNames, QuoteInfo } from './types.ts';
import { nameOf, num, str, timeOf } from './words.ts';

/** The message as plain text from its sender; the adapter then sets its kind. */
export function baseMessage(row: Row, contacts: ContactNames): ChatMessage {
  const fromMe = num(row.fromMe) === 1;
  // In a one-to-one chat the sender column is empty: the other person is the chat itself.
  const senderJid = str(row.senderJid) || str(row.chatJid);
  return {
    id: num(row.id),
    chatId: num(row.chat),
    fromMe,
    sender: fromMe ? 'You' : nameOf(senderJid, contacts),
    time: timeOf(row.time),
    kind: 'text',
    text: str(row.text),
  };
}

/** The message this one replies to, when the row has one. */
export function quoteOf(row: Row, contacts: ContactNames): QuoteInfo | undefined {
  if (row.quoted == null) return undefined;
  return {
    sender: num(row.quoteFromMe) === 1 ? 'You' : nameOf(str(row.quoteJid) || str(row.chatJid), contacts),
    text: str(row.quoteText) || 'Attachment',
  };
}
