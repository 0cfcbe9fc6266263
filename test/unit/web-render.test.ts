/**
 * The page's own rendering code (the exact script the browser runs): neutral markdown becomes
 * safe HTML, and nothing a user or a provider wrote can become markup.
 */
import { describe, expect, it } from 'vitest';
import { RENDER_SCRIPT } from '../../adapters/web/render-script.js';
import { renderPage } from '../../adapters/web/page.js';
import { renderBanner } from '../../src/main/banner.js';

type Msg = { id: string; author: 'bot' | 'user'; text?: string; view?: unknown; files: Array<{ name: string; mimeType: string; url: string }>; threadId?: string; ephemeral?: boolean };
const page = new Function(`${RENDER_SCRIPT}; return { esc, md, renderBlock, messageHtml, timeText, formHtml };`)() as {
  md(text: string, nowMs?: number): string;
  timeText(seconds: number, style: string, nowMs: number): string;
  formHtml(form: unknown): string;
  renderBlock(block: unknown, msg: { id: string }): string;
  messageHtml(m: Msg, time?: string): string;
};

describe('playground rendering', () => {
  it('escapes HTML in what a user typed', () => {
    const html = page.messageHtml({ id: 'u1', author: 'user', text: '/generate <img src=x onerror=alert(1)> "fox" & <script>bad()</script>', files: [] });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;fox&quot; &amp; &lt;script&gt;bad()&lt;/script&gt;');
    expect(html).not.toMatch(/<img|<script/);
  });

  it('renders neutral markdown: bold, italic, code, links and mentions', () => {
    expect(page.md('**Done** in _12 s_ with `krea-2` by <@local-user>\nsee [docs](https://krea.ai/docs?a=1&b=2)')).toBe(
      '<b>Done</b> in <i>12 s</i> with <code>krea-2</code> by <b>@you</b><br>see <a href="https://krea.ai/docs?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">docs</a>',
    );
    expect(page.md('[click](javascript:alert(1))')).not.toContain('<a');
    expect(page.md('**<b onclick=x>hi</b>**')).toBe('<b>&lt;b onclick=x&gt;hi&lt;/b&gt;</b>');
  });

  it('renders a progress bar with its percent, and an indeterminate one without', () => {
    const known = page.renderBlock({ type: 'progress', percent: 42.4, label: 'Generating' }, { id: 'm1' });
    expect(known).toContain('data-percent="42"');
    expect(known).toContain('aria-valuenow="42"');
    expect(known).toContain('width:42%');
    expect(known).toContain('Generating · 42%');
    const unknown = page.renderBlock({ type: 'progress', label: 'Queued' }, { id: 'm1' });
    expect(unknown).toContain('bar indeterminate');
    expect(unknown).not.toContain('aria-valuenow');
  });

  it('buttons carry their encoded id and message, labels escaped', () => {
    const html = page.renderBlock({ type: 'actions', buttons: [{ action: 'retry', label: 'Retry "<now>"', customId: 'gb1|retry|j"1|', style: 'primary' }] }, { id: 'm"1' });
    expect(html).toContain('data-testid="button-retry"');
    expect(html).toContain('data-custom-id="gb1|retry|j&quot;1|"');
    expect(html).toContain('data-message="m&quot;1"');
    expect(html).toContain('aria-label="Retry &quot;&lt;now&gt;&quot;"');
  });

  it('media: images and videos inline from http(s) or this server only; 🎬 offered only where there is an image', () => {
    const withImage = page.messageHtml({ id: 'm2', author: 'bot', threadId: 'm1', files: [{ name: 'fox.png', mimeType: 'image/png', url: '/files/f1/fox.png' }] });
    expect(withImage).toContain('<img class="media" data-testid="image" alt="fox.png" src="/files/f1/fox.png">');
    expect(withImage).toContain('data-testid="react-clapper" data-react="m2"');
    expect(withImage).not.toContain('data-reply'); // already in a thread
    const video = page.messageHtml({ id: 'm3', author: 'bot', files: [{ name: 'fox.mp4', mimeType: 'video/mp4', url: 'http://127.0.0.1:1/files/f2/fox.mp4' }] });
    expect(video).toContain('<video class="media" data-testid="video" controls');
    expect(video).not.toContain('react-clapper');
    expect(video).toContain('data-reply="m3"');
    const hostile = page.renderBlock({ type: 'image', url: 'javascript:alert(1)', alt: 'x' }, { id: 'm4' });
    expect(hostile).toContain('src="#"');
    const viewImage = page.messageHtml({ id: 'm5', author: 'bot', files: [], view: { text: '', blocks: [{ type: 'image', url: 'https://cdn.example/p.png', alt: 'preview' }] } });
    expect(viewImage).toContain('react-clapper');
  });

  it('renders time tokens as <time> elements; relative ones read as the page clock says', () => {
    const ts = 1_767_225_600;
    const now = ts * 1000;
    const html = page.md(`started <time:${ts - 125}:relative>, ETA <time:${ts + 30}:relative>`, now);
    expect(html).toContain(`<time data-testid="time" datetime="2025-12-31T23:57:55.000Z" data-ts="${ts - 125}" data-style="relative">2 min ago</time>`);
    expect(html).toContain('data-style="relative">in 30s</time>');
    expect(page.timeText(ts + 2, 'relative', now)).toBe('in a few seconds');
    expect(page.timeText(ts - 3, 'relative', now)).toBe('just now');
    expect(page.md(`at <time:${ts}:time>`, now)).toMatch(/<time [^>]*data-style="time">[^<]+<\/time>/);
    // Anything else that looks like a tag stays text.
    expect(page.md('<time:12:evil onload=x>', now)).toBe('&lt;time:12:evil onload=x&gt;');
  });

  it('marks an estimated percentage with ≈', () => {
    expect(page.renderBlock({ type: 'progress', percent: 40, estimated: true, label: 'Generating' }, { id: 'm1' })).toContain('Generating · ≈40%');
  });

  it('shows results inline, numbered when there are several, with their size reserved; a video plays', () => {
    const items = [1, 2, 3, 4].map((i) => ({ url: `/files/f${i}/fox-${i}.png`, alt: 'a "red" fox', mimeType: 'image/png', width: 1360, height: 768 }));
    const html = page.renderBlock({ type: 'media', items }, { id: 'm1' });
    expect(html).toContain('class="gallery grid" data-testid="media"');
    expect(html.match(/data-testid="result-image"/g)).toHaveLength(4);
    expect(html).toContain('<img class="result" data-testid="result-image" src="/files/f3/fox-3.png" alt="a &quot;red&quot; fox" width="1360" height="768"><figcaption>3</figcaption>');
    const one = page.renderBlock({ type: 'media', items: [items[0]] }, { id: 'm1' });
    expect(one).not.toContain('figcaption');
    const video = page.renderBlock({ type: 'media', items: [{ url: 'javascript:alert(1)', alt: 'wave', mimeType: 'video/mp4' }] }, { id: 'm1' });
    expect(video).toContain('data-testid="result-video" controls preload="metadata" src="#"');
  });

  it('a form the bot asks for comes pre-filled, every value escaped', () => {
    const html = page.formHtml({ id: 'remix:g-1', title: 'Remix', submitLabel: 'Run', fields: [{ id: 'prompt', label: 'Prompt and flags', value: 'a fox --ar 16:9 </textarea><script>x()</script>', multiline: true, maxLength: 3000 }] });
    expect(html).toContain('<textarea rows="4" name="prompt" data-testid="form-field-prompt" maxlength="3000" required>a fox --ar 16:9 &lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;</textarea>');
    expect(html).toContain('data-testid="form-submit">Run</button>');
    expect(html).not.toContain('<script');
  });

  it('ephemeral replies say they are only visible to you', () => {
    const html = page.messageHtml({ id: 'e1', author: 'bot', ephemeral: true, files: [], view: { text: 'x', blocks: [{ type: 'text', text: 'x' }] } });
    expect(html).toContain('Only visible to you');
    expect(html).not.toContain('data-reply'); // nobody else sees it: no thread under it
  });

  it('the page embeds the script and labels its controls', () => {
    const html = renderPage();
    expect(html).toContain('function messageHtml(');
    expect(html).toMatch(/aria-label="Message \(Enter to send\)"/);
    expect(html).toMatch(/aria-label="Attach an image"/);
  });
});

describe('banner', () => {
  it('says where to click, what is real and what is simulated', () => {
    const text = renderBanner({ url: 'http://127.0.0.1:3000/', real: [], simulated: ['Krea API (simulator at http://127.0.0.1:4010)', 'chat (web playground)'], redis: 'embedded redis-server (redis://127.0.0.1:40000)', role: 'all' });
    expect(text).toContain('Open the playground:  http://127.0.0.1:3000/');
    expect(text).toMatch(/Real:\s+nothing external/);
    expect(text).toMatch(/Simulated:\s+Krea API \(simulator at http:\/\/127\.0\.0\.1:4010\), chat \(web playground\)/);
    expect(text).toMatch(/Redis:\s+embedded redis-server/);
    const lines = text.split('\n');
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1); // a closed box
  });
});
