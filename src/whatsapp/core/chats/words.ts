/** Shared wording of the chat readers: message kinds, system events, numbers. */
import type { ContactNames } from './types.ts';

/** WhatsApp's message_type (modern) and media_wa_type (legacy) numbers for attachments. */
export const MEDIA_KINDS: Record<number, string> = {
  1: 'image',
  2: 'audio',
  3: 'video',
  4: 'contact card',
  5: 'location',
  9: 'document',
  13: 'GIF',
  16: 'live location',
  20: 'sticker',
  42: 'view-once image',
  43: 'view-once video',
};
export const SYSTEM_TYPE = 7;
export const DELETED_TYPE = 15;

/**
 * System events by action type, as community documentation of the schema describes them (not
 * checked against WhatsApp's own code): anything else is still shown, with its number.
 */
const ACTIONS: Record<number, string> = {
  1: 'changed the group subject',
  4: 'joined',
  5: 'left',
  6: 'changed the group icon',
  11: 'created the group',
  12: 'added a participant',
  14: 'removed a participant',
};

export function systemText(action: number | undefined, text: string): string {
  if (action === undefined) return text ? `: ${text}` : 'did something (a system event)';
  const label = ACTIONS[action] ?? `system event ${action}`;
  return action === 1 && text ? `${label} to “${text}”` : label;
}

/** "+447700900001" for a phone jid; the jid itself for anything else. */
export function numberOf(jid: string): string {
  const at = jid.indexOf('@');
  const user = at === -1 ? jid : jid.slice(0, at);
  const server = at === -1 ? '' : jid.slice(at + 1);
  if (jid === 'status@broadcast') return 'Status updates';
  return server === 's.whatsapp.net' && /^\d+$/.test(user) ? `+${user}` : jid;
}

export function nameOf(jid: string | null | undefined, contacts: ContactNames): string {
  if (!jid) return 'Unknown';
  return contacts.get(jid) ?? numberOf(jid);
}

export function mediaName(kind: string, name: unknown, path: unknown): string {
  if (typeof name === 'string' && name) return name;
  if (typeof path === 'string' && path) return path.slice(path.lastIndexOf('/') + 1);
  return kind;
}

export function preview(kind: string, text: string, media?: string): string {
  if (kind === 'deleted') return 'This message was deleted';
  if (kind === 'media') return text ? `${media}: ${text}` : (media ?? 'Attachment');
  return text;
}

/** SQL's numbers arrive as number or bigint; text as string. */
export const num = (value: unknown): number => (typeof value === 'bigint' ? Number(value) : Number(value ?? 0));

/** The latest moment a JavaScript Date can hold (about the year 275760), in ms since 1970. */
const LAST_DATE_MS = 8.64e15;

/**
 * A message time in ms since 1970, or 0 (shown as an unknown time) for a value that is no date at
 * all: negative, not a number, or past what a Date can hold, as a damaged or hostile database may
 * have. One such message must not stop a whole export.
 */
export function timeOf(value: unknown): number {
  const ms = num(value);
  return Number.isFinite(ms) && ms > 0 && ms <= LAST_DATE_MS ? ms : 0;
}
export const str = (value: unknown): string => (typeof value === 'string' ? value : value == null ? '' : String(value));

/** A LIKE pattern that finds text literally (% and _ escaped). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
