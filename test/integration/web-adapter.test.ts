/**
 * The playground adapter over HTTP, with a scripted dispatcher: what a person does on the page
 * arrives as the same Invocations Slack and Discord produce, and what the bot does through the
 * ChatPlatform reaches the page live.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionInvocation, CommandInvocation, MentionInvocation, ReactionInvocation } from '../../src/invocation.js';
import type { MessageRef } from '../../src/model.js';
import { decodeButtonId, encodeButtonId, textView, type Button, type MessageView } from '../../src/view.js';
import type { WebMessage } from '../../adapters/web/store.js';
import { openFeed, startWebHarness, TINY_PNG, type WebHarness } from '../helpers/web-harness.js';

let h: WebHarness;
afterEach(async () => h?.close());

const post = (path: string, body: unknown) => fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const list = async () => (await (await fetch(`${h.url}/api/messages`)).json()) as WebMessage[];
const upload = (bytes: Uint8Array, type: string, name: string) =>
  fetch(`${h.url}/api/upload`, { method: 'POST', headers: { 'content-type': type, 'x-filename': encodeURIComponent(name) }, body: new Uint8Array(bytes) });
/** On the wire each button also carries its encoded custom id, as Slack and Discord get it. */
const wireIds = (m: WebMessage | undefined) => (m?.view?.blocks ?? []).flatMap((b) => (b.type === 'actions' ? b.buttons : [])).map((b) => (b as Button & { customId?: string }).customId);
const channel = { platform: 'web' as const, workspaceId: 'local', channelId: 'playground' };
const statusView = (percent: number, label: string): MessageView => ({
  text: label,
  blocks: [
    { type: 'text', text: '**a red fox**' },
    { type: 'progress', percent, label },
    { type: 'actions', buttons: [{ action: 'cancel', jobId: 'job1', label: 'Cancel', style: 'danger' }] },
  ],
});

