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
});
