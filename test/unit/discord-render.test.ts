import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, renderDiscordMessage } from '../../adapters/discord/render.js';
import { decodeButtonId, type Button, type MessageView } from '../../src/view.js';

const buttons = (n: number): Button[] => Array.from({ length: n }, (_, i) => ({ action: 'upscale', jobId: 'job-1', arg: String(i), label: `Upscale ${i + 1}` }));

describe('renderDiscordMessage', () => {
  it('puts buttons in rows of five whose custom ids decode back to the action', () => {
    const payload = renderDiscordMessage({ text: 'done', blocks: [{ type: 'text', text: 'done' }, { type: 'actions', buttons: [{ action: 'cancel', jobId: 'job-1', label: 'Cancel', style: 'danger' }, ...buttons(6)] }] });
    expect(payload.components.map((r) => r.components.length)).toEqual([5, 2]);
    const first = payload.components[0]!.components[0]!;
    expect(first).toMatchObject({ type: 2, style: 4, label: 'Cancel' });
    expect(decodeButtonId(first.custom_id)).toEqual({ action: 'cancel', jobId: 'job-1' });
    expect(decodeButtonId(payload.components[1]!.components[1]!.custom_id)).toEqual({ action: 'upscale', jobId: 'job-1', arg: '5' });
  });

  it('never makes more rows than Discord shows', () => {
    const payload = renderDiscordMessage({ text: '', blocks: [{ type: 'actions', buttons: buttons(40) }] });
    expect(payload.components).toHaveLength(DISCORD_LIMITS.rows);
    expect(payload.components.flatMap((r) => r.components)).toHaveLength(25);
  });

  it('renders progress as a text bar, fields, subtext and an image embed; keeps neutral markdown as is', () => {
    const view: MessageView = {
      text: 'fallback',
      blocks: [
        { type: 'text', text: '**Generating** `image/krea` for <@42>' },
        { type: 'progress', percent: 40, label: 'running' },
        { type: 'fields', fields: [{ label: 'Model', value: 'flux' }, { label: 'Seed', value: '7' }] },
        { type: 'context', text: 'ref ABC' },
        { type: 'image', url: 'https://cdn.example/p.png', alt: 'preview' },
      ],
    };
    const payload = renderDiscordMessage(view);
    expect(payload.content).toBe('**Generating** `image/krea` for <@42>\n▰▰▰▰▱▱▱▱▱▱ 40% · running\n**Model** flux · **Seed** 7\n-# ref ABC');
    expect(payload.embeds).toEqual([{ image: { url: 'https://cdn.example/p.png' } }]);
    // Only the people named may be pinged: never @everyone or roles.
    expect(payload.allowed_mentions).toEqual({ parse: [], users: ['42'] });
  });

  it('shows an unknown progress as an alternating bar without a percentage', () => {
    expect(renderDiscordMessage({ text: '', blocks: [{ type: 'progress', label: 'queued' }] }).content).toBe('▰▱▰▱▰▱▰▱▰▱ queued');
  });

  it('cuts content to Discord\'s 2000 characters and falls back to the plain text when there are no text blocks', () => {
    const long = renderDiscordMessage({ text: '', blocks: [{ type: 'text', text: 'a'.repeat(2500) }] });
    expect(long.content).toHaveLength(DISCORD_LIMITS.content);
    expect(long.content.endsWith('…')).toBe(true);
    expect(renderDiscordMessage({ text: 'only text', blocks: [] }).content).toBe('only text');
  });

  it('renders each time style as a client-rendered <t:…> timestamp', () => {
    const ts = 1_767_225_600;
    const styles = ['relative', 'time', 'datetime', 'date'].map((st) => `<time:${ts}:${st}>`).join(' ');
    expect(renderDiscordMessage({ text: '', blocks: [{ type: 'fields', fields: [{ label: 'Times', value: styles }] }] }).content).toBe(`**Times** <t:${ts}:R> <t:${ts}:t> <t:${ts}:f> <t:${ts}:d>`);
    // The plain text of a view without blocks is rendered too.
    expect(renderDiscordMessage({ text: `resets <time:${ts}:time>`, blocks: [] }).content).toBe(`resets <t:${ts}:t>`);
  });

  it('marks an estimated percentage with ≈', () => {
    expect(renderDiscordMessage({ text: '', blocks: [{ type: 'progress', percent: 40, estimated: true, label: 'Generating' }] }).content).toBe('▰▰▰▰▱▱▱▱▱▱ ≈40% · Generating');
  });

  it('shows up to four results as one gallery (embeds sharing a url) and links a video', () => {
    const items = [1, 2, 3, 4].map((i) => ({ url: `https://cdn.discordapp.com/attachments/1/${i}/fox-${i}.png`, mimeType: 'image/png', alt: 'fox' }));
    const payload = renderDiscordMessage({ text: '', blocks: [{ type: 'text', text: 'Done' }, { type: 'media', items }] });
    expect(payload.embeds).toEqual(items.map((i) => ({ url: items[0]!.url, image: { url: i.url } })));
    expect(payload.content).toBe('Done');
    const single = renderDiscordMessage({ text: '', blocks: [{ type: 'media', items: [items[0]!] }] });
    expect(single.embeds).toEqual([{ image: { url: items[0]!.url } }]);
    const video = renderDiscordMessage({ text: '', blocks: [{ type: 'text', text: 'Done' }, { type: 'media', items: [{ url: 'https://cdn.discordapp.com/attachments/1/9/wave.mp4', mimeType: 'video/mp4', alt: 'wave' }] }] });
    expect(video.embeds).toEqual([]);
    expect(video.content).toBe('Done\n▶️ [Video](https://cdn.discordapp.com/attachments/1/9/wave.mp4)');
  });

  it('starts a row per actions block: four image rows and the job row fill exactly five rows', () => {
    const row = (i: number) => ({ type: 'actions' as const, buttons: (['upscale', 'vary', 'animate'] as const).map((action) => ({ action, jobId: 'g-1', arg: String(i), label: `${action} ${i + 1}` })) });
    const job = { type: 'actions' as const, buttons: (['retry', 'variations', 'remix', 'delete'] as const).map((action) => ({ action, jobId: 'g-1', label: action })) };
    const payload = renderDiscordMessage({ text: '', blocks: [row(0), row(1), row(2), row(3), job] });
    expect(payload.components.map((r) => r.components.length)).toEqual([3, 3, 3, 3, 4]);
    expect(decodeButtonId(payload.components[2]!.components[1]!.custom_id)).toEqual({ action: 'vary', jobId: 'g-1', arg: '2' });
  });
});
