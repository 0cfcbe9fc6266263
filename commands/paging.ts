/**
 * A long list (models, jobs) in pages that fit one message on each platform, never cutting a line,
 * with a footer that says which page this is and the exact command for the next one.
 *
 * Limits (the vendors' docs, as the renderers apply them): a Discord message's content holds at
 * most 2,000 characters, and the renderer joins every text block of a view into it (context lines
 * get a `-# ` prefix); a Slack section's text holds at most 3,000 characters after mrkdwn escaping
 * (`&` becomes `&amp;`, `<` and `>` become `&lt;` and `&gt;`), and a message at most 50 blocks.
 * Each page here is one title block, one text block and one footer block, so only the characters
 * matter; the budgets keep a margin for the title, the footer and the separators.
 */
import type { PlatformKind } from '../src/model.js';
import type { MessageView } from '../src/view.js';

/** Characters one page's lines may use, per platform (what is left after the title and footer). */
export const PAGE_LIMITS: Readonly<Record<PlatformKind, { message: number; block: number }>> = {
  // Discord: title, lines and footer share one 2,000-character message.
  discord: { message: 2000, block: 2000 },
  // Slack: each block holds 3,000; the page's lines are one block.
  slack: { message: Number.POSITIVE_INFINITY, block: 3000 },
  // The playground has no hard limit; pages as long as Slack's keep it readable.
  web: { message: Number.POSITIVE_INFINITY, block: 3000 },
};

/** How many characters a line takes on the platform once rendered (Slack escapes &, < and >). */
export function renderedLength(line: string, platform: PlatformKind): number {
  if (platform !== 'slack') return line.length;
  let n = line.length;
  for (const ch of line) {
    if (ch === '&') n += 4;
    else if (ch === '<' || ch === '>') n += 3;
  }
  return n;
}

export interface Page {
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  lines: string[];
  /** "Page 2 of 5. Next: `…`", absent when everything fits on one page. */
  footer?: string;
}

export interface PagingOptions {
  platform: PlatformKind;
  /** The page wanted (1-based); out of range is clamped. */
  page?: number;
  /** The title shown above the lines (counted against Discord's message limit). */
  title?: string;
  /** The command that shows page `n`, in the platform's syntax (e.g. commandHint(platform, 'models', `page ${n}`)). */
  next(page: number): string;
}

const footerText = (page: number, pages: number, next: (n: number) => string) =>
  page < pages ? `Page ${page} of ${pages}. Next: \`${next(page + 1)}\`` : `Page ${page} of ${pages}.`;

/** A single line longer than a whole page is the one thing that must be shortened. */
function fit(line: string, budget: number, platform: PlatformKind): string {
  if (renderedLength(line, platform) <= budget) return line;
  let cut = line.slice(0, budget - 1);
  while (cut.length > 0 && renderedLength(`${cut}…`, platform) > budget) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Whole lines into groups whose rendered length (plus a newline each) stays within `budget`. */
export function splitLines(lines: readonly string[], budget: number, platform: PlatformKind): string[][] {
  const pages: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const raw of lines) {
    const line = fit(raw, budget, platform);
    const cost = renderedLength(line, platform) + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && size + cost > budget) {
      pages.push(current);
      current = [];
      size = 0;
    }
    size += renderedLength(line, platform) + (current.length > 0 ? 1 : 0);
    current.push(line);
  }
  if (current.length > 0 || pages.length === 0) pages.push(current);
  return pages;
}

/** The page wanted of `lines`, sized for the platform, with its footer. */
export function paginate(lines: readonly string[], options: PagingOptions): Page {
  const { platform } = options;
  const limit = PAGE_LIMITS[platform];
  // Worst-case footer: page numbers as long as they can get (one page per line at most).
  const most = Math.max(1, lines.length);
  const footerRoom = renderedLength(`-# ${footerText(most, most + 1, options.next)}`, platform);
  const titleRoom = options.title ? renderedLength(`**${options.title}**`, platform) : 0;
  // Discord: title + lines + footer in one message, joined by newlines.
  const budget = Math.min(limit.block, limit.message - titleRoom - footerRoom - 2);
  const groups = splitLines(lines, Math.max(200, budget), platform);
  const pages = groups.length;
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pages);
  return { page, pages, lines: groups[page - 1]!, ...(pages > 1 ? { footer: footerText(page, pages, options.next) } : {}) };
}

/** A page as a view: bold title, the lines, the footer as small print. */
export function pageView(title: string, page: Page, empty = '—'): MessageView {
  return {
    text: title,
    blocks: [
      { type: 'text', text: `**${title}**` },
      { type: 'text', text: page.lines.join('\n') || empty },
      ...(page.footer ? [{ type: 'context' as const, text: page.footer }] : []),
    ],
  };
}
