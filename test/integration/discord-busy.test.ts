/**
 * A busy Discord channel against a fake that enforces Discord's rate limits as documented
 * (test/fakes/discord/rate-limits.ts: per-route buckets per channel, 5 message posts and 5 edits
 * per 5 s; per interaction token; 50 requests/s per bot; 429 past them): many /generate in one
 * channel at once all deliver, every interaction is answered, no request is answered 429 and no
 * status card is left with a Cancel button.
 *
 * What it proves: the bot stays inside Discord's limits in a busy channel by reading the
 * X-RateLimit-* headers with one @discordjs/rest client per process (status posts, threads,
 * progress and final edits share what Discord said about each bucket) and by dropping a progress
 * edit that would wait for a limited bucket. Checked by breaking each side on purpose: it fails
 * (429s listed by route) with two REST clients that spend the same channel's bucket unaware of each
 * other (the platform as it was), with a client that ignores the headers, with a fake that enforces
 * fewer edits than its headers announce, and with a global limit below the 50/s discord.js assumes.
 * It passes, only slower, when the fake announces stricter limits honestly (2 edits per 5 s).
 * Progress pacing in jobs/steps/turn.ts only thins edits here: without it discord.js still drops
 * the progress edits a limited bucket cannot take, so it is not what keeps this test free of 429s.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettingsStore } from '../../adapters/redis/stores.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { silentLogger } from '../../src/logger.js';
import type { RunningBot } from '../../src/main/compose.js';
import { APP_ID, BOT_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, type FakeMessage } from '../fakes/discord/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';
import { startDiscordTestBot } from '../helpers/platform-bot.js';

const JOBS = 14;
const USERS = ['200000000000000041', '200000000000000042', '200000000000000043'];
let fake: FakeDiscord;
let sim: KreaSimulator;
let bot: RunningBot;
let redis: Redis;

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  for (const user of USERS) fake.members.set(user, []);
  sim = await startKreaSimulator({ jobDurationMs: 300 });
  const prefix = uniquePrefix('discord-busy');
  redis = new Redis(testRedisUrl());
  // An admin raised the server's limit: the burst runs at once.
  await createSettingsStore({ redis, prefix, logger: silentLogger() }).update({ platform: 'discord', workspaceId: GUILD_ID }, { maxConcurrentJobs: 50 });
  bot = await startDiscordTestBot(fake, sim, { prefix });
}, 30_000);

afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
  redis?.disconnect();
});

async function until<T>(fn: () => T | undefined | false, what: string, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; 429s so far: ${JSON.stringify(fake.rateLimits.limited)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const components = (m: FakeMessage | undefined) => JSON.stringify(m?.components ?? '');

describe('a busy Discord channel under Discord’s rate limits', () => {
  it(`${JOBS} /generate in one channel at once: all delivered, no 429, every card final`, async () => {
    const interactions = Array.from({ length: JOBS }, (_, i) =>
      fake.sendInteraction({ type: 2, userId: USERS[i % USERS.length]!, data: { id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: `busy harbor ${i}` }] } }),
    );
    // Every interaction is acknowledged (deferred within Discord's 3 s) and told where to look.
    await until(() => interactions.every((id) => fake.callbackOf(id)), 'every interaction callback', 10_000);
    const answered = (id: string) => fake.calls.some((c) => c.method === 'PATCH' && c.path.startsWith(`/webhooks/${APP_ID}/tok-${id}/messages/`));
    await until(() => interactions.every(answered), 'every deferred answer');

    // One status card per job, posted in the channel, each with its own thread.
    const statuses = await until(() => {
      const cards = [...fake.messages.values()].filter((m) => m.channel_id === CHANNEL_ID && m.author.id === BOT_ID && /busy harbor \d+/.test(m.content));
      return cards.length === JOBS && cards;
    }, 'every status message');
    expect(new Set(statuses.map((m) => /busy harbor (\d+)/.exec(m.content)![1])).size).toBe(JOBS);
    const threads = await until(() => {
      const ids = statuses.map((m) => fake.threads.get(m.id));
      return ids.every(Boolean) && (ids as string[]);
    }, 'every thread');

    // Every result lands in its job's thread.
    const uploadsIn = (thread: string) => fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${thread}/messages` && c.files.length > 0);
    await until(() => threads.every((t) => uploadsIn(t).length > 0), 'every result');
    // Every card reaches its final state: buttons for the result, no Cancel left behind.
    await until(() => statuses.every((m) => components(fake.messages.get(m.id)).includes('gb1|variations|')), 'every final edit');
    for (const m of statuses) expect(components(fake.messages.get(m.id))).not.toContain('gb1|cancel|');

    expect(fake.rateLimits.limited).toEqual([]);
    // One upload per job; edits of the cards stay few (progress is paced, and dropped on a limited bucket).
    expect(threads.map((t) => uploadsIn(t).length)).toEqual(threads.map(() => 1));
    const edits = fake.calls.filter((c) => c.method === 'PATCH' && statuses.some((m) => c.path === `/channels/${CHANNEL_ID}/messages/${m.id}`));
    expect(edits.length / JOBS).toBeLessThanOrEqual(3);
  }, 120_000);
});
