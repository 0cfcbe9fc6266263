/** MessageView → Block Kit, in one pure function, with Slack's limits as named constants. */
import { encodeButtonId, textProgressBar, type Block, type MessageView } from '../../src/view.js';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, fields: 10, fieldText: 2000, buttonText: 75, actionsElements: 25, fallbackText: 4000, altText: 2000 } as const;

type SlackBlock = Record<string, unknown>;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Neutral markdown → Slack mrkdwn: escapes &<> except user mentions, **b** → *b*, [l](u) → <u|l>. */
export function toMrkdwn(text: string): string {
  const links: string[] = [];
  let out = text.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, (_m, label: string, url: string) => {
    links.push(`<${url}|${label.replace(/[<>|]/g, '')}>`);
    return `\u0000${links.length - 1}\u0000`;
  });
  out = out.replace(/&/g, '&amp;').replace(/<(?!@[UW][A-Z0-9]+>)/g, '&lt;').replace(/(?<!<@[UW][A-Z0-9]+)>/g, '&gt;');
  out = out.replace(/\*\*(.+?)\*\*/g, '*$1*');
  return out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => links[Number(i)]!);
}

function renderBlock(block: Block): SlackBlock | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'section', text: { type: 'mrkdwn', text: cut(toMrkdwn(block.text), SLACK_LIMITS.sectionText) } };
    case 'fields':
      return { type: 'section', fields: block.fields.slice(0, SLACK_LIMITS.fields).map((f) => ({ type: 'mrkdwn', text: cut(`*${toMrkdwn(f.label)}*\n${toMrkdwn(f.value)}`, SLACK_LIMITS.fieldText) })) };
    case 'progress':
      return { type: 'context', elements: [{ type: 'mrkdwn', text: `${textProgressBar(block.percent)}  ${block.percent !== undefined ? `${block.percent}% · ` : ''}${toMrkdwn(block.label)}` }] };
    case 'image':
      return { type: 'image', image_url: block.url, alt_text: cut(block.alt, SLACK_LIMITS.altText) };
    case 'context':
      return { type: 'context', elements: [{ type: 'mrkdwn', text: cut(toMrkdwn(block.text), SLACK_LIMITS.sectionText) }] };
    case 'actions':
      if (block.buttons.length === 0) return undefined;
      return {
        type: 'actions',
        elements: block.buttons.slice(0, SLACK_LIMITS.actionsElements).map((b) => ({
          type: 'button',
          text: { type: 'plain_text', text: cut(b.label, SLACK_LIMITS.buttonText) },
          action_id: encodeButtonId(b),
          value: b.jobId,
          ...(b.style === 'primary' || b.style === 'danger' ? { style: b.style } : {}),
        })),
      };
  }
}

export function renderSlackMessage(view: MessageView): { text: string; blocks: SlackBlock[] } {
  const blocks = view.blocks.map(renderBlock).filter((b): b is SlackBlock => !!b).slice(0, SLACK_LIMITS.blocks);
  return { text: cut(view.text, SLACK_LIMITS.fallbackText), blocks };
}
