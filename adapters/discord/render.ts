/**
 * Pure: MessageView → a Discord message payload (content, image embeds, button rows), with
 * Discord's limits as named constants. Neutral markdown (**bold**, _italic_, `code`, [label](url),
 * <@id>) is Discord markdown already, so text passes through; progress becomes a text bar.
 */
import { encodeButtonId, textProgressBar, type Block, type MessageView } from '../../src/view.js';

export const DISCORD_LIMITS = { content: 2000, buttonsPerRow: 5, rows: 5, label: 80, embeds: 10, allowedUsers: 100 } as const;

/** ButtonStyle: Primary 1, Secondary 2, Danger 4. */
const STYLE = { primary: 1, default: 2, danger: 4 } as const;

function line(block: Block): string | undefined {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'fields':
      return block.fields.map((f) => `**${f.label}** ${f.value}`).join(' · ');
    case 'progress':
      return `${textProgressBar(block.percent)} ${block.percent !== undefined ? `${Math.round(block.percent)}% · ` : ''}${block.label}`;
    case 'context':
      // Discord's "subtext" markdown: small grey text.
      return `-# ${block.text}`;
    default:
      return undefined;
  }
}

export interface DiscordButtonJson {
  type: 2;
  style: number;
  label: string;
  custom_id: string;
}

export interface DiscordMessagePayload {
  content: string;
  embeds: Array<{ image: { url: string } }>;
  components: Array<{ type: 1; components: DiscordButtonJson[] }>;
  allowed_mentions: { parse: never[]; users: string[] };
}

export function renderDiscordMessage(view: MessageView): DiscordMessagePayload {
  const lines = view.blocks.map(line).filter((l): l is string => !!l);
  // A view without text blocks still needs content (an edit to '' would blank a status message).
  const content = lines.length > 0 ? lines.join('\n') : view.text;
  const buttons = view.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
  const rows: DiscordMessagePayload['components'] = [];
  for (let i = 0; i < buttons.length && rows.length < DISCORD_LIMITS.rows; i += DISCORD_LIMITS.buttonsPerRow) {
    rows.push({
      type: 1,
      components: buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map((b) => ({ type: 2, style: STYLE[b.style ?? 'default'], label: b.label.slice(0, DISCORD_LIMITS.label), custom_id: encodeButtonId(b) })),
    });
  }
  // Only people named in the text may be pinged; never @everyone or roles.
  const mentioned = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!))];
  return {
    content: content.length > DISCORD_LIMITS.content ? `${content.slice(0, DISCORD_LIMITS.content - 1)}…` : content,
    embeds: view.blocks.flatMap((b) => (b.type === 'image' ? [{ image: { url: b.url } }] : [])).slice(0, DISCORD_LIMITS.embeds),
    components: rows,
    allowed_mentions: { parse: [], users: mentioned.slice(0, DISCORD_LIMITS.allowedUsers) },
  };
}
