/**
 * Uninstall: after Slack's `app_uninstalled`, nothing of the workspace is left in Redis (stored
 * keys, settings, the message index, job records with their prompts and user ids, provider-job
 * maps, the line), and its running job is cancelled at the provider. Every key is listed before
 * and after, and every value is searched for the workspace's prompts and people.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import type { RunningBot } from '../../src/main/compose.js';
import { FakeSlack, signSlackRequest } from '../fakes/slack/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';
import { startSlackTestBot } from '../helpers/platform-bot.js';

const SECRET = 'purge-signing-secret';
const prefix = uniquePrefix('purge');
let fake: FakeSlack;
let sim: KreaSimulator;
let bot: RunningBot;
const redis = new Redis(testRedisUrl());

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  sim = await startKreaSimulator({ jobDurationMs: 400 });
  bot = await startSlackTestBot(fake, sim, { prefix, signingSecret: SECRET, env: { KREA_API_TOKEN: 'purge-krea-key', BOT_ENCRYPTION_KEY: 'ab'.repeat(32) } });
});
afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function signed(body: string, contentType: string) {
  return fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...signSlackRequest(SECRET, body) }, body });
}

const slash = (text: string, command = '/generate') =>
  signed(new URLSearchParams({ command, text, team_id: 'T1', channel_id: 'C1', user_id: 'UPRIVATE', user_name: 'private', trigger_id: `t-${Math.random()}`, response_url: `${fake.url}/respond/x` }).toString(), 'application/x-www-form-urlencoded');

/** Every key under the prefix with a text dump of its value, whatever its type. */
async function dump(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await redis.keys(`${prefix}:*`)) {
    const type = await redis.type(key);
    const value =
      type === 'string' ? await redis.get(key)
      : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
      : type === 'set' ? JSON.stringify(await redis.smembers(key))
      : type === 'zset' ? JSON.stringify(await redis.zrange(key, 0, -1))
      : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1))
      : type === 'stream' ? JSON.stringify(await redis.xrange(key, '-', '+'))
      : '';
    out.set(key, value ?? '');
  }
  return out;
}

describe('app_uninstalled', () => {
  it('removes everything of the workspace, and cancels its running job at the provider', async () => {
    expect((await slash('a finished secret fox')).status).toBe(200);
    await until(() => fake.callsTo('files.completeUploadExternal').length === 1);
    sim.control.hangJobs(1);
    expect((await slash('a running secret whale --video')).status).toBe(200);
    const running = await until(() => sim.jobs().find((j) => String(j.body['prompt']).includes('whale')));
    await bot.queue.queue.getJobCounts();

    const before = await dump();
    const mentions = (d: Map<string, string>) => [...d].filter(([k, v]) => /secret (fox|whale)|UPRIVATE|:T1:|slack:T1/.test(`${k} ${v}`)).map(([k]) => k);
    expect(mentions(before).length).toBeGreaterThan(5);
    console.log(`[purge] before: ${before.size} keys, ${mentions(before).length} of them hold the workspace's data`);

    const body = JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'Ev-uninstall', event_time: 1, event: { type: 'app_uninstalled' } });
    expect((await signed(body, 'application/json')).status).toBe(200);

    await until(() => sim.jobs().find((j) => j.job_id === running.job_id)?.cancelledAt !== undefined);
    const after = await until(async () => {
      const d = await dump();
      return mentions(d).length === 0 ? d : undefined;
    }, 20_000);
    console.log(`[purge] after: ${after.size} keys, none of them hold the workspace's data: ${[...after.keys()].map((k) => k.slice(prefix.length + 1)).join(', ')}`);
    expect(mentions(after)).toEqual([]);
  });
});
