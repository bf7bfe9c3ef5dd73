/**
 * The chat reader's state and flow: open the database in the reader's worker, pick a chat,
 * load its messages a page at a time as they scroll into view, search, jump to a hit, export.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { handOverTemp, newTempName, removeTemp } from '../../../ui/shared/download.ts';
import { type FriendlyError, friendlyError } from '../../../ui/shared/messages.ts';
import type { WorkerError } from '../../../worker/client.ts';
import type { Output, WhatsAppKeyInput } from '../../../worker/protocol.ts';
import type { ChatMessage, ChatSummary, SearchHit } from '../../core/chats/types.ts';
import { savePicker } from '../words.ts';
import { chatsWorker as client } from './client.ts';

export const PAGE = 100;
const SEARCH_LIMIT = 200;

export interface ReaderSource {
  file: File;
  name: string;
  contacts?: File;
  key?: WhatsAppKeyInput;
}

export interface Opened {
  schema: string;
  chats: ChatSummary[];
  contacts: number;
}

export function readerError(failure: WorkerError): FriendlyError {
  if (failure.code === 'unsupported_version' || failure.code === 'not_whatsapp')
    return { headline: 'Coffer cannot read the chats in this database.', detail: failure.message };
  return friendlyError(failure);
}

export function exportName(chat?: ChatSummary): string {
  if (!chat) return 'whatsapp-chats.html';
  // Characters no file system takes (control characters included) become "_".
  const safe = [...chat.name]
    .map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c))
    .join('')
    .slice(0, 80);
  return `whatsapp-chat-${safe}.html`;
}

export function useChatReader(source: ReaderSource | undefined) {
  const [opened, setOpened] = useState<Opened>();
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<FriendlyError>();
  const [chatId, setChatId] = useState<number>();
  const shownChat = useRef<number | undefined>(undefined);
  const [jump, setJump] = useState<{ index: number; align: 'start' | 'end' }>();
  const [pages, setPages] = useState(new Map<number, ChatMessage[]>());
  const asked = useRef(new Set<number>());
  const [hits, setHits] = useState<SearchHit[]>();
  const [searching, setSearching] = useState(false);
  const [exporting, setExporting] = useState<string>();
  const [exported, setExported] = useState<string>();

  useEffect(() => () => client.close(), []);

  /** A request ended by Stop is not a failure to show: stop() says what happened. */
  const report = (failure: WorkerError) => {
    if (failure.code !== 'cancelled') setError(readerError(failure));
  };

  useEffect(() => {
    setOpened(undefined);
    setChatId(undefined);
    setHits(undefined);
    setError(undefined);
    if (!source) return;
    let current = true;
    setOpening(true);
    client
      .run({ type: 'open', ...source }, 'opened')
      .then((result) => current && setOpened(result))
      .catch((failure: WorkerError) => current && report(failure))
      .finally(() => current && setOpening(false));
    return () => {
      current = false;
    };
  }, [source]);

  const chat = opened?.chats.find((candidate) => candidate.id === chatId);

  function openChat(id: number, index?: number) {
    const count = opened?.chats.find((candidate) => candidate.id === id)?.count ?? 0;
    if (id !== chatId) {
      asked.current = new Set();
      shownChat.current = id;
      setPages(new Map());
      setChatId(id);
    }
    // A chat opens at its newest message, as on the phone; a search hit opens at the hit.
    setJump(index === undefined ? { index: count - 1, align: 'end' } : { index, align: 'start' });
  }

  /** The message at `index`, or undefined while its page loads (asking for it once). */
  function message(index: number): ChatMessage | undefined {
    const page = Math.floor(index / PAGE);
    const loaded = pages.get(page);
    if (loaded) return loaded[index - page * PAGE];
    if (chatId !== undefined && !asked.current.has(page)) {
      asked.current.add(page);
      const forChat = chatId;
      client
        .run({ type: 'messages', chatId: forChat, offset: page * PAGE, limit: PAGE }, 'messages')
        .then(({ messages }) => {
          // A page that arrives after the person moved to another chat is dropped.
          setPages((known) => (forChat === shownChat.current ? new Map(known).set(page, messages) : known));
        })
        .catch(report);
    }
    return undefined;
  }

  async function search(text: string) {
    if (!text.trim()) {
      setHits(undefined);
      return;
    }
    setSearching(true);
    try {
      setHits((await client.run({ type: 'search', text: text.trim(), limit: SEARCH_LIMIT }, 'search')).hits);
    } catch (failure) {
      report(failure as WorkerError);
    } finally {
      setSearching(false);
    }
  }

  async function openHit(hit: SearchHit) {
    const { chatId: id, id: messageId } = hit.message;
    const { position } = await client.run({ type: 'position', chatId: id, messageId }, 'position');
    openChat(id, position);
  }

  async function exportChats(which: 'all' | ChatSummary) {
    const name = exportName(which === 'all' ? undefined : which);
    let output: Output;
    let temp: string | undefined;
    const picker = savePicker();
    if (picker) {
      try {
        output = { kind: 'handle', handle: await picker({ suggestedName: name }) };
      } catch {
        return; // The person closed the dialog.
      }
    } else {
      temp = await newTempName('chats');
      output = { kind: 'opfs', name: temp };
    }
    setExporting(name);
    setExported(undefined);
    setError(undefined);
    try {
      const chatIds = which === 'all' ? 'all' : [which.id];
      await client.run({ type: 'export', chatIds, output }, 'exported');
      if (temp) await handOverTemp(temp, name);
      setExported(name);
    } catch (failure) {
      if (temp) await removeTemp(temp);
      report(failure as WorkerError);
    } finally {
      setExporting(undefined);
    }
  }

  /** Ends whatever the reader is doing by ending its worker; the database must be opened again. */
  function stop() {
    client.cancel();
    setOpened(undefined);
    setChatId(undefined);
    setHits(undefined);
    setOpening(false);
    setSearching(false);
    setExporting(undefined);
    setError({
      headline: 'Reading was stopped.',
      detail: 'Nothing was changed. Open the database again to read it.',
    });
  }

  const busy = opening || searching || exporting !== undefined;

  return {
    busy,
    stop,
    opened,
    opening,
    error,
    chat,
    openChat,
    message,
    jump,
    hits,
    searching,
    search,
    openHit,
    exporting,
    exported,
    exportChats,
  };
}

export type ChatReaderState = ReturnType<typeof useChatReader>;
