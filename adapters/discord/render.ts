/**
 * Pure: MessageView → a Discord message payload (content, image embeds, button rows), with
 * Discord's limits as named constants. Neutral markdown (**bold**, _italic_, `code`, [label](url),
 * <@id>) is Discord markdown already, so text passes through; times become <t:…>; progress becomes
 * a text bar.
 *
 * Assumptions (Discord's message and embed docs, and how its clients behave): `<t:TS:R|t|f|d>` is
 * rendered by each client in the reader's time zone, `R` kept current ("in 30 seconds", "2
 * minutes ago"); up to four embeds that share the same `url` are shown as one image gallery; an
 * embed image may be the CDN URL of an attachment of another message (Discord proxies it). The
 * status message stays an ordinary (not Components V2) message: V2 cannot be turned off once set
 * and would drop `content` and `embeds`.
 */
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { encodeButtonId, replaceTimeTokens, textProgressBar, type Block, type MediaItem, type MessageView, type TimeStyle } from '../../src/view.js';

export const DISCORD_LIMITS = { content: 2000, buttonsPerRow: 5, rows: 5, label: 80, embeds: 10, galleryImages: 4, allowedUsers: 100 } as const;

/** The neutral button styles as Discord's. */
const STYLE = { primary: ButtonStyle.Primary, default: ButtonStyle.Secondary, danger: ButtonStyle.Danger } as const;
const TIME_STYLES: Record<TimeStyle, string> = { relative: 'R', time: 't', datetime: 'f', date: 'd' };

const isVideo = (m: MediaItem) => (m.mimeType ? m.mimeType.startsWith('video/') : /\.(mp4|mov|webm)(\?|$)/i.test(m.url));

function line(block: Block): string | undefined {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'fields':
      return block.fields.map((f) => `**${f.label}** ${f.value}`).join(' · ');
    case 'progress':
      // An estimate (elapsed over the model's average) is marked as one.
      return `${textProgressBar(block.percent)} ${block.percent !== undefined ? `${block.estimated ? '≈' : ''}${Math.round(block.percent)}% · ` : ''}${block.label}`;
    case 'context':
      // Discord's "subtext" markdown: small grey text.
      return `-# ${block.text}`;
    case 'media': {
      // Embeds cannot play a video: link it (it is in the thread too).
      const many = block.items.length > 1;
      const videos = block.items.map((m, i) => (isVideo(m) ? `▶️ [Video${many ? ` ${i + 1}` : ''}](${m.url})` : '')).filter(Boolean);
      return videos.length > 0 ? videos.join(' · ') : undefined;
    }
    default:
      return undefined;
  }
}

export interface DiscordButtonJson {
  type: ComponentType.Button;
  style: number;
  label: string;
  custom_id: string;
}

export interface DiscordEmbedJson {
  /** Embeds sharing one `url` are shown together as a gallery. */
  url?: string;
  image: { url: string };
}

export interface DiscordMessagePayload {
  content: string;
  embeds: DiscordEmbedJson[];
  components: Array<{ type: ComponentType.ActionRow; components: DiscordButtonJson[] }>;
  allowed_mentions: { parse: never[]; users: string[] };
}

function embedsOf(view: MessageView): DiscordEmbedJson[] {
  const embeds: DiscordEmbedJson[] = [];
  for (const b of view.blocks) {
    if (b.type === 'image') embeds.push({ image: { url: b.url } });
    if (b.type === 'media') {
      const images = b.items.filter((m) => !isVideo(m)).slice(0, DISCORD_LIMITS.galleryImages);
      const gallery = images[0]?.url;
      for (const m of images) embeds.push(images.length > 1 && gallery ? { url: gallery, image: { url: m.url } } : { image: { url: m.url } });
    }
  }
  return embeds.slice(0, DISCORD_LIMITS.embeds);
}

/** Each actions block starts its own row(s) (one per image, one for the job); at most 5 rows. */
function rowsOf(view: MessageView): DiscordMessagePayload['components'] {
  const rows: DiscordMessagePayload['components'] = [];
  for (const b of view.blocks) {
    if (b.type !== 'actions') continue;
    for (let i = 0; i < b.buttons.length && rows.length < DISCORD_LIMITS.rows; i += DISCORD_LIMITS.buttonsPerRow) {
      rows.push({
        type: ComponentType.ActionRow,
        components: b.buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map((x) => ({ type: ComponentType.Button, style: STYLE[x.style ?? 'default'], label: x.label.slice(0, DISCORD_LIMITS.label), custom_id: encodeButtonId(x) })),
      });
    }
  }
  return rows;
}

export function discordTime(seconds: number, style: TimeStyle): string {
  return `<t:${seconds}:${TIME_STYLES[style]}>`;
}

export function renderDiscordMessage(view: MessageView): DiscordMessagePayload {
  const lines = view.blocks.map(line).filter((l): l is string => !!l);
  // A view without text blocks still needs content (an edit to '' would blank a status message).
  const content = replaceTimeTokens(lines.length > 0 ? lines.join('\n') : view.text, discordTime);
  // Only people named in the text may be pinged; never @everyone or roles.
  const mentioned = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!))];
  return {
    content: content.length > DISCORD_LIMITS.content ? `${content.slice(0, DISCORD_LIMITS.content - 1)}…` : content,
    embeds: embedsOf(view),
    components: rowsOf(view),
    allowed_mentions: { parse: [], users: mentioned.slice(0, DISCORD_LIMITS.allowedUsers) },
  };
}
