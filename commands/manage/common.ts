/** Small pieces the management commands share. */
import type { CommandArgs } from '../../src/command.js';
import type { PlatformKind, WorkspaceRef } from '../../src/model.js';
import type { MessageView } from '../../src/view.js';

export const str = (args: CommandArgs, name: string): string | undefined => {
  const v = args[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

export function workspaceOf(inv: { platform: PlatformKind; workspaceId: string }): WorkspaceRef {
  return { platform: inv.platform, workspaceId: inv.workspaceId };
}

/** Characters one page may hold: Discord's message cap (2,000) and Slack's section text (3,000), with room for the header. */
export const PAGE_CHARS: Record<PlatformKind, number> = { discord: 1800, slack: 2800, web: 2800 };

/** Whole lines into pages that fit the platform; a line is never cut. */
export function pageLines(lines: string[], platform: PlatformKind): string[][] {
  const limit = PAGE_CHARS[platform];
  const pages: string[][] = [[]];
  let size = 0;
  for (const line of lines) {
    const cost = line.length + 1;
    if (size + cost > limit && pages.at(-1)!.length > 0) {
      pages.push([]);
      size = 0;
    }
    pages.at(-1)!.push(line.length > limit ? `${line.slice(0, limit - 1)}…` : line);
    size += cost;
  }
  return pages;
}

export function listView(title: string, lines: string[], footer?: string): MessageView {
  return {
    text: title,
    blocks: [{ type: 'text', text: `**${title}**` }, { type: 'text', text: lines.join('\n') || '—' }, ...(footer ? [{ type: 'context' as const, text: footer }] : [])],
  };
}
