/**
 * The page's own rendering code (the exact script the browser runs): neutral markdown becomes
 * safe HTML, and nothing a user or a provider wrote can become markup.
 */
import { describe, expect, it } from 'vitest';
import { RENDER_SCRIPT } from '../../adapters/web/render-script.js';
import { renderPage } from '../../adapters/web/page.js';
import { renderBanner } from '../../src/main/banner.js';

type Msg = { id: string; author: 'bot' | 'user'; text?: string; view?: unknown; files: Array<{ name: string; mimeType: string; url: string }>; threadId?: string; ephemeral?: boolean };
const page = new Function(`${RENDER_SCRIPT}; return { esc, md, renderBlock, messageHtml };`)() as {
  md(text: string): string;
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