describe('web adapter', () => {
  it('serves the playground page with a composer the keyboard can send from', async () => {
    h = await startWebHarness();
    const res = await fetch(`${h.url}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<form id="composer"');
    expect(html).toContain('data-testid="composer-input"');
    expect(html).toContain('new EventSource(\'/api/events\')');
  });

  it('a typed command reaches the dispatcher as a CommandInvocation from the local admin', async () => {
    h = await startWebHarness();
    const res = await post('/api/send', { text: '/generate a red fox --ar 16:9' });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const inv = (await h.nextInvocation()) as CommandInvocation;
    expect(inv).toMatchObject({
      kind: 'command',
      command: 'generate',
      text: 'a red fox --ar 16:9',
      platform: 'web',
      workspaceId: 'local',
      conversation: channel,
      actor: { userId: 'local-user', isAdmin: true },
      attachments: [],
      id,
    });
    // The typed line itself shows in the channel, like in any chat.
    expect((await list()).find((m) => m.id === id)).toMatchObject({ author: 'user', text: '/generate a red fox --ar 16:9' });

    await post('/api/send', { text: '/HELP' });
    expect(await h.nextInvocation((i) => i.kind === 'command' && i.command === 'help')).toMatchObject({ text: '' });
  });

  it('"@bot …" in a thread is a mention carrying the thread’s images; plain chatter is not dispatched', async () => {
    h = await startWebHarness();
    const parent = await h.web.platform.post(channel, textView('status'));
    const thread = await h.web.platform.openThread(parent, 'fox');
    const up = await h.web.platform.upload(thread, [{ name: 'fox.png', mimeType: 'image/png', bytes: TINY_PNG }], {});
    await post('/api/send', { text: 'nice one' });
    await post('/api/send', { text: '@bot animate this slowly', threadId: thread.threadId });
    const inv = (await h.nextInvocation()) as MentionInvocation;
    expect(h.received).toHaveLength(1);
    expect(inv).toMatchObject({ kind: 'mention', text: 'animate this slowly', conversation: { ...channel, threadId: parent.messageId } });
    expect(inv.message.messageId).toBe(inv.id);
    expect(inv.threadMedia).toEqual(up.media);
  });

  it('an uploaded image round-trips: served back at its URL, attached to the command, downloadable by a worker', async () => {
    h = await startWebHarness();
    const res = await upload(TINY_PNG, 'image/png', 'my cat <1>.png');
    expect(res.status).toBe(200);
    const file = (await res.json()) as { id: string; url: string; name: string; size: number };
    expect(file.url.startsWith(`${h.url}/files/`)).toBe(true);
    const served = await fetch(file.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(TINY_PNG)).toBe(true);

    await post('/api/send', { text: '/animate --duration 5', files: [file.id] });
    const inv = (await h.nextInvocation()) as CommandInvocation;
    expect(inv.attachments).toEqual([{ url: file.url, source: 'web', name: file.name, mimeType: 'image/png', sizeBytes: TINY_PNG.length }]);
    const downloaded = await h.web.platform.download(inv.attachments[0]!, { maxBytes: 1024 });
    expect(Buffer.from(downloaded.bytes).equals(TINY_PNG)).toBe(true);
    await expect(h.web.platform.download(inv.attachments[0]!, { maxBytes: 10 })).rejects.toThrow(/limit/);
  });

  it('refuses uploads that are too large or not images/videos, with a message the page shows', async () => {
    h = await startWebHarness({ maxUploadBytes: 1024 });
    const big = await upload(new Uint8Array(4096), 'image/png', 'big.png');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/over the .* limit/);
    const exe = await upload(new Uint8Array([1, 2, 3]), 'application/x-msdownload', 'x.exe');
    expect(exe.status).toBe(415);
    expect(((await exe.json()) as { error: string }).error).toMatch(/Only images/);
  });

  it('streams posts, updates and thread uploads made through the ChatPlatform over SSE, with buttons encoded', async () => {
    h = await startWebHarness();
    const feed = await openFeed(h.url);
    try {
      const status = await h.web.platform.post(channel, statusView(10, 'Queued'));
      const first = await feed.next((e) => e.type === 'upsert' && e.message.id === status.messageId);
      expect(wireIds(first.type === 'upsert' ? first.message : undefined)).toEqual([encodeButtonId({ action: 'cancel', jobId: 'job1' })]);

      await h.web.platform.update(status, statusView(60, 'Generating'), { priority: 'progress' });
      const updated = await feed.next((e) => e.type === 'upsert' && e.message.id === status.messageId);
      expect(updated.type === 'upsert' && updated.message.view?.blocks[1]).toEqual({ type: 'progress', percent: 60, label: 'Generating' });

      const thread = await h.web.platform.openThread(status, 'a red fox');
      expect(thread.threadId).toBe(status.messageId);
      const up = await h.web.platform.upload(thread, [{ name: 'fox.png', mimeType: 'image/png', bytes: TINY_PNG }], { comment: 'Here you go' });
      const delivered = await feed.next((e) => e.type === 'upsert' && e.message.threadId === status.messageId);
      expect(delivered.type === 'upsert' && delivered.message).toMatchObject({ author: 'bot', files: [{ mimeType: 'image/png', url: up.media[0]!.url }], view: { text: 'Here you go' } });
      expect(up.messages[0]).toMatchObject({ ...channel, threadId: status.messageId });

      await h.web.platform.delete(up.messages[0]!);
      expect(await feed.next((e) => e.type === 'delete')).toEqual({ type: 'delete', id: up.messages[0]!.messageId });
      // Message ids grow monotonically, like a chat's timestamps.
      const ids = (await list()).map((m) => m.id);
      expect([...ids].sort()).toEqual(ids);
    } finally {
      feed.close();
    }
  });

  it('editing a message that does not exist is a PlatformError, not a silent new message', async () => {
    h = await startWebHarness();
    const ghost: MessageRef = { ...channel, messageId: 'm-nope' };
    await expect(h.web.platform.update(ghost, textView('x'), { priority: 'final' })).rejects.toMatchObject({ name: 'PlatformError' });
    expect(await list()).toEqual([]);
  });

  it('a button click is an ActionInvocation with the decoded payload and the message that holds it', async () => {
    h = await startWebHarness();
    const status = await h.web.platform.post(channel, statusView(10, 'Queued'));
    const customId = wireIds((await list())[0])[0];
    expect(decodeButtonId(String(customId))).toEqual({ action: 'cancel', jobId: 'job1' });
    expect((await post('/api/action', { customId, messageId: status.messageId })).status).toBe(200);
    const inv = (await h.nextInvocation()) as ActionInvocation;
    expect(inv).toMatchObject({ kind: 'action', action: { action: 'cancel', jobId: 'job1' }, message: status, actor: { isAdmin: true } });
    expect((await post('/api/action', { customId: 'not-ours', messageId: status.messageId })).status).toBe(400);
    expect((await post('/api/action', { customId, messageId: 'm-gone' })).status).toBe(400);
  });

  it('🎬 on a message with an image is a clapper ReactionInvocation with a stable id and the image', async () => {
    h = await startWebHarness();
    const file = (await (await upload(TINY_PNG, 'image/png', 'cat.png')).json()) as { id: string; url: string };
    const { id } = (await (await post('/api/send', { text: 'look', files: [file.id] })).json()) as { id: string };
    await post('/api/react', { messageId: id, emoji: 'clapper' });
    const inv = (await h.nextInvocation((i) => i.kind === 'reaction')) as ReactionInvocation;
    expect(inv).toMatchObject({ id: `reaction:playground:${id}:clapper`, emoji: 'clapper', message: { ...channel, messageId: id }, media: [{ url: file.url, source: 'web' }] });
  });

  it('ephemeral replies are kept, marked as only visible to the sender, in the thread they belong to', async () => {
    h = await startWebHarness({
      script: async (inv, responder) => {
        if (inv.kind === 'command') await responder.reply(textView('Unknown flag `--arr`.'), { ephemeral: true });
      },
    });
    const parent = await h.web.platform.post(channel, textView('status'));
    await post('/api/send', { text: '/generate x --arr 1', threadId: parent.messageId });
    await h.nextInvocation();
    await expect.poll(async () => (await list()).find((m) => m.ephemeral)).toMatchObject({ author: 'bot', ephemeral: true, threadId: parent.messageId, view: { text: 'Unknown flag --arr.' } });
  });

  it('refuses malformed bodies without dispatching', async () => {
    h = await startWebHarness();
    expect((await post('/api/send', { text: 42 })).status).toBe(400);
    const broken = await fetch(`${h.url}/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'Bad request.' });
    expect((await post('/api/react', { messageId: 'nope', emoji: 'clapper' })).status).toBe(400);
    expect(h.received).toEqual([]);
  });
});
