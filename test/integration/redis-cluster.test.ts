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

  it('reads a password (and TLS) from the URL, refuses a malformed one without echoing it, and runs jobs on a cluster that requires AUTH', async () => {
    expect(loadConfig({ REDIS_URL: 'rediss+cluster://:s3cret@10.0.0.5:7000,10.0.0.6:7000', REDIS_PREFIX: '{gb}' }).redisCluster).toEqual({ nodes: ['10.0.0.5:7000', '10.0.0.6:7000'], password: 's3cret', tls: true });
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.5:7000', REDIS_PREFIX: '{gb}' }).redisCluster).toEqual({ nodes: ['10.0.0.5:7000'] });
    const malformed = (() => {
      try {
        loadConfig({ REDIS_URL: 'redis+cluster://:s3cret@10.0.0.5', REDIS_PREFIX: '{gb}' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(malformed?.message).toMatch(/redis\+cluster:\/\/\[:password@\]host:port/);
    expect(malformed?.message).not.toContain('s3cret');

    const locked = await startLocalCluster(3, { password: 'cluster-pass' });
    const withAuth = await startLocalBot({ REDIS_URL: locked.url, REDIS_PREFIX: `{gba${Date.now()}}` });
    try {
      await send(withAuth, '/api/send', { text: '/generate a fox behind AUTH' });
      const done = await waitForMessage(withAuth, (m) => progressLabel(m) === 'Done', 60_000);
      expect(done).toBeTruthy();
    } finally {
      await withAuth.close();
      await locked.stop();
    }
  }, 90_000);
});
