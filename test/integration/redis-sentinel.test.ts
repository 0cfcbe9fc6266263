/**
 * The whole bot on Redis behind Sentinel (REDIS_URL=redis+sentinel://…/master): jobs complete
 * through the master the sentinel names, and after the master dies and the sentinel promotes its
 * replica, the same running bot follows it and completes new jobs.
 */
import type { WebMessage } from '../../adapters/web/store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { RunningBot } from '../../src/main/compose.js';
import { messages, progressLabel, send, startLocalBot, waitForMessage } from '../helpers/local-bot.js';
import { startLocalSentinel, type LocalSentinel } from '../helpers/redis-sentinel.js';

let sentinel: LocalSentinel;
let bot: RunningBot;

beforeAll(async () => {
  sentinel = await startLocalSentinel();
  bot = await startLocalBot({ REDIS_URL: sentinel.url, REDIS_PREFIX: `gb${Date.now()}` });
}, 60_000);
afterAll(async () => {
  await bot?.close();
  await sentinel?.stop();
});

const done = (all: WebMessage[]) => all.filter((x) => progressLabel(x) === 'Done').length;

describe('Redis Sentinel', () => {
  it('reads the sentinels and the master from the URL or from REDIS_SENTINELS, and refuses what cannot work', () => {
    expect(loadConfig({ REDIS_URL: 'redis+sentinel://:s3cret@10.0.0.5:26379,10.0.0.6:26379/cache' }).redisSentinel).toEqual({ nodes: ['10.0.0.5:26379', '10.0.0.6:26379'], master: 'cache', password: 's3cret' });
    expect(loadConfig({ REDIS_SENTINELS: '10.0.0.5:26379', REDIS_SENTINEL_MASTER: 'cache' }).redisSentinel).toEqual({ nodes: ['10.0.0.5:26379'], master: 'cache' });
    expect(() => loadConfig({ REDIS_URL: 'redis+sentinel://10.0.0.5:26379' })).toThrow(/redis\+sentinel:\/\/\[:password@\]host:port/);
    expect(() => loadConfig({ REDIS_URL: 'redis+cluster://10.0.0.5:7000', REDIS_PREFIX: '{gb}', REDIS_SENTINELS: '10.0.0.5:26379' })).toThrow(ConfigError);
    // The password never reaches the message of a refused configuration.
    const err = (() => {
      try {
        loadConfig({ REDIS_URL: 'redis+sentinel://:s3cret@10.0.0.5:26379' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).not.toContain('s3cret');
  });

  it('runs generations through the master, and after a failover through the promoted replica', async () => {
    for (let i = 0; i < 3; i++) await send(bot, '/api/send', { text: `/generate sentinel fox ${i}` });
    await waitForMessage(bot, (_m, all) => done(all) === 3, 60_000);

    const before = sentinel.masterPort();
    sentinel.killMaster();
    const t0 = Date.now();
    while (sentinel.masterPort() === before && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
    expect(sentinel.masterPort()).not.toBe(before);

    for (let i = 0; i < 3; i++) await send(bot, '/api/send', { text: `/generate after failover ${i}` });
    await waitForMessage(bot, (_m, msgs) => done(msgs) === 6, 60_000);
    const results = (await messages(bot)).filter((m) => m.files.length > 0);
    expect(results).toHaveLength(6);
    expect(results.every((m) => m.files[0]?.mimeType === 'image/png')).toBe(true);
  }, 120_000);
});
