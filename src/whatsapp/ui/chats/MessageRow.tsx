/** One message in the chat view: sender, time, reply, attachment placeholder, text. */

import { formatBytes } from '../../../ui/shared/format.ts';
import type { ChatMessage } from '../../core/chats/types.ts';

export function when(ms: number): string {
  return ms ? new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

export function MessageRow({ message }: { message: ChatMessage | undefined }) {
  if (!message) return <div class="message loading">Loading…</div>;
  if (message.kind === 'system') {
    return (
      <div class="message system">
        <span dir="auto">{message.text}</span> · <time>{when(message.time)}</time>
      </div>
    );
  }
  const media = message.media;
  return (
    <div class={`message ${message.fromMe ? 'out' : 'in'}${message.kind === 'deleted' ? ' deleted' : ''}`}>
      <div class="message-meta">
        <span class="sender" dir="auto">
          {message.sender}
        </span>{' '}
        <time>{when(message.time)}</time>
      </div>
      {message.quote && (
        <blockquote class="quote">
          <span class="sender" dir="auto">
            {message.quote.sender}
          </span>
          <span dir="auto">{message.quote.text}</span>
        </blockquote>
      )}
      {media && (
        <p class="media">
          <span aria-hidden="true">📎 </span>
          {media.kind}: <span dir="auto">{media.name}</span>
          {media.size !== undefined || media.mime ? (
            <span class="hint">
              {' '}
              ({[media.size !== undefined ? formatBytes(media.size) : '', media.mime ?? ''].filter(Boolean).join(', ')},
              not in the backup)
            </span>
          ) : (
            <span class="hint"> (not in the backup)</span>
          )}
        </p>
      )}
      {message.kind === 'deleted' ? (
        <p class="text">This message was deleted.</p>
      ) : (
        message.text && (
          <p class="text" dir="auto">
            {message.text}
          </p>
        )
      )}
    </div>
  );
}
