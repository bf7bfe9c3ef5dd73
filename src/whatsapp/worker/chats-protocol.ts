/**
 * The chat reader's worker protocol. The reader has its own worker (SQLite WASM and the open
 * database stay there while the person reads), separate from the Coffer worker, so reading
 * never waits for a backup and a backup never waits for a query.
 */

import type { Output, WhatsAppKeyInput, WorkerErrorCode } from '../../worker/protocol.ts';
import type { ChatMessage, ChatSummary, SearchHit } from '../core/chats/types.ts';

export type ChatsCommand =
  | {
      type: 'open';
      file: File;
      /** The name shown in the export (the decrypted file's name). */
      name: string;
      /** wa.db, plain or as a WhatsApp backup (then opened with `key`). */
      contacts?: File;
      key?: WhatsAppKeyInput;
    }
  | { type: 'messages'; chatId: number; offset: number; limit: number }
  | { type: 'position'; chatId: number; messageId: number }
  | { type: 'search'; text: string; limit: number }
  | { type: 'export'; chatIds: number[] | 'all'; output: Output }
  | { type: 'close' };

export type ChatsResult =
  | { type: 'opened'; schema: string; chats: ChatSummary[]; contacts: number }
  | { type: 'messages'; messages: ChatMessage[] }
  | { type: 'position'; position: number }
  | { type: 'search'; hits: SearchHit[] }
  | { type: 'exported'; size: number; sha256: string }
  | { type: 'closed' };

export type ChatsMessage =
  | { id: number; type: 'result'; result: ChatsResult }
  | { id: number; type: 'error'; code: WorkerErrorCode; message: string };
