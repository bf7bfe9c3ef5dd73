/**
 * Chats as one self-contained HTML file: no scripts, no outside resources (its own CSP says so),
 * readable in any browser and print-friendly for a PDF. It names the source database with its
 * SHA-256 and the export time. Times are UTC, so the browser and the CLI write the same file.
 */
import type { ChatDatabase, ChatMessage, ChatSummary } from './types.ts';

export interface ExportMeta {
  sourceName: string;
  /** Hex SHA-256 of the whole source database file. */
  sha256: string;
  exportedAt: Date;
}

const PAGE = 2000;

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:52rem;padding:1rem;color:#111;background:#fff}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dd{margin:0;word-break:break-all}
.chat{margin-top:2rem;break-before:page}.chat h2{border-bottom:1px solid #999}
ol{list-style:none;padding:0}li{margin:.4rem 0;padding:.4rem .6rem;border-radius:.5rem;background:#f1f1f1;break-inside:avoid}
li.out{background:#dcf3d0;margin-left:3rem}li.in{margin-right:3rem}li.system{background:none;text-align:center;color:#555;font-style:italic}
li.deleted{color:#666;font-style:italic}.meta{font-size:.8em;color:#555}.sender{font-weight:600}
blockquote{margin:.2rem 0;padding:.2rem .5rem;border-left:3px solid #888;color:#333;font-size:.9em}
.media{font-size:.9em}p{margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
@media print{body{max-width:none}li{background:none;border:1px solid #ccc}}
`.trim();

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A <time> element; an unknown time has no machine-readable date to give. */
function timeElement(ms: number): string {
  return ms ? `<time datetime="${new Date(ms).toISOString()}">${utcTime(ms)}</time>` : `<time>${utcTime(ms)}</time>`;
}

export function utcTime(ms: number): string {
  if (!ms) return 'unknown time';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function sizeText(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

export function messageHtml(message: ChatMessage): string {
  const side = message.kind === 'system' ? 'system' : message.fromMe ? 'out' : 'in';
  const classes = message.kind === 'deleted' ? `${side} deleted` : side;
  const parts = [`<li class="${classes}" id="m${message.id}">`];
  parts.push(
    `<div class="meta"><span class="sender" dir="auto">${escapeHtml(message.sender)}</span> · ${timeElement(message.time)}</div>`,
  );
  if (message.quote) {
    parts.push(
      `<blockquote><span class="sender" dir="auto">${escapeHtml(message.quote.sender)}</span><br><span dir="auto">${escapeHtml(message.quote.text)}</span></blockquote>`,
    );
  }
  if (message.media) {
    const details = [message.media.kind, sizeText(message.media.size), message.media.mime ?? ''].filter(Boolean);
    parts.push(
      `<div class="media">[${escapeHtml(details[0])}] <span dir="auto">${escapeHtml(message.media.name)}</span>${details.length > 1 ? ` (${escapeHtml(details.slice(1).join(', '))})` : ''}</div>`,
    );
  }
  if (message.kind === 'deleted') parts.push('<p>This message was deleted.</p>');
  else if (message.text) parts.push(`<p dir="auto">${escapeHtml(message.text)}</p>`);
  parts.push('</li>');
  return parts.join('');
}

/**
 * The export, in pieces to write one after another: a chat is read PAGE messages at a time, so
 * exporting a large database never holds more than that in memory.
 */
export function* exportHtml(reader: ChatDatabase, chats: ChatSummary[], meta: ExportMeta): Generator<string> {
  const title = chats.length === 1 ? `WhatsApp chat: ${chats[0].name}` : 'WhatsApp chats';
  const total = chats.reduce((sum, chat) => sum + chat.count, 0);
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1 dir="auto">${escapeHtml(title)}</h1>
<dl>
<dt>Source database</dt><dd>${escapeHtml(meta.sourceName)}</dd>
<dt>SHA-256 of the source database</dt><dd><code class="sha256">${escapeHtml(meta.sha256)}</code></dd>
<dt>Exported</dt><dd><time class="exported" datetime="${meta.exportedAt.toISOString()}">${utcTime(meta.exportedAt.getTime())}</time></dd>
<dt>Schema</dt><dd>${escapeHtml(reader.schema)}</dd>
<dt>Contents</dt><dd>${chats.length} ${chats.length === 1 ? 'chat' : 'chats'}, ${total} ${total === 1 ? 'message' : 'messages'}</dd>
</dl>
</header>
`;
  if (chats.length > 1) {
    yield `<nav><h2>Chats</h2><ol>${chats.map((chat) => `<li><a href="#chat${chat.id}" dir="auto">${escapeHtml(chat.name)}</a> (${chat.count})</li>`).join('')}</ol></nav>\n`;
  }
  for (const chat of chats) {
    yield `<section class="chat" id="chat${chat.id}">\n<h2 dir="auto">${escapeHtml(chat.name)}</h2>\n<p class="meta">${escapeHtml(chat.jid)} · ${chat.count} ${chat.count === 1 ? 'message' : 'messages'}</p>\n<ol>\n`;
    for (let offset = 0; ; offset += PAGE) {
      const page = reader.messages(chat.id, offset, PAGE);
      if (page.length > 0) yield `${page.map(messageHtml).join('\n')}\n`;
      if (page.length < PAGE) break;
    }
    yield '</ol>\n</section>\n';
  }
  yield '</body>\n</html>\n';
}
