/**
 * The neutral message model. Commands and the progress logic build MessageViews; each adapter
 * renders them with one pure function (Block Kit, Discord components/embeds, HTML).
 *
 * Text is "neutral markdown": **bold**, _italic_, `code`, [label](https://url) and user mentions
 * written as <@USERID>. Renderers translate (Slack: *bold*, <url|label>; Discord keeps it).
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
  | 'delete';

export interface ButtonPayload {
  action: ActionName;
  /** The generation job the button belongs to. */
  jobId: string;
  /** Optional small argument (e.g. which output index to upscale/animate). */
  arg?: string;
}

export interface Button extends ButtonPayload {
  label: string;
  style?: ButtonStyle;
}

export type Block =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: Array<{ label: string; value: string }> }
  /** percent: 0..100, or undefined for an indeterminate bar; `estimated` percentages are shown with ≈. */
  | { type: 'progress'; percent?: number; estimated?: boolean; label: string }
  | { type: 'image'; url: string; alt: string }
  | { type: 'context'; text: string }
  | { type: 'actions'; buttons: Button[] };

export interface MessageView {
  /** Plain fallback text (notifications, screen readers, platforms without blocks). */
  text: string;
  blocks: Block[];
}

export const MAX_CUSTOM_ID_LENGTH = 100;
const CODEC_PREFIX = 'gb1';
const ACTIONS: readonly ActionName[] = ['confirm', 'cancel', 'retry', 'variations', 'upscale', 'animate', 'delete'];

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

/** Neutral markdown to plain text, for fallbacks. */
export function stripMarkdown(text: string): string {
  return text
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
