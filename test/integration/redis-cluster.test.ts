/**
 * The whole bot on a real three-master Redis Cluster (REDIS_URL=redis+cluster://…, a hash-tag
 * prefix): jobs go through the queue, the line, the Lua scripts and the stores, and complete.
 * `npm run chaos` runs more of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { RunningBot } from '../../src/main/compose.js';
import { chaosLong } from '../helpers/chaos-mode.js';
import { progressLabel, send, startLocalBot, waitForMessage } from '../helpers/local-bot.js';
import { startLocalCluster, type LocalCluster } from '../helpers/redis-cluster.js';

let cluster: LocalCluster;
let bot: RunningBot;
const JOBS = chaosLong() ? 40 : 6;

beforeAll(async () => {
  cluster = await startLocalCluster();
  bot = await startLocalBot({ REDIS_URL: cluster.url, REDIS_PREFIX: `{gb${Date.now()}}` });
}, 60_000);
afterAll(async () => {
  await bot?.close();
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it('refuses a cluster without a hash-tag prefix, naming the fix', () => {
    expect(() => loadConfig({ REDIS_URL: cluster.url, REDIS_PREFIX: 'genbot' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: cluster.url, REDIS_PREFIX: 'genbot' })).toThrow(/hash tag .*\{genbot\}/);
  });

  it(`runs ${JOBS} generations end to end`, async () => {
    for (let i = 0; i < JOBS; i++) await send(bot, '/api/send', { text: `/generate cluster fox ${i}` });
    await waitForMessage(bot, (_m, all) => all.filter((x) => progressLabel(x) === 'Done').length === JOBS, 60_000);
    const all = await waitForMessage(bot, (m) => m.files.length > 0);
    expect(all.files[0]?.mimeType).toBe('image/png');
  }, 90_000);
});
