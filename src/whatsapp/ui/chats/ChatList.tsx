/** The chats, newest first: name or number, last message, message count, date. */
import type { ChatSummary } from '../../core/chats/types.ts';
import { when } from './MessageRow.tsx';
import { VirtualList } from './VirtualList.tsx';

export function ChatList(props: { chats: ChatSummary[]; selected?: number; onOpen: (id: number) => void }) {
  const { chats, selected, onOpen } = props;
  return (
    <VirtualList
      class="chat-list"
      label="Chats"
      count={chats.length}
      estimate={64}
      row={(index) => {
        const chat = chats[index];
        return (
          <button
            type="button"
            class={`chat-item${chat.id === selected ? ' selected' : ''}`}
            aria-current={chat.id === selected ? 'true' : undefined}
            onClick={() => onOpen(chat.id)}
          >
            <span class="chat-name" dir="auto">
              {chat.name}
            </span>
            <span class="chat-when">{when(chat.lastTime)}</span>
            <span class="chat-last" dir="auto">
              {chat.lastText}
            </span>
            <span class="chat-count">
              {chat.count} {chat.count === 1 ? 'message' : 'messages'}
            </span>
          </button>
        );
      }}
    />
  );
}
