/**
 * The real discord.js client against a loopback fake of Discord (REST + gateway) and the Krea
 * simulator, with the real pipeline on Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApplicationCommands } from '../../adapters/discord/commands-json.js';
import { renderMp4, renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { allSpecs } from '../../commands/specs.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startBot, type RunningBot } from '../../src/main/compose.js';
import { APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, member, nextSnowflake } from '../fakes/discord/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';
import { startDiscordTestBot } from '../helpers/platform-bot.js';

const ALICE = '200000000000000011';
const BOB = '200000000000000012';
let fake: FakeDiscord;
let sim: KreaSimulator;
let bot: RunningBot;

async function until<T>(fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting; last Discord calls: ${JSON.stringify(fake.calls.slice(-6).map((c) => [c.method, c.path, c.files.length, String(c.body?.['content'] ?? '').slice(-200)]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const MANAGE_GUILD = String(1 << 5);

function interaction(data: Record<string, unknown>, user = ALICE, type = 2, extra: Record<string, unknown> = {}, permissions = '0') {
  const id = nextSnowflake();
  fake.dispatch('INTERACTION_CREATE', {
    id, application_id: APP_ID, type, data, guild_id: GUILD_ID, channel_id: CHANNEL_ID,
    channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'general' },
    member: member(user, permissions), token: `tok-${id}`, version: 1, app_permissions: '8', locale: 'en-US', entitlements: [], authorizing_integration_owners: {}, ...extra,
  });
  return id;
}

const statusMessages = (text: string) => [...fake.messages.values()].filter((m) => m.author.bot && m.content.includes(text));
const callback = (id: string) => fake.calls.find((c) => c.path.startsWith(`/interactions/${id}/`));

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  sim = await startKreaSimulator({ jobDurationMs: 600 });
  bot = await startDiscordTestBot(fake, sim, { prefix: uniquePrefix('discord') });
}, 30_000);

afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
});

describe('Discord', () => {
  it('registers the commands from the shared specs at start', () => {
    expect(fake.commands).toEqual(toApplicationCommands(allSpecs));
    const generate = (fake.commands as Array<{ name: string; options?: Array<{ name: string; type: number; autocomplete?: boolean }> }>).find((c) => c.name === 'generate')!;
    expect(generate.options!.find((o) => o.name === 'model')).toMatchObject({ type: 3, autocomplete: true });
    expect(generate.options!.filter((o) => o.type === 11).map((o) => o.name)).toEqual(['image', 'image2', 'image3']);
  });

  it('/generate: deferred, status message and thread, edits, image uploaded into the thread, final buttons', async () => {
    const id = interaction({ id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'a red fox at dawn' }, { name: 'aspect_ratio', type: 3, value: '16:9' }] });
    const cb = await until(() => callback(id));
    expect(cb.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const status = await until(() => statusMessages('a red fox at dawn')[0]);
    expect(JSON.stringify(status.components)).toContain('gb1|cancel|');
    const thread = await until(() => fake.threads.get(status.id));
    const upload = await until(() => fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${thread}/messages` && c.files.length > 0));
    expect(upload.files[0]!.bytes.subarray(1, 4).toString()).toBe('PNG');
    await until(() => JSON.stringify(fake.messages.get(status.id)?.components).includes('gb1|variations|'));
    expect(fake.callsTo('PATCH', new RegExp(`/messages/${status.id}$`)).length).toBeGreaterThanOrEqual(2);
  });

  it('answers autocomplete with at most 25 model choices', async () => {
    const id = interaction({ id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'x' }, { name: 'model', type: 3, value: 'video', focused: true }] }, ALICE, 4);
    const cb = await until(() => callback(id));
    const choices = (cb.body as { type: number; data: { choices: Array<{ value: string }> } }).data.choices;
    expect((cb.body as { type: number }).type).toBe(8);
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices.every((c) => c.value.includes('video'))).toBe(true);
  });

  it('refuses Cancel to a member without permission and honours the requester', async () => {
    sim.control.hangJobs(1); // the job must still be running when the requester clicks, however slow the machine
    interaction({ id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'a slow glacier' }, { name: 'video', type: 5, value: true }] });
    const status = await until(() => statusMessages('a slow glacier').find((m) => JSON.stringify(m.components).includes('gb1|cancel|')));
    const cancelId = /"(gb1\|cancel\|[^"]+)"/.exec(JSON.stringify(status.components))![1]!;
    const click = (user: string) => interaction({ custom_id: cancelId, component_type: 2 }, user, 3, { message: { ...status, flags: 0, type: 0, mentions: [], mention_roles: [], pinned: false, tts: false, mention_everyone: false } });
    const bobClick = click(BOB);
    const refusal = await until(() => fake.calls.find((c) => c.method === 'PATCH' && c.path.includes(`tok-${bobClick}`)));
    expect(String(refusal.body?.['content'])).toContain(`Only <@${ALICE}> or an admin can cancel this.`);
    click(ALICE);
    await until(() => fake.messages.get(status.id)?.content.includes('Cancelled by'));
    expect(fake.messages.get(status.id)!.content).toContain('not billed');
  });

  it('🎬 on an uncached message with an image starts image-to-video with that image as the start image', async () => {
    // Reading someone else's image needs the MessageContent intent switched on in the portal (the fake hides it otherwise).
    fake.messageContentEnabled = true;
    const attachment = fake.addAttachment('cat.png', 'image/png', renderPng(48, 32, 'cat'));
    const message = fake.addMessage(CHANNEL_ID, 'my cat', [attachment]);
    const assetsBefore = sim.requests().filter((r) => r.path === '/assets').length;
    for (const user of [ALICE, BOB]) {
      fake.dispatch('MESSAGE_REACTION_ADD', { user_id: user, channel_id: CHANNEL_ID, message_id: message.id, guild_id: GUILD_ID, emoji: { id: null, name: '🎬' }, member: member(user), burst: false, type: 0 });
    }
    const thread = await until(() => fake.threads.get(message.id));
    const status = await until(() => [...fake.messages.values()].find((m) => m.channel_id === thread && m.content.includes('video/')));
    expect(status.content).toContain('Bring this image to life');
    const submit = await until(() => sim.requests().find((r) => r.path.startsWith('/generate/video/') && JSON.stringify(r.body).includes('/assets/')));
    expect((submit.body as { start_image: string }).start_image).toMatch(/\/assets\/.+\/file$/);
    expect(sim.requests().filter((r) => r.path === '/assets').length).toBe(assetsBefore + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect([...fake.messages.values()].filter((m) => m.channel_id === thread && m.content.includes('Bring this image to life'))).toHaveLength(1);
    fake.messageContentEnabled = false;
  });

  it('the "Animate image" context menu does the same', async () => {
    const attachment = fake.addAttachment('dog.png', 'image/png', renderPng(48, 32, 'dog'));
    const message = fake.addMessage(CHANNEL_ID, 'my dog', [attachment]);
    interaction({ id: '9', name: 'Animate image', type: 3, target_id: message.id, resolved: { messages: { [message.id]: { ...message, type: 0, flags: 0, mentions: [], mention_roles: [], pinned: false, tts: false, mention_everyone: false } } } });
    const thread = await until(() => fake.threads.get(message.id));
    await until(() => [...fake.messages.values()].find((m) => m.channel_id === thread && m.content.includes('video/')));
  });

  it('/connect asks admins for the key in a private form and refuses everyone else', async () => {
    const asAdmin = interaction({ id: '1', name: 'connect', type: 1, options: [{ name: 'provider', type: 3, value: 'krea' }] }, ALICE, 2, {}, MANAGE_GUILD);
    const modal = await until(() => callback(asAdmin));
    expect(modal.body).toMatchObject({ type: 9, data: { custom_id: 'connect:krea' } });
    expect(JSON.stringify(modal.body)).toContain('API key');
    const asMember = interaction({ id: '1', name: 'connect', type: 1, options: [{ name: 'provider', type: 3, value: 'krea' }] }, BOB);
    const refusal = await until(() => callback(asMember));
    expect(refusal.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(refusal.body)).toContain('Only workspace admins can connect a provider key.');
  });

  it('reports the gateway in /readyz', async () => {
    const ready = (await (await fetch(`${bot.url}/readyz`)).json()) as { checks: Array<{ name: string; ok: boolean }> };
    expect(ready.checks).toContainEqual({ name: 'discord', ok: true });
  });

  it('keeps working after the gateway connection drops', async () => {
    fake.dropConnections();
    await fake.connected();
    interaction({ id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'after the reconnect' }] });
    const status = await until(() => statusMessages('after the reconnect')[0], 20_000);
    const thread = await until(() => fake.threads.get(status.id));
    await until(() => fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${thread}/messages` && c.files.length > 0));
    expect(fake.identifies + fake.resumes).toBeGreaterThanOrEqual(2);
  }, 30_000);
});

describe('Discord upload limits', () => {
  it('delivers a video larger than the guild limit as a link', async () => {
    expect(renderMp4(11 * 1024 * 1024).length).toBeGreaterThan(10 * 1024 * 1024);
    const bigSim = await startKreaSimulator({ jobDurationMs: 300, videoPadBytes: 11 * 1024 * 1024 });
    const config = loadConfig({
      REDIS_URL: testRedisUrl(), REDIS_PREFIX: uniquePrefix('discord-big'), PORT: '0', LOG_LEVEL: 'silent',
      DISCORD_TOKEN: 'discord-test-token', DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl,
      KREA_API_URL: bigSim.url, KREA_API_TOKEN: 'krea-test-key', POLL_SCALE: '0.05',
    });
    await bot.close();
    bot = await startBot({ config, logger: silentLogger(), banner: false });
    try {
      await fake.connected();
      interaction({ id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'a huge wave' }, { name: 'video', type: 5, value: true }] });
      const status = await until(() => statusMessages('a huge wave')[0], 20_000);
      const thread = await until(() => fake.threads.get(status.id));
      const link = await until(() => [...fake.messages.values()].find((m) => m.channel_id === thread && m.content.includes('too large to upload here')), 30_000);
      expect(link.content).toMatch(/\(11\.0 MB\): \[download it\]\(http/);
      expect(fake.calls.filter((c) => c.path === `/channels/${thread}/messages` && c.files.length > 0)).toEqual([]);
    } finally {
      await bigSim.close();
    }
  }, 60_000);
});
