/**
 * The whole bot in local mode, driven over HTTP like the playground page does: the command core,
 * the real pipeline on Redis, the Krea simulator, and the ops endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/main/compose.js';
import { decodeButtonId } from '../../src/view.js';
import { messages, playgroundFetch, progressLabel, send, startLocalBot, waitForMessage } from '../helpers/local-bot.js';

let bot: RunningBot;
beforeAll(async () => {
  bot = await startLocalBot({ ADMIN_PASSWORD: 'let-me-in' });
});
afterAll(() => bot?.close());

const buttonId = (m: { view?: { blocks: Array<{ type: string; buttons?: Array<{ action: string; customId?: string }> }> } }, action: string) =>
  m.view?.blocks.flatMap((b) => b.buttons ?? []).find((b) => b.action === action)?.customId;

describe('local mode', () => {
  it('answers health, readiness and metrics; the dashboard needs the password', async () => {
    expect(await (await fetch(`${bot.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: [{ name: 'redis', ok: true }] });
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toContain('genbot_queue_jobs');
    expect((await fetch(`${bot.url}/admin/queues`)).status).toBe(401);
    const wrong = await fetch(`${bot.url}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${bot.url}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from('admin:let-me-in').toString('base64')}` } });
    expect(right.status).toBe(200);
  });

  it('with ADMIN_PASSWORD, the playground (which acts as an admin) asks for it', async () => {
    expect((await fetch(`${bot.url}/`)).status).toBe(401);
    expect((await fetch(`${bot.url}/api/messages`)).status).toBe(401);
    expect((await fetch(`${bot.url}/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"/genbot settings max_concurrent_jobs 50"}' })).status).toBe(401);
    expect((await playgroundFetch(bot, `${bot.url}/api/messages`)).status).toBe(200);
  });

  it('/generate posts a status message, updates it, delivers the image into its thread, and offers the final buttons', async () => {
    await send(bot, '/api/send', { text: '/generate a red fox at dawn --ar 16:9' });
    const done = await waitForMessage(bot, (m) => m.author === 'bot' && progressLabel(m) === 'Done');
    const result = await waitForMessage(bot, (m) => m.threadId === done.id && m.files.length > 0);
    expect(result.files[0]!.mimeType).toBe('image/png');
    const png = Buffer.from(await (await playgroundFetch(bot, result.files[0]!.url)).arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(decodeButtonId(buttonId(done, 'animate')!)).toMatchObject({ action: 'animate' });
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(/genbot_jobs_total\{provider="krea",state="succeeded"\} [1-9]/);
  });

  it('Animate on a result makes a video in the same thread; 🎬 on an uploaded image does too', async () => {
    const done = await waitForMessage(bot, (m) => progressLabel(m) === 'Done');
    await send(bot, '/api/action', { customId: buttonId(done, 'animate'), messageId: done.id });
    const video = await waitForMessage(bot, (m) => m.threadId === done.id && m.files.some((f) => f.mimeType === 'video/mp4'), 30_000);
    expect(video.files[0]!.size).toBeGreaterThan(1000);

    const png = Buffer.from(await (await playgroundFetch(bot, (await waitForMessage(bot, (m) => m.files.some((f) => f.mimeType === 'image/png'))).files[0]!.url)).arrayBuffer());
    const uploaded = (await (await playgroundFetch(bot, `${bot.url}/api/upload`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-filename': 'cat.png' }, body: png })).json()) as { id: string };
    const posted = (await (await send(bot, '/api/send', { text: 'look at this', files: [uploaded.id] })).json()) as { id: string };
    await send(bot, '/api/react', { messageId: posted.id, emoji: 'clapper' });
    await send(bot, '/api/react', { messageId: posted.id, emoji: 'clapper' });
    const status = await waitForMessage(bot, (m) => m.threadId === posted.id && m.author === 'bot' && !!m.view);
    await waitForMessage(bot, (m) => m.threadId === posted.id && m.files.some((f) => f.mimeType === 'video/mp4'), 30_000);
    const inThread = (await messages(bot)).filter((m) => m.threadId === posted.id && m.view && progressLabel(m));
    expect(inThread.map((m) => m.id)).toEqual([status.id]);
  });

  it('Cancel stops a running job and says it is not billed', async () => {
    await send(bot, '/api/send', { text: '/generate a slow lighthouse --video' });
    const status = await waitForMessage(bot, (m) => !!buttonId(m, 'cancel') && m.view!.text.includes('slow lighthouse'));
    await send(bot, '/api/action', { customId: buttonId(status, 'cancel'), messageId: status.id });
    const cancelled = await waitForMessage(bot, (m) => m.id === status.id && progressLabel(m)?.startsWith('Cancelled by') === true);
    const context = cancelled.view!.blocks.find((b) => b.type === 'context');
    expect(context?.type === 'context' && context.text).toContain('not billed');
  });

  it('answers mistakes privately and escapes nothing into markup', async () => {
    await send(bot, '/api/send', { text: '/generate <img src=x onerror=alert(1)> --arr 16:9' });
    const reply = await waitForMessage(bot, (m) => m.ephemeral === true && !!m.view?.text.includes('--arr'));
    expect(reply.view!.blocks[0]).toEqual({ type: 'text', text: 'Unknown flag `--arr`. Did you mean `--ar`? Flags: `--ar`, `--n`, `--model`, `--seed`, `--no`, `--style`, `--video`, `--duration`, `--resolution`, `--provider`, `--product`.' });
    const page = await (await playgroundFetch(bot, `${bot.url}/`)).text();
    expect(page).toContain('function esc(');
  });
});
