/**
 * A busy Slack workspace against a fake that enforces Slack's published limits (Tier 3
 * chat.update, Tier 4 uploads, one chat.postMessage per second per channel; 429 past them):
 * many /generate in one channel at once all deliver, with no 429 answered and no status message
 * left with a Cancel button. A regression in pacing fails here, not in a customer's workspace.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettingsStore } from '../../adapters/redis/stores.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { silentLogger } from '../../src/logger.js';
import type { RunningBot } from '../../src/main/compose.js';
import { FakeSlack, signSlackRequest, type SlackCall } from '../fakes/slack/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';
import { startSlackTestBot } from '../helpers/platform-bot.js';

const SECRET = 'busy-signing-secret';
const JOBS = 14;
let fake: FakeSlack;
let sim: KreaSimulator;
let bot: RunningBot;
let redis: Redis;

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  sim = await startKreaSimulator({ jobDurationMs: 300 });
  const prefix = uniquePrefix('slack-busy');
  redis = new Redis(testRedisUrl());
  // An admin raised the workspace's limit: the burst runs at once, as the operator wanted.
  await createSettingsStore({ redis, prefix, logger: silentLogger() }).update({ platform: 'slack', workspaceId: 'T1' }, { maxConcurrentJobs: 50 });
  bot = await startSlackTestBot(fake, sim, { prefix, signingSecret: SECRET });
}, 30_000);

afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
  redis?.disconnect();
});

const blocksText = (c: SlackCall) => JSON.stringify(c.args['blocks'] ?? '');

async function until<T>(fn: () => T | undefined | false, what: string, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; 429s so far: ${JSON.stringify(fake.rateLimits.limited)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a busy Slack workspace under Slack’s rate limits', () => {
  it(`${JOBS} /generate in one channel within a second: all delivered, no 429, every card final`, async () => {
    const users = ['UALICE', 'UBOB', 'UCAROL'];
    await Promise.all(
      Array.from({ length: JOBS }, (_, i) => {
        const trigger = `busy-${i}`;
        const body = new URLSearchParams({ command: '/generate', text: `busy harbor ${i}`, team_id: 'T1', channel_id: 'C1', user_id: users[i % users.length]!, user_name: 'u', trigger_id: trigger, response_url: `${fake.url}/respond/${trigger}`, api_app_id: 'A1' }).toString();
        return fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) }, body }).then((r) => expect(r.status).toBe(200));
      }),
    );
    const statuses = await until(() => {
      const posts = fake.callsTo('chat.postMessage').filter((c) => c.args['channel'] === 'C1' && !c.args['thread_ts'] && /busy harbor \d+/.test(String(c.args['text'])));
      return posts.length === JOBS && posts;
    }, 'every status message');
    expect(statuses).toHaveLength(JOBS);
    // The status messages are the bot's top-level messages in C1 (their text changes with each edit).
    const threads = fake.messages.filter((m) => m.channel === 'C1' && m.user === 'UBOT' && !m.thread_ts).map((m) => m.ts);
    expect(threads).toHaveLength(JOBS);
    await until(() => threads.every((ts) => fake.callsTo('files.completeUploadExternal').some((c) => c.args['thread_ts'] === ts)), 'every result');
    // Every card reaches its final state: buttons for the result, no Cancel left behind.
    await until(() => threads.every((ts) => fake.callsTo('chat.update').some((c) => c.args['ts'] === ts && blocksText(c).includes('gb1|variations|'))), 'every final edit');
    for (const ts of threads) {
      const edits = fake.callsTo('chat.update').filter((c) => c.args['ts'] === ts);
      expect(blocksText(edits.at(-1)!)).not.toContain('gb1|cancel|');
    }
    expect(fake.rateLimits.limited).toEqual([]);
    // One upload per job, the status posted once; edits stay few (progress is paced and budgeted).
    expect(fake.callsTo('files.completeUploadExternal').length).toBe(JOBS);
    expect(fake.callsTo('chat.update').length / JOBS).toBeLessThanOrEqual(3);
  }, 120_000);
});
