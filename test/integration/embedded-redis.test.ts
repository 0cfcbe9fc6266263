/** Local mode's private redis-server: starts on a free port with AOF in its data dir, answers, stops. */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisBinaryMissing, redisAnswers, startEmbeddedRedis } from '../../src/main/embedded-redis.js';

describe('embedded redis', () => {
  it('starts on loopback with AOF and noeviction under its data dir, keeps data across a restart, and stops with the bot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genbot-redis-'));
    const redis = await startEmbeddedRedis({ dataDir: dir });
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(redis.url).not.toBe('redis://127.0.0.1:6379');
    expect(await redisAnswers(redis.url)).toBe(true);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await client.set('survives', 'yes');
    client.disconnect();
    await redis.stop();
    expect(await redisAnswers(redis.url)).toBe(false);
    expect(existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('appendonly'))).toBe(true);

    // Same data dir, next start (a chosen port this time): the AOF brings the data back.
    const again = await startEmbeddedRedis({ dataDir: dir, port: redis.port });
    expect(again.url).toBe(redis.url);
    const reader = new Redis(again.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await reader.connect();
    expect(await reader.get('survives')).toBe('yes');
    reader.disconnect();
    await again.stop();
  });

  it('says how to get Redis when no redis-server binary exists', async () => {
    const failure = startEmbeddedRedis({ dataDir: mkdtempSync(join(tmpdir(), 'genbot-redis-')), binary: 'no-such-redis-server' });
    await expect(failure).rejects.toBeInstanceOf(RedisBinaryMissing);
    await expect(failure).rejects.toThrow(/apt-get install redis-server.*brew install redis.*REDIS_URL/s);
  });

  it('explains why redis-server refused to start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genbot-redis-'));
    const first = await startEmbeddedRedis({ dataDir: dir });
    try {
      // The port is taken: redis-server exits, and its own reason is in the error.
      await expect(startEmbeddedRedis({ dataDir: mkdtempSync(join(tmpdir(), 'genbot-redis-')), port: first.port })).rejects.toThrow(/exited with code 1: .*Address already in use/);
    } finally {
      await first.stop();
    }
  });
});
