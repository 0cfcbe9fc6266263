/**
 * The pager: a long list in pages that each fit one message as the platform's renderer sends it
 * (Discord's 2,000-character content, Slack's 3,000-character section after escaping), no line
 * ever cut, and a footer naming the exact command for the next page in the platform's syntax.
 */
import { describe, expect, it } from 'vitest';
import { renderDiscordMessage } from '../../adapters/discord/render.js';
import { renderSlackMessage, toMrkdwn } from '../../adapters/slack/render.js';
import { commandHint } from '../../commands/hints.js';
import { pageView, paginate, renderedLength, splitLines } from '../../commands/paging.js';
import type { PlatformKind } from '../../src/model.js';

const models = Array.from({ length: 240 }, (_, i) => `\`image/vendor-${i}/model-${'x'.repeat(i % 17)}\` · image · ~${i}s · 12 credits $$`);
const next = (platform: PlatformKind) => (page: number) => commandHint(platform, 'models', `flux page ${page}`);

function allPages(lines: string[], platform: PlatformKind) {
  const first = paginate(lines, { platform, title: `${lines.length} models`, next: next(platform) });
  return Array.from({ length: first.pages }, (_, i) => paginate(lines, { platform, page: i + 1, title: `${lines.length} models`, next: next(platform) }));
}

describe('paginate', () => {
  it('Discord: every page renders within 2,000 characters, untruncated, and the pages hold every line once, in order', () => {
    const pages = allPages(models, 'discord');
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) {
      const content = renderDiscordMessage(pageView('240 models', page)).content;
      expect(content.length).toBeLessThanOrEqual(2000);
      expect(content.endsWith('…')).toBe(false);
      for (const line of page.lines) expect(content).toContain(line);
    }
    expect(pages.flatMap((p) => p.lines)).toEqual(models);
  });

  it('Slack: every page is one section within 3,000 characters after mrkdwn escaping, & < > included', () => {
    const escaped = models.map((l, i) => (i % 3 === 0 ? `${l} & <raw> && more` : l));
    const pages = allPages(escaped, 'slack');
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) {
      const section = renderSlackMessage(pageView('240 models', page)).blocks[1] as { text: { text: string } };
      expect(section.text.text).toBe(toMrkdwn(page.lines.join('\n')));
      expect(section.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(pages.flatMap((p) => p.lines)).toEqual(escaped);
  });

  it('names the next page in the platform’s own syntax, and says nothing more on the last page', () => {
    const slack = allPages(models, 'slack');
    expect(slack[0]!.footer).toBe(`Page 1 of ${slack.length}. Next: \`/genbot models flux page 2\``);
    expect(slack.at(-1)!.footer).toBe(`Page ${slack.length} of ${slack.length}.`);
    const discord = allPages(models, 'discord');
    expect(discord[1]!.footer).toBe(`Page 2 of ${discord.length}. Next: \`/models search:flux page 3\``);
    expect(discord.map((p) => p.footer).join(' ')).not.toContain('/genbot');
    expect(slack.map((p) => p.footer).join(' ')).not.toContain('search:');
  });

  it('clamps the page asked for, and a list that fits has one page and no footer', () => {
    const last = paginate(models, { platform: 'discord', page: 999, next: next('discord') });
    expect(last.page).toBe(last.pages);
    expect(paginate(models, { platform: 'discord', page: -3, next: next('discord') }).page).toBe(1);
    const short = paginate(models.slice(0, 3), { platform: 'slack', next: next('slack') });
    expect(short).toEqual({ page: 1, pages: 1, lines: models.slice(0, 3) });
    expect(paginate([], { platform: 'slack', next: next('slack') })).toEqual({ page: 1, pages: 1, lines: [] });
  });

  it('shortens only a single line longer than a whole page, and keeps the ones around it whole', () => {
    const huge = `\`${'y'.repeat(5000)}\``;
    const pages = splitLines(['before', huge, 'after'], 1800, 'discord');
    expect(pages.flat()[0]).toBe('before');
    expect(pages.flat()[2]).toBe('after');
    const cut = pages.flat()[1]!;
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(1800);
    expect(renderedLength('a & b <c>', 'slack')).toBe('a &amp; b &lt;c&gt;'.length);
  });
});
