/**
 * The neutral message model. Commands and the progress logic build MessageViews; each adapter
 * renders them with one pure function (Block Kit, Discord components/embeds, HTML).
 *
 * Text is "neutral markdown": **bold**, _italic_, `code`, [label](https://url), user mentions
 * written as <@USERID>, and times written as <time:UNIX_SECONDS:STYLE> (STYLE: relative, time,
 * datetime or date) that each reader's own client renders in their time zone, live, with no edit.
 * Renderers translate (Slack: *bold*, <url|label>, <!date^…>; Discord: <t:…>; the page: <time>).
 */

export type ButtonStyle = 'primary' | 'danger' | 'default';

/** Every button the product can show. Short names keep custom ids far under Discord's 100 chars. */
export type ActionName =
  | 'confirm'
  | 'cancel'
  | 'retry'
  | 'variations'
  | 'upscale'
  | 'animate'
  /** One output, image-to-image (arg: `index` or `index:subtle|strong`). */
  | 'vary'
  /** Opens a form with the prompt and flags to edit and run again. */
  | 'remix'
  | 'delete';

export interface ButtonPayload {
  action: ActionName;
  /** The generation job the button belongs to. */
  jobId: string;
  /** Optional small argument (e.g. which output index to upscale/vary/animate, 0-based). */
  arg?: string;
}

export interface Button extends ButtonPayload {
  label: string;
  style?: ButtonStyle;
}

/** One result shown in a message: an image inline, a video as a link where the platform cannot embed it. */
export interface MediaItem {
  /** Where a reader opens it: the platform's copy when there is one, else the provider's link. */
  url: string;
  /** The provider's public link, for platforms that can only show an image from a public URL. */
  originUrl?: string;
  alt: string;
  mimeType?: string;
  /** The platform's own id of the uploaded file (Slack shows it with `slack_file`). */
  fileId?: string;
  width?: number;
  height?: number;
}

export type Block =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: Array<{ label: string; value: string }> }
  /** percent: 0..100, or undefined for an indeterminate bar; `estimated` percentages are shown with ≈. */
  | { type: 'progress'; percent?: number; estimated?: boolean; label: string }
  | { type: 'image'; url: string; alt: string }
  /** The results, in order (numbered from 1 when there are several). */
  | { type: 'media'; items: MediaItem[] }
  | { type: 'context'; text: string }
  | { type: 'actions'; buttons: Button[] };

export interface MessageView {
  /** Plain fallback text (notifications, screen readers, platforms without blocks). */
  text: string;
  blocks: Block[];
}

export const MAX_CUSTOM_ID_LENGTH = 100;
const CODEC_PREFIX = 'gb1';
const ACTIONS: readonly ActionName[] = ['confirm', 'cancel', 'retry', 'variations', 'upscale', 'animate', 'vary', 'remix', 'delete'];

/** Encodes a button as `gb1|action|jobId|arg`, at most 100 characters (Discord's custom_id cap). */
export function encodeButtonId(payload: ButtonPayload): string {
  if (payload.jobId.includes('|') || payload.arg?.includes('|')) {
    throw new Error('button payload fields may not contain "|"');
  }
  const id = [CODEC_PREFIX, payload.action, payload.jobId, payload.arg ?? ''].join('|');
  if (id.length > MAX_CUSTOM_ID_LENGTH) {
    throw new Error(`button id too long (${id.length} > ${MAX_CUSTOM_ID_LENGTH})`);
  }
  return id;
}

/** The inverse of encodeButtonId; undefined for ids this bot did not make (or made by another version). */
export function decodeButtonId(id: string): ButtonPayload | undefined {
  if (id.length > MAX_CUSTOM_ID_LENGTH) return undefined;
  const parts = id.split('|');
  if (parts.length !== 4 || parts[0] !== CODEC_PREFIX) return undefined;
  const [, action, jobId, arg] = parts as [string, string, string, string];
  if (!ACTIONS.includes(action as ActionName) || jobId.length === 0) return undefined;
  return arg ? { action: action as ActionName, jobId, arg } : { action: action as ActionName, jobId };
}

export function textView(text: string): MessageView {
  return { text: stripMarkdown(text), blocks: [{ type: 'text', text }] };
}

export type TimeStyle = 'relative' | 'time' | 'datetime' | 'date';

/** `<time:UNIX_SECONDS:STYLE>`: the one way core text names a moment; each platform renders it client-side. */
const TIME_TOKEN = /<time:(\d{1,12}):(relative|time|datetime|date)>/g;

export function timeToken(ms: number, style: TimeStyle): string {
  return `<time:${Math.floor(ms / 1000)}:${style}>`;
}

/** Replaces every time token with what `render` makes of it. */
export function replaceTimeTokens(text: string, render: (seconds: number, style: TimeStyle) => string): string {
  return text.replace(TIME_TOKEN, (_m, seconds: string, style: string) => render(Number(seconds), style as TimeStyle));
}

/** A time as plain text for readers no client renders it for: ISO-like, in UTC. */
export function fallbackTime(seconds: number, style: TimeStyle): string {
  const iso = new Date(seconds * 1000).toISOString();
  if (style === 'date') return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Neutral markdown to plain text, for fallbacks. */
export function stripMarkdown(text: string): string {
  return replaceTimeTokens(text, fallbackTime)
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\W)_(.+?)_(?=\W|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '$1 ($2)');
}

/** A ten-segment text bar for platforms without a progress widget; alternating when unknown. */
export function textProgressBar(percent: number | undefined): string {
  if (percent === undefined) return '▰▱▰▱▰▱▰▱▰▱';
  const filled = Math.round(Math.max(0, Math.min(100, percent)) / 10);
  return '▰'.repeat(filled) + '▱'.repeat(10 - filled);
}
