/**
 * MessageView → Block Kit, in one pure function, with Slack's limits as named constants.
 *
 * Assumptions (Slack's Block Kit and message formatting docs): an `image` block takes either
 * `image_url` (a public URL Slack fetches) or `slack_file: {id}` (a file the poster can see; png,
 * jpg, jpeg and gif only), `alt_text` ≤ 2000 and an optional plain-text `title`; `<!date^TS^FORMAT|fallback>`
 * is rendered by each client in the reader's time zone, `{ago}` as "3 minutes ago" (and, for a
 * future moment, "in 3 minutes"), and the fallback is shown where the client cannot.
 */
import { encodeButtonId, replaceTimeTokens, fallbackTime, textProgressBar, type Block, type MediaItem, type MessageView, type TimeStyle } from '../../src/view.js';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, fields: 10, fieldText: 2000, buttonText: 75, actionsElements: 25, fallbackText: 4000, altText: 2000, imageTitle: 2000 } as const;

type SlackBlock = Record<string, unknown>;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const DATE_FORMATS: Record<TimeStyle, string> = { relative: '{ago}', time: '{time}', datetime: '{date_short_pretty} {time}', date: '{date_short_pretty}' };

/** Slack's client-rendered time: every reader sees it in their own zone, and "ago" stays current without an edit. */
export function slackDate(seconds: number, style: TimeStyle): string {
  return `<!date^${seconds}^${DATE_FORMATS[style]}|${fallbackTime(seconds, style)}>`;
}

const NEEDS_MRKDWN = /[[&<>*]/;

/** Neutral markdown → Slack mrkdwn: escapes &<> except user mentions, **b** → *b*, [l](u) → <u|l>, times → <!date^…>. */
export function toMrkdwn(text: string): string {
  // Most texts (labels, plain status lines) have nothing to convert: every rule below needs one of these.
  if (!NEEDS_MRKDWN.test(text)) return text;
  const kept: string[] = [];
  const keep = (s: string) => `\u0000${kept.push(s) - 1}\u0000`;
  let out = text.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, (_m, label: string, url: string) => keep(`<${url}|${label.replace(/[<>|]/g, '')}>`));
  out = replaceTimeTokens(out, (seconds, style) => keep(slackDate(seconds, style)));
  // Everything is escaped but user and channel mentions, which Slack renders itself.
  out = out.replace(/&/g, '&amp;').replace(/<(?!@[UW][A-Z0-9]+>|#[CGD][A-Z0-9]+(?:\|[^<>]*)?>)/g, '&lt;').replace(/(?<!<@[UW][A-Z0-9]+|<#[CGD][A-Z0-9]+(?:\|[^<>]*)?)>/g, '&gt;');
  out = out.replace(/\*\*(.+?)\*\*/g, '*$1*');
  return out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => kept[Number(i)]!);
}

const SLACK_FILE_TYPES = /^image\/(png|jpe?g|gif)$/i;
const isVideo = (m: MediaItem) => (m.mimeType ? m.mimeType.startsWith('video/') : /\.(mp4|mov|webm)(\?|$)/i.test(m.url));

/** One result: the uploaded file itself (slack_file) where Slack can show it, a public image URL otherwise, a link for a video. */
function mediaBlocks(items: MediaItem[]): SlackBlock[] {
  const many = items.length > 1;
  return items.map((item, i) => {
    const name = many ? ` ${i + 1}` : '';
    if (isVideo(item)) return { type: 'section', text: { type: 'mrkdwn', text: `▶️ <${item.url}|Video${name}>` } };
    const source = item.fileId && (!item.mimeType || SLACK_FILE_TYPES.test(item.mimeType)) ? { slack_file: { id: item.fileId } } : { image_url: item.originUrl ?? item.url };
    return {
      type: 'image',
      ...source,
      alt_text: cut(item.alt || 'Generated image', SLACK_LIMITS.altText),
      ...(many ? { title: { type: 'plain_text', text: cut(`Image${name}`, SLACK_LIMITS.imageTitle) } } : {}),
    };
  });
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'section', text: { type: 'mrkdwn', text: cut(toMrkdwn(block.text), SLACK_LIMITS.sectionText) } }];
    case 'fields':
      return [{ type: 'section', fields: block.fields.slice(0, SLACK_LIMITS.fields).map((f) => ({ type: 'mrkdwn', text: cut(`*${toMrkdwn(f.label)}*\n${toMrkdwn(f.value)}`, SLACK_LIMITS.fieldText) })) }];
    case 'progress': {
      // An estimate (elapsed over the model's average) is marked as one.
      const percent = block.percent !== undefined ? `${block.estimated ? '≈' : ''}${Math.round(block.percent)}% · ` : '';
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: `${textProgressBar(block.percent)}  ${percent}${toMrkdwn(block.label)}` }] }];
    }
    case 'image':
      return [{ type: 'image', image_url: block.url, alt_text: cut(block.alt, SLACK_LIMITS.altText) }];
    case 'media':
      return mediaBlocks(block.items);
    case 'context':
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: cut(toMrkdwn(block.text), SLACK_LIMITS.sectionText) }] }];
    case 'actions':
      if (block.buttons.length === 0) return [];
      return [
        {
          type: 'actions',
          elements: block.buttons.slice(0, SLACK_LIMITS.actionsElements).map((b) => ({
            type: 'button',
            text: { type: 'plain_text', text: cut(b.label, SLACK_LIMITS.buttonText) },
            action_id: encodeButtonId(b),
            value: b.jobId,
            ...(b.style === 'primary' || b.style === 'danger' ? { style: b.style } : {}),
          })),
        },
      ];
  }
}

export function renderSlackMessage(view: MessageView): { text: string; blocks: SlackBlock[] } {
  const blocks = view.blocks.flatMap(renderBlock).slice(0, SLACK_LIMITS.blocks);
  return { text: cut(replaceTimeTokens(view.text, fallbackTime), SLACK_LIMITS.fallbackText), blocks };
}
