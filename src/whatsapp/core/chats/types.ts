/** What a chat reader shows, whichever WhatsApp schema the database has. */

export interface ChatSummary {
  id: number;
  jid: string;
  /** The group subject, the contact's name from wa.db, or the phone number. */
  name: string;
  group: boolean;
  count: number;
  /** Milliseconds since 1970 (UTC) of the last message, or 0 if unknown. */
  lastTime: number;
  /** A one-line preview of the last message. */
  lastText: string;
}

export interface MediaInfo {
  /** What kind of attachment: image, video, audio, document, sticker… */
  kind: string;
  name: string;
  size?: number;
  mime?: string;
}

export interface QuoteInfo {
  sender: string;
  text: string;
}

export interface ChatMessage {
  id: number;
  chatId: number;
  fromMe: boolean;
  /** Who wrote it: "You", the contact's name, or the number. */
  sender: string;
  time: number;
  kind: 'text' | 'media' | 'system' | 'deleted';
  /** The text, the media caption, or the description of a system event. */
  text: string;
  media?: MediaInfo;
  quote?: QuoteInfo;
}

export interface SearchHit {
  message: ChatMessage;
  chatName: string;
}

/** Reads one msgstore.db. Offsets count messages in the chat's display order, oldest first. */
export interface ChatDatabase {
  readonly schema: string;
  chats(): ChatSummary[];
  messages(chatId: number, offset: number, limit: number): ChatMessage[];
  /** Where a message is in its chat's order (for jumping to a search result). */
  position(chatId: number, messageId: number): number;
  search(text: string, limit: number): SearchHit[];
}

/** Names for numbers, from wa.db: jid → name. */
export type ContactNames = Map<string, string>;
