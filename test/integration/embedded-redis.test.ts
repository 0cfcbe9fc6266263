/** Local mode's private redis-server: starts on a free port with AOF in its data dir, answers, stops. */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedisBinaryMissing, redisAnswers, startEmbeddedRedis } from '../../src/main/embedded-redis.js';

describe('embedded redis', () => {
  it('starts with AOF under its data dir, answers PING, and stops with the bot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genbot-redis-'));
    const redis = await startEmbeddedRedis({ dataDir: dir });
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await redisAnswers(redis.url)).toBe(true);
    await redis.stop();
    expect(await redisAnswers(redis.url)).toBe(false);
    expect(existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('appendonly'))).toBe(true);
  });

  it('says how to get Redis when no redis-server binary exists', async () => {
    await expect(startEmbeddedRedis({ dataDir: mkdtempSync(join(tmpdir(), 'genbot-redis-')), binary: 'no-such-redis-server' })).rejects.toBeInstanceOf(RedisBinaryMissing);
    expect(new RedisBinaryMissing().message).toMatch(/apt-get install redis-server.*REDIS_URL/s);
  });
});
