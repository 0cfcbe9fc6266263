/**
 * Discord as its users meet it, through the real discord.js client against the loopback fake of
 * Discord (which hides other people's message content without the MessageContent intent, as
 * Discord does), the Krea simulator and the real pipeline on Redis: help and errors naming only
 * Discord's syntax, generations in a DM (a slash command there, and a plain message), what the
 * bot says when it lacks permissions in a channel, and the short-lived answer to a 🎬 on an image
 * it cannot see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/client.js';
import { createDiscordPlatform } from '../../adapters/discord/platform.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { createRoutes } from '../../commands/routes.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText } from '../../src/command-text.js';
import { createDispatcher } from '../../src/dispatcher.js';
import { silentLogger } from '../../src/logger.js';
import type { RunningBot } from '../../src/main/compose.js';
import { systemClock } from '../../src/ports.js';
import { APP_ID, BOT_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, MANAGE_GUILD_BITS, nextSnowflake, type FakeMessage } from '../fakes/discord/server.js';
import { directoryOf, MemoryCredentials, MemoryIndex, MemoryQueue, MemorySettings, staticCatalog } from '../helpers/memory-services.js';
import { uniquePrefix } from '../helpers/redis-url.js';
import { platformFiles } from '../helpers/platform-files.js';
import { startDiscordTestBot } from '../helpers/platform-bot.js';

const ALICE = '200000000000000031';
const BOB = '200000000000000032';
let fake: FakeDiscord;
let sim: KreaSimulator;
let bot: RunningBot;

async function until<T>(f: FakeDiscord, fn: () => T | undefined | false | null, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last calls: ${JSON.stringify(f.calls.slice(-5).map((c) => [c.method, c.path, String(c.body?.['content'] ?? '').slice(0, 120)]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What the user read: the edit of the interaction's deferred answer. */
const answerOf = (id: string) =>
  until(fake, () => fake.calls.find((c) => c.method === 'PATCH' && new RegExp(`^/webhooks/${APP_ID}/tok-${id}/messages/(@|%40)original$`).test(c.path))?.body?.['content'] as string | undefined, `the answer to ${id}`);
const command = (name: string, options: Array<Record<string, unknown>>, user = ALICE, permissions = '0', channel?: Record<string, unknown>) =>
  fake.sendInteraction({ type: 2, userId: user, permissions, data: { id: '1', name, type: 1, options }, ...(channel ? { channel } : {}) });
