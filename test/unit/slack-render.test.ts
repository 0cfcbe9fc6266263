/** MessageView → Block Kit: results shown from the uploaded file, client-rendered times, estimates marked. */
import { describe, expect, it } from 'vitest';
import { renderSlackMessage, SLACK_LIMITS, toMrkdwn } from '../../adapters/slack/render.js';
import { decodeButtonId, type MessageView } from '../../src/view.js';

const TS = 1_767_225_600; // 2026-01-01 00:00 UTC

describe('renderSlackMessage', () => {
  it('renders each time style as a client-rendered <!date> with an ISO-like UTC fallback', () => {
    expect(toMrkdwn(`started <time:${TS}:relative>`)).toBe(`started <!date^${TS}^{ago}|2026-01-01 00:00 UTC>`);
    expect(toMrkdwn(`at <time:${TS}:time>`)).toBe(`at <!date^${TS}^{time}|2026-01-01 00:00 UTC>`);
    expect(toMrkdwn(`on <time:${TS}:datetime>`)).toBe(`on <!date^${TS}^{date_short_pretty} {time}|2026-01-01 00:00 UTC>`);
    expect(toMrkdwn(`on <time:${TS}:date>`)).toBe(`on <!date^${TS}^{date_short_pretty}|2026-01-01>`);
    // Everything around the token is still escaped; a look-alike token is just text.
    expect(toMrkdwn(`<b> & <time:${TS}:date> <time:x:date>`)).toBe(`&lt;b&gt; &amp; <!date^${TS}^{date_short_pretty}|2026-01-01> &lt;time:x:date&gt;`);
  });

  it('times in fields too, and the plain fallback text gets the UTC time', () => {
    const { text, blocks } = renderSlackMessage({ text: `ends <time:${TS}:time>`, blocks: [{ type: 'fields', fields: [{ label: 'ETA', value: `~<time:${TS}:relative>` }] }] });
    expect(text).toBe('ends 2026-01-01 00:00 UTC');
    expect(blocks[0]).toEqual({ type: 'section', fields: [{ type: 'mrkdwn', text: `*ETA*\n~<!date^${TS}^{ago}|2026-01-01 00:00 UTC>` }] });
  });

  it('marks an estimated percentage with ≈ and a reported one without', () => {
    const est = renderSlackMessage({ text: '', blocks: [{ type: 'progress', percent: 40, estimated: true, label: 'Generating' }] }).blocks[0];
    expect(JSON.stringify(est)).toContain('▰▰▰▰▱▱▱▱▱▱  ≈40% · Generating');
    const real = renderSlackMessage({ text: '', blocks: [{ type: 'progress', percent: 40, label: 'Generating' }] }).blocks[0];
    expect(JSON.stringify(real)).toContain('▰▰▰▰▱▱▱▱▱▱  40% · Generating');
    const waiting = renderSlackMessage({ text: '', blocks: [{ type: 'progress', label: 'Waiting in line: #3 (1 running in this workspace)' }] }).blocks[0];
    expect(waiting).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '▰▱▰▱▰▱▰▱▰▱  Waiting in line: #3 (1 running in this workspace)' }] });
  });

  it('shows an uploaded result from the file itself (slack_file id), titled when there are several, and a preview by URL', () => {
    const view: MessageView = {
      text: 'Done',
      blocks: [
        { type: 'image', url: 'https://cdn.example/preview.png', alt: 'Preview' },
        {
          type: 'media',
          items: [
            { url: 'https://files.slack.com/files-pri/T1-F0001/fox-1.png', originUrl: 'https://cdn.example/1.png', fileId: 'F0001', mimeType: 'image/png', alt: 'a red fox' },
            { url: 'https://files.slack.com/files-pri/T1-F0002/fox-2.webp', originUrl: 'https://cdn.example/2.webp', fileId: 'F0002', mimeType: 'image/webp', alt: 'a red fox' },
            { url: 'https://cdn.example/3.png', mimeType: 'image/png', alt: 'a red fox' },
          ],
        },
      ],
    };
    const { blocks } = renderSlackMessage(view);
    expect(blocks[0]).toEqual({ type: 'image', image_url: 'https://cdn.example/preview.png', alt_text: 'Preview' });
    expect(blocks[1]).toEqual({ type: 'image', slack_file: { id: 'F0001' }, alt_text: 'a red fox', title: { type: 'plain_text', text: 'Image 1' } });
    // slack_file shows png/jpg/gif only: a WebP is shown from the provider's public link instead.
    expect(blocks[2]).toEqual({ type: 'image', image_url: 'https://cdn.example/2.webp', alt_text: 'a red fox', title: { type: 'plain_text', text: 'Image 2' } });
    // Delivered as a link (too big to upload): no file, the provider's URL.
    expect(blocks[3]).toMatchObject({ type: 'image', image_url: 'https://cdn.example/3.png' });
  });

  it('a single result has no title; a video is a link, not an image block', () => {
    const one = renderSlackMessage({ text: '', blocks: [{ type: 'media', items: [{ url: 'https://x/f.png', fileId: 'F9', mimeType: 'image/png', alt: 'fox' }] }] }).blocks;
    expect(one).toEqual([{ type: 'image', slack_file: { id: 'F9' }, alt_text: 'fox' }]);
    const video = renderSlackMessage({ text: '', blocks: [{ type: 'media', items: [{ url: 'https://files.slack.com/files-pri/T1-F8/wave.mp4', fileId: 'F8', mimeType: 'video/mp4', alt: 'wave' }] }] }).blocks;
    expect(video).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '▶️ <https://files.slack.com/files-pri/T1-F8/wave.mp4|Video>' } }]);
  });

  it('keeps each actions block (one per image, one for the job) and every id decodes', () => {
    const row = (i: number) => ({ type: 'actions' as const, buttons: [{ label: `Upscale ${i + 1}`, action: 'upscale' as const, jobId: 'g-1', arg: String(i) }, { label: `Vary ${i + 1} (from image)`, action: 'vary' as const, jobId: 'g-1', arg: String(i) }] });
    const { blocks } = renderSlackMessage({ text: '', blocks: [row(0), row(1), row(2), row(3), { type: 'actions', buttons: [{ label: 'Remix', action: 'remix', jobId: 'g-1' }] }] });
    expect(blocks).toHaveLength(5);
    const ids = blocks.flatMap((b) => (b['elements'] as Array<{ action_id: string }>).map((e) => decodeButtonId(e.action_id)));
    expect(ids[2]).toEqual({ action: 'upscale', jobId: 'g-1', arg: '1' });
    expect(ids.at(-1)).toEqual({ action: 'remix', jobId: 'g-1' });
    for (const b of blocks) expect((b['elements'] as unknown[]).length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
  });
});
