/**
 * The playground adapter in a real browser (Debian's Chromium via playwright-core), against a
 * scripted dispatcher that behaves like the bot: a person types a command and presses Enter, a
 * status message with a progress bar appears and moves live, the image arrives in the thread,
 * buttons and 🎬 send actions and reactions, and nothing typed can inject markup.
 * Screenshots: test-output/web/. (test/integration/playground-browser.test.ts runs the full bot.)
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReactionInvocation } from '../../src/invocation.js';
import type { ConversationRef } from '../../src/model.js';
import { textView, type MessageView } from '../../src/view.js';
import { startWebHarness, TINY_PNG, type Script, type WebHarness } from '../helpers/web-harness.js';

const SHOTS = 'test-output/web';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const status = (prompt: string, percent: number | undefined, label: string, done = false): MessageView => ({
  text: `${prompt}: ${label}`,
  blocks: [
    { type: 'text', text: `**${prompt}**` },
    { type: 'progress', ...(percent !== undefined ? { percent } : {}), label },
    { type: 'actions', buttons: done ? [{ action: 'animate', jobId: 'job1', label: 'Animate' }, { action: 'retry', jobId: 'job1', label: 'Retry' }] : [{ action: 'cancel', jobId: 'job1', label: 'Cancel', style: 'danger' }] },
  ],
});

/** A tiny stand-in for the bot: /generate runs a short fake job; buttons and 🎬 answer visibly. */
const script: Script = async (inv, responder, web) => {
  const here: ConversationRef = inv.conversation;
  if (inv.kind === 'command' && inv.command === 'generate') {
    const prompt = inv.text ?? '';
    const msg = await web.platform.post(here, status(prompt, undefined, 'Queued'));
    for (const p of [20, 55, 90]) {
      await sleep(150);
      await web.platform.update(msg, status(prompt, p, 'Generating'), { priority: 'progress' });
    }
    const thread = await web.platform.openThread(msg, prompt);
    await web.platform.upload(thread, [{ name: 'result.png', mimeType: 'image/png', bytes: TINY_PNG }], {});
    await web.platform.update(msg, status(prompt, 100, 'Done', true), { priority: 'final' });
  } else if (inv.kind === 'command') {
    await responder.reply(textView(`Got \`/${inv.command}\` with ${inv.attachments.length} image(s).`), { ephemeral: true });
  } else if (inv.kind === 'action') {
    await responder.reply(textView(`Button **${inv.action.action}** pressed.`), { ephemeral: true });
  } else if (inv.kind === 'reaction') {
    const thread = inv.message.threadId ? inv.conversation : await web.platform.openThread(inv.message, 'animate');
    await web.platform.post(thread, textView(`🎬 animating ${(inv as ReactionInvocation).media?.length ?? 0} image(s)`));
  }
};

let h: WebHarness;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startWebHarness({ script, maxUploadBytes: 1024 * 1024 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss().catch(() => undefined);
  });
  await page.goto(`${h.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function type(text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

describe('the playground page in Chromium', () => {
  it('command → live progress → image in the thread → buttons', async () => {
    await type('/generate a red fox <b>bold</b> <img src=x onerror=alert(1)> --ar 16:9');
    const inv = await h.nextInvocation((i) => i.kind === 'command');
    expect(inv).toMatchObject({ kind: 'command', command: 'generate', text: 'a red fox <b>bold</b> <img src=x onerror=alert(1)> --ar 16:9' });
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe('');

    // What was typed shows literally, not as markup.
    const mine = page.locator('[data-testid="message"][data-author="user"]').first();
    await expect.poll(() => mine.getByTestId('message-text').textContent()).toBe('/generate a red fox <b>bold</b> <img src=x onerror=alert(1)> --ar 16:9');
    expect(await page.locator('#log img:not(.media)').count()).toBe(0);
    expect(await page.locator('#log .text b', { hasText: /^bold$/ }).count()).toBe(0);

    const bot = page.locator('[data-testid="message"][data-author="bot"]').first();
    const progress = bot.getByTestId('progress');
    await progress.waitFor();
    await expect.poll(() => progress.getAttribute('data-percent'), { timeout: 5000 }).toMatch(/^(20|55|90)$/);
    await page.screenshot({ path: `${SHOTS}/1-progress.png` });

    await expect.poll(() => bot.getByTestId('progress-label').textContent(), { timeout: 5000 }).toBe('Done · 100%');
    const thread = page.locator(`[data-testid="thread"][data-parent="${await bot.getAttribute('data-message-id')}"]`);
    const image = thread.getByTestId('image');
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 8)).toBe(true);
    // The thread sits right under its parent message.
    expect(await bot.evaluate((el) => el.nextElementSibling?.getAttribute('data-testid'))).toBe('thread');
    expect(await bot.getByTestId('button-cancel').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/2-result.png` });

    await bot.getByRole('button', { name: 'Animate' }).click();
    const action = await h.nextInvocation((i) => i.kind === 'action');
    expect(action).toMatchObject({ kind: 'action', action: { action: 'animate', jobId: 'job1' } });
    const only = page.locator('[data-testid="message"][data-ephemeral="true"]', { hasText: 'Button animate pressed.' });
    await only.waitFor();
    expect(await only.getByTestId('ephemeral').textContent()).toBe('Only visible to you');

    await thread.getByTestId('react-clapper').click();
    const reaction = (await h.nextInvocation((i) => i.kind === 'reaction')) as ReactionInvocation;
    expect(reaction.emoji).toBe('clapper');
    expect(reaction.media).toHaveLength(1);
    await thread.locator('[data-testid="message"]', { hasText: '🎬 animating 1 image(s)' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/3-buttons.png` });
    expect(dialogs).toEqual([]);
  });

  it('an attached image is uploaded, sent with the next command, and shown inline', async () => {
    await page.getByTestId('file-input').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: TINY_PNG });
    await expect.poll(() => page.getByTestId('pending').textContent()).toContain('cat.png');
    await type('/animate');
    const inv = await h.nextInvocation((i) => i.kind === 'command' && i.command === 'animate');
    expect(inv.kind === 'command' && inv.attachments).toMatchObject([{ source: 'web', mimeType: 'image/png', name: 'cat.png' }]);
    const mine = page.locator('[data-testid="message"][data-author="user"]', { hasText: '/animate' });
    await expect.poll(() => mine.getByTestId('image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(8);
    await page.locator('[data-testid="message"][data-ephemeral="true"]', { hasText: 'with 1 image(s)' }).waitFor();
    expect(await page.getByTestId('pending').textContent()).toBe('');
  });

  it('replying in a thread sends there, and a reload keeps the conversation', async () => {
    const parent = page.locator('[data-testid="message"][data-author="user"]').first();
    await parent.getByRole('button', { name: 'Reply in thread' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('text');
    await type('/help');
    const inv = await h.nextInvocation((i) => i.kind === 'command' && i.command === 'help');
    expect(inv.conversation.threadId).toBe(await parent.getAttribute('data-message-id'));

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('[data-testid="thread"] [data-testid="image"]').first().waitFor();
    expect(await page.locator('[data-testid="message"]').count()).toBe(h.web.store.all().length);
    await page.screenshot({ path: `${SHOTS}/4-reloaded.png` });
  });
});
