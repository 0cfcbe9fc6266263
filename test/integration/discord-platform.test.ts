/**
 * The REST-only ChatPlatform (what workers use) and command registration, against the loopback
 * fake of Discord: no gateway involved.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordPlatform, OLD_MESSAGE_MS, UPLOAD_LIMIT_BY_TIER } from '../../adapters/discord/platform.js';
import { registerDiscordCommands } from '../../adapters/discord/register.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import type { CommandSpec } from '../../src/command.js';
import { PlatformError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import type { ChatPlatform } from '../../src/ports.js';
import { textView, type MessageView } from '../../src/view.js';
import { APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID } from '../fakes/discord/server.js';
import { platformFiles } from '../helpers/platform-files.js';

let fake: FakeDiscord;
let platform: ChatPlatform;
const here = { platform: 'discord' as const, workspaceId: GUILD_ID, channelId: CHANNEL_ID };
const MIB = 1024 * 1024;

async function refusal(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  platform = createDiscordPlatform({ token: 'discord-test-token', apiUrl: fake.apiUrl, logger: silentLogger(), downloadFile: platformFiles(fake.apiUrl) });
});
afterAll(async () => fake?.stop());
beforeEach(() => {
  fake.premiumTier = 0;
  fake.rateLimitEdits = 0;
});

const status: MessageView = { text: 'Generating', blocks: [{ type: 'text', text: 'Generating **a fox**' }, { type: 'progress', percent: 10, label: 'queued' }, { type: 'actions', buttons: [{ action: 'cancel', jobId: 'job-1', label: 'Cancel', style: 'danger' }] }] };

describe('Discord ChatPlatform over REST', () => {
  it('posts a status message, opens a thread from it (twice: the same thread), uploads into the thread and edits the status', async () => {
    const posted = await platform.post(here, status);
    const stored = fake.messages.get(posted.messageId)!;
    expect(stored.content).toContain('Generating **a fox**');
    expect(JSON.stringify(stored.components)).toContain('gb1|cancel|job-1|');

    const thread = await platform.openThread(posted, 'a fox');
    expect(thread).toEqual({ ...here, threadId: fake.threads.get(posted.messageId) });
    expect(await platform.openThread(posted, 'a fox')).toEqual(thread);

    const png = new Uint8Array(Buffer.from('\x89PNG fake image bytes', 'binary'));
    const uploaded = await platform.upload(thread, [{ name: 'fox.png', mimeType: 'image/png', bytes: png, altText: 'a fox' }], {});
    const call = fake.calls.findLast((c) => c.method === 'POST' && c.path === `/channels/${thread.threadId}/messages`)!;
    expect(call.files).toEqual([expect.objectContaining({ name: 'fox.png', size: png.length })]);
    expect(Buffer.from(call.files[0]!.bytes).equals(Buffer.from(png))).toBe(true);
    expect(call.body).toMatchObject({ attachments: [{ id: 0, filename: 'fox.png', description: 'a fox' }] });
    expect(uploaded.messages[0]).toMatchObject({ ...thread, messageId: expect.any(String) });
    expect(uploaded.media[0]).toMatchObject({ source: 'discord', name: 'fox.png', mimeType: 'image/png', sizeBytes: png.length });

    await platform.update(posted, textView('Done: **a fox**'), { priority: 'final' });
    expect(fake.messages.get(posted.messageId)!.content).toBe('Done: **a fox**');
  });

  it('refuses an upload over the guild limit before sending it; boosts raise the limit', async () => {
    const posted = await platform.post(here, status);
    const thread = await platform.openThread(posted, 'big');
    const big = { name: 'wave.mp4', mimeType: 'video/mp4', bytes: new Uint8Array(10 * MIB + 1) };
    const postsBefore = fake.callsTo('POST', new RegExp(`/channels/${thread.threadId}/messages$`)).length;
    const err = await refusal(platform.upload(thread, [big], {}));
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('10 MB');
    expect(fake.callsTo('POST', new RegExp(`/channels/${thread.threadId}/messages$`))).toHaveLength(postsBefore);

    fake.premiumTier = 2;
    const boosted = createDiscordPlatform({ token: 't', apiUrl: fake.apiUrl, logger: silentLogger(), downloadFile: platformFiles(fake.apiUrl) });
    expect(await boosted.maxUploadBytes(thread)).toBe(UPLOAD_LIMIT_BY_TIER[2]);
    const result = await boosted.upload(thread, [big], {});
    expect(result.media[0]).toMatchObject({ mimeType: 'video/mp4', sizeBytes: big.bytes.length });
  });

  it('drops a progress edit on a rate-limited route at once, while a final edit waits and lands', async () => {
    const posted = await platform.post(here, status);
    fake.rateLimitEdits = 1;
    const err = await refusal(platform.update(posted, textView('progress 50%'), { priority: 'progress' }));
    expect(err.code).toBe('rate_limited');
    expect(fake.messages.get(posted.messageId)!.content).not.toBe('progress 50%');

    fake.rateLimitEdits = 1;
    const patches = () => fake.callsTo('PATCH', new RegExp(`/messages/${posted.messageId}$`)).length;
    const before = patches();
    await platform.update(posted, textView('Done'), { priority: 'final' });
    // One 429, then the retry that landed.
    expect(patches()).toBe(before + 2);
    expect(fake.messages.get(posted.messageId)!.content).toBe('Done');
  });

  it('stops progress edits of messages older than an hour without calling Discord; final edits still go', async () => {
    const posted = await platform.post(here, status);
    const later = createDiscordPlatform({ token: 't', apiUrl: fake.apiUrl, logger: silentLogger(), now: () => Date.now() + OLD_MESSAGE_MS + 60_000, downloadFile: platformFiles(fake.apiUrl) });
    const before = fake.calls.length;
    expect((await refusal(later.update(posted, textView('60%'), { priority: 'progress' }))).code).toBe('rate_limited');
    expect(fake.calls.length).toBe(before);
    await later.update(posted, textView('Finished'), { priority: 'final' });
    expect(fake.messages.get(posted.messageId)!.content).toBe('Finished');
  });

  it('reads images of a message it did not post, downloads them within limits, and only from Discord hosts', async () => {
    const png = renderPng(40, 30, 'cat');
    const image = fake.addAttachment('cat.png', 'image/png', png);
    const message = fake.addMessage(CHANNEL_ID, 'look', [image, fake.addAttachment('notes.txt', 'text/plain', Buffer.from('hi'))], undefined, [{ type: 'image', thumbnail: { url: 'https://example.com/pic.jpg' } }]);
    // Without the MessageContent intent Discord blanks someone else's message: a refusal that says so, not "no image".
    const hidden = await refusal(platform.fetchMessageMedia({ ...here, messageId: message.id }));
    expect(hidden).toMatchObject({ code: 'forbidden', access: { reason: 'content_hidden', channelId: CHANNEL_ID } });
    fake.messageContentEnabled = true;
    const media = await platform.fetchMessageMedia({ ...here, messageId: message.id });
    fake.messageContentEnabled = false;
    expect(media).toEqual([
      { url: image['url'], source: 'discord', name: 'cat.png', mimeType: 'image/png', sizeBytes: png.length },
      { url: 'https://example.com/pic.jpg', source: 'url' },
    ]);
    const file = await platform.download(media[0]!, { maxBytes: 64 * 1024 });
    // Type and size are read from the bytes, not from what the uploader claimed.
    expect(file).toMatchObject({ name: 'cat.png', mimeType: 'image/png', width: 40, height: 30 });
    expect(Buffer.from(file.bytes).equals(png)).toBe(true);
    expect((await refusal(platform.download(media[0]!, { maxBytes: png.length - 1 }))).code).toBe('too_large');
    expect((await refusal(platform.download(media[1]!, { maxBytes: 4096 }))).code).toBe('forbidden');
    expect((await refusal(platform.fetchMessageMedia({ ...here, messageId: '123456789012345678' }))).code).toBe('not_found');
  });

  it('downloads through the SSRF-safe fetcher: a file that is not an image, or a redirect off Discord into our network, is refused', async () => {
    const fakeImage = fake.addAttachment('cat.png', 'image/png', Buffer.from('#!/bin/sh\necho not a picture\n'));
    const notImage = await platform.download({ url: String(fakeImage['url']), source: 'discord', name: 'cat.png', mimeType: 'image/png' }, { maxBytes: 4096 }).then(() => undefined, (e: unknown) => e);
    expect(notImage).toMatchObject({ reason: 'unsupported_type', userMessage: expect.stringMatching(/could not use that file/) });
    // The fake API's own origin is trusted (it is DISCORD_API_URL); a hop to another loopback port is not.
    const bounce = fake.redirectAttachment('bounce.png', 'http://127.0.0.1:6379/');
    const redirected = await platform.download({ url: String(bounce['url']), source: 'discord', name: 'bounce.png' }, { maxBytes: 4096 }).then(() => undefined, (e: unknown) => e);
    expect(redirected).toMatchObject({ reason: 'not_https' });
    const metadata = fake.redirectAttachment('meta.png', 'https://169.254.169.254/latest/meta-data/');
    const toMetadata = await platform.download({ url: String(metadata['url']), source: 'discord', name: 'meta.png' }, { maxBytes: 4096 }).then(() => undefined, (e: unknown) => e);
    expect(toMetadata).toMatchObject({ reason: 'blocked_address' });
  });

  it('deletes a message, and "ephemeral" outside an interaction is a reply that pings only that user', async () => {
    const posted = await platform.post(here, textView('temp'));
    await platform.delete(posted);
    expect(fake.messages.has(posted.messageId)).toBe(false);
    await platform.postEphemeral(here, '200000000000000077', textView('Only you can cancel this.'));
    const call = fake.calls.findLast((c) => c.method === 'POST' && c.path === `/channels/${CHANNEL_ID}/messages`)!;
    expect(call.body).toMatchObject({ content: '<@200000000000000077> Only you can cancel this.', allowed_mentions: { parse: [], users: ['200000000000000077'] } });
  });
});

describe('registerDiscordCommands', () => {
  const specs: CommandSpec[] = [{ name: 'generate', description: 'Generate', examples: [], params: [{ name: 'prompt', kind: 'string', description: 'What', required: true }] }];

  it('PUTs the commands to the guild, and skips the PUT when they are already registered', async () => {
    const base = { token: 't', applicationId: APP_ID, apiUrl: fake.apiUrl, guildId: GUILD_ID, specs };
    const route = new RegExp(`^/applications/${APP_ID}/guilds/${GUILD_ID}/commands$`);
    const puts = () => fake.callsTo('PUT', route).length;
    const before = puts();
    expect(await registerDiscordCommands(base)).toBe('registered');
    expect(fake.commands).toEqual([expect.objectContaining({ name: 'generate', type: 1 }), expect.objectContaining({ name: 'Animate image', type: 3 })]);
    expect(await registerDiscordCommands(base)).toBe('unchanged');
    expect(puts()).toBe(before + 1);
    expect(await registerDiscordCommands({ ...base, force: true })).toBe('registered');
    expect(puts()).toBe(before + 2);
  });

  it('registers globally without a guild id', async () => {
    await registerDiscordCommands({ token: 't', applicationId: APP_ID, apiUrl: fake.apiUrl, specs, force: true });
    expect(fake.callsTo('PUT', new RegExp(`^/applications/${APP_ID}/commands$`))).toHaveLength(1);
  });
});
