/** MessageView → a Discord message payload (content + components), with Discord's limits as constants. */
import { encodeButtonId, textProgressBar, type Block, type MessageView } from '../../src/view.js';

export const DISCORD_LIMITS = { content: 2000, buttonsPerRow: 5, rows: 5, label: 80 } as const;

const STYLE = { primary: 1, default: 2, danger: 4 } as const;

function line(block: Block): string | undefined {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'fields':
      return block.fields.map((f) => `**${f.label}** ${f.value}`).join(' · ');
    case 'progress':
      return `${textProgressBar(block.percent)} ${block.percent !== undefined ? `${block.percent}% · ` : ''}${block.label}`;
    case 'context':
      return `-# ${block.text}`;
    default:
      return undefined;
  }
}

export interface DiscordMessagePayload {
  content: string;
  embeds: Array<{ image: { url: string } }>;
  components: Array<{ type: 1; components: Array<{ type: 2; style: number; label: string; custom_id: string }> }>;
  allowed_mentions: { parse: never[]; users: string[] };
}

export function renderDiscordMessage(view: MessageView): DiscordMessagePayload {
  const content = view.blocks.map(line).filter((l): l is string => !!l).join('\n');
  const buttons = view.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
  const rows: DiscordMessagePayload['components'] = [];
  for (let i = 0; i < buttons.length && rows.length < DISCORD_LIMITS.rows; i += DISCORD_LIMITS.buttonsPerRow) {
    rows.push({
      type: 1,
      components: buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map((b) => ({ type: 2, style: STYLE[b.style ?? 'default'], label: b.label.slice(0, DISCORD_LIMITS.label), custom_id: encodeButtonId(b) })),
    });
  }
  // Mentions in status text name people; they should not ping them on every edit.
  const mentioned = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!);
  return {
    content: content.length > DISCORD_LIMITS.content ? `${content.slice(0, DISCORD_LIMITS.content - 1)}…` : content,
    embeds: view.blocks.flatMap((b) => (b.type === 'image' ? [{ image: { url: b.url } }] : [])).slice(0, 1),
    components: rows,
    allowed_mentions: { parse: [], users: [...new Set(mentioned)].slice(0, 1) },
  };
}