const str = (name: string, value: string) => ({ name, type: 3, value });
/** Slack's way of writing commands and flags: never shown on Discord. */
const SLACK_SYNTAX = /\/genbot\b|(^|[\s`(])--[a-z]|@genbot [a-z]/;
const botMessagesIn = (channel: string) => [...fake.messages.values()].filter((m) => m.channel_id === channel && m.author.id === BOT_ID);

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  fake.members.set(ALICE, []);
  fake.members.set(BOB, []);
  sim = await startKreaSimulator({ jobDurationMs: 500 });
  bot = await startDiscordTestBot(fake, sim, { prefix: uniquePrefix('discord-exp') });
}, 30_000);

afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
});

describe('one voice: Discord users read only Discord syntax', () => {
  it('help names /models and options, never /genbot or flags', async () => {
    const help = await answerOf(command('help', []));
    expect(help).toContain('`/models`');
    expect(help).toContain('`/help command:generate`');
    expect(help).not.toMatch(SLACK_SYNTAX);
    const generate = await answerOf(command('help', [str('command', 'generate')]));
    expect(generate).toContain('`aspect_ratio`');
    expect(generate).toContain('`/generate prompt:a red fox at dawn aspect_ratio:16:9`');
    expect(generate).not.toMatch(/\(1-4\)/);
    expect(generate).not.toMatch(SLACK_SYNTAX);
  });

  it('three errors, each naming Discord’s commands and options', async () => {
    const unknownModel = await answerOf(command('generate', [str('prompt', 'a fox'), str('model', 'image/bfl/flux-dev')]));
    expect(unknownModel).toContain('See them all with `/models`');
    const notVideo = await answerOf(command('generate', [str('prompt', 'waves'), { name: 'duration', type: 10, value: 4 }]));
    expect(notVideo).toContain('`duration` is for videos: add `video:True`.');
    const noValue = await answerOf(command('settings', [str('setting', 'image_model')], ALICE, MANAGE_GUILD_BITS));
    expect(noValue).toContain('`/settings setting:image_model …`');
    const badRatio = await answerOf(command('generate', [str('prompt', 'a fox'), str('aspect_ratio', 'wide')]));
    expect(badRatio).toContain('`aspect_ratio` must look like `16:9`');
    for (const text of [unknownModel, notVideo, noValue, badRatio]) expect(text).not.toMatch(SLACK_SYNTAX);
  });
});

describe('direct messages', () => {
  it('/generate in a DM with the bot: the status and the result are posted in the DM (no thread there)', async () => {
    const dm = fake.dmChannelOf(ALICE);
    const id = fake.sendDmInteraction({ type: 2, userId: ALICE, data: { id: '1', name: 'generate', type: 1, options: [str('prompt', 'a fox in my DM')] } });
    expect((await until(fake, () => fake.callbackOf(id), 'the deferral')).body).toEqual({ type: 5, data: { flags: 64 } });
    const status = await until(fake, () => botMessagesIn(dm).find((m) => m.content.includes('a fox in my DM')), 'the status in the DM');
    await until(fake, () => fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${dm}/messages` && c.files.length > 0), 'the result in the DM', 40_000);
    await until(fake, () => JSON.stringify(fake.messages.get(status.id)?.components).includes('gb1|variations|'), 'the finished status');
    expect(fake.callsTo('POST', new RegExp(`^/channels/${dm}/messages/\\d+/threads$`))).toEqual([]);
  }, 60_000);

  it('a plain message in the DM is a prompt (flags included), and `help` answers there in Discord’s syntax', async () => {
    const dm = fake.dmChannelOf(BOB);
    fake.sendDirectMessage(BOB, 'a heron at dawn --ar 16:9');
    const status = await until(fake, () => botMessagesIn(dm).find((m) => m.content.includes('a heron at dawn')), 'the status in the DM');
    expect(status.content).not.toMatch(SLACK_SYNTAX);
    await until(fake, () => fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${dm}/messages` && c.files.length > 0), 'the result in the DM', 40_000);
    const submit = sim.requests().find((r) => JSON.stringify(r.body ?? '').includes('a heron at dawn'));
    expect(JSON.stringify(submit?.body)).toMatch(/"width":1360|"aspect_ratio":"16:9"/);
    fake.sendDirectMessage(BOB, 'help');
    const help = await until(fake, () => botMessagesIn(dm).find((m) => m.content.includes('/models')), 'the help in the DM');
    expect(help.content).toContain('direct message');
    expect(help.content).not.toMatch(SLACK_SYNTAX);
  }, 60_000);
});

describe('missing permissions', () => {
  it('a link to a channel where the bot cannot read history: the reply names the permission to grant', async () => {
    const locked = nextSnowflake();
    fake.denyBot(locked, 1n << 16n, 'locked');
    const there = fake.addMessage(locked, 'a picture', [fake.addAttachment('locked.png', 'image/png', renderPng(32, 24, 'locked'))]);
    const answer = await answerOf(command('animate', [str('message_link', `https://discord.com/channels/${GUILD_ID}/${locked}/${there.id}`)]));
    expect(answer).toContain("I don't have the permissions I need in that channel. Ask a server admin to give me **Read Message History** there");
    expect(answer).not.toMatch(/Something went wrong|\/invite/);
  });

  it('/generate where the bot cannot post: nothing is spent, and the requester is told by DM which permissions are missing', async () => {
    const mute = nextSnowflake();
    fake.denyBot(mute, 1n << 11n, 'mute');
    const before = sim.requests().filter((r) => r.path.startsWith('/generate/')).length;
    command('generate', [str('prompt', 'a silent lake')], ALICE, '0', { id: mute, type: 0, guild_id: GUILD_ID, name: 'mute' });
    const dm = fake.dmChannelOf(ALICE);
    const told = await until(fake, () => fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${dm}/messages` && String(c.body?.['content']).includes('Send Messages')), 'the DM naming the permissions');
    expect(String(told.body?.['content'])).not.toMatch(SLACK_SYNTAX);
    expect(sim.requests().filter((r) => r.path.startsWith('/generate/')).length).toBe(before);
  });
});

describe('🎬 on an image the bot cannot see (no MessageContent intent)', () => {
  let own: FakeDiscord;
  let adapter: DiscordAdapter;

  beforeAll(async () => {
    // Its own fake and a short transient delay, so the removal is seen without waiting a minute.
    own = new FakeDiscord();
    await own.start();
    const platform = createDiscordPlatform({ token: 'discord-test-token', apiUrl: own.apiUrl, logger: silentLogger(), downloadFile: platformFiles(own.apiUrl) });
    const services = {
      queue: new MemoryQueue(), catalog: staticCatalog([]), platforms: directoryOf(platform), settings: new MemorySettings(), credentials: new MemoryCredentials(),
      messageIndex: new MemoryIndex(), providers: {}, hasDefaultCredentials: () => true, canStoreCredentials: false, clock: systemClock, logger: silentLogger(),
      limits: { jobDeadlineMs: 60_000, maxInputBytes: 1e7 }, randomSeed: () => 7,
    };
    const parsers = { fromText: parseCommandText, fromOptions: parseCommandOptions };
    const dispatcher = createDispatcher({ routes: createRoutes(services, parsers), parsers, dedupe: { claim: async () => true }, logger: silentLogger() });
    adapter = createDiscordAdapter({ token: 'discord-test-token', apiUrl: own.apiUrl, dispatcher, logger: silentLogger(), messageContentIntent: false, transientReplyMs: 400 });
    await adapter.start();
    await own.connected();
  }, 30_000);

  afterAll(async () => {
    await adapter?.stop();
    await own?.stop();
  });

  it('answers with the way that works (the Animate image command), pings only the reactor, and removes the answer', async () => {
    const photo: FakeMessage = own.addMessage(CHANNEL_ID, 'my photo', [own.addAttachment('photo.png', 'image/png', renderPng(32, 24, 'photo'))]);
    own.sendReaction({ userId: ALICE, messageId: photo.id, emoji: '🎬' });
    const reply = await until(own, () => own.calls.find((c) => c.method === 'POST' && c.path === `/channels/${CHANNEL_ID}/messages` && String(c.body?.['content']).includes('Animate image')), 'the hint');
    const content = String(reply.body?.['content']);
    expect(content.startsWith(`<@${ALICE}> `)).toBe(true);
    expect(content).toContain('Right-click the message (long-press on mobile) → **Apps** → **Animate image**');
    expect(content).not.toMatch(/could not find an image/i);
    expect(reply.body?.['allowed_mentions']).toMatchObject({ parse: [], users: [ALICE] });
    const posted = [...own.messages.values()].find((m) => m.author.id === BOT_ID && m.content.includes('Animate image'))!;
    await until(own, () => own.callsTo('DELETE', new RegExp(`^/channels/${CHANNEL_ID}/messages/${posted.id}$`))[0], 'the removal');
    expect(own.messages.has(posted.id)).toBe(false);
  });
});
