/** The Redis stores against a real Redis: dedupe, encryption at rest, budgets shared across clients, purge. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEditBudget } from '../../adapters/redis/edit-budget.js';
import { createCredentialStore, createDedupeStore, createMessageIndex, createSettingsStore, purgeWorkspace } from '../../adapters/redis/stores.js';
import { createSecretBox } from '../../src/crypto-box.js';
import { silentLogger } from '../../src/logger.js';
import { DEFAULT_SETTINGS } from '../helpers/memory-services.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';

const W = { platform: 'slack' as const, workspaceId: 'T1' };
const OTHER = { platform: 'slack' as const, workspaceId: 'T2' };
let redis: Redis;
let prefix: string;

beforeEach(() => {
  redis = new Redis(testRedisUrl());
  prefix = uniquePrefix('stores');
});
afterEach(async () => {
  await purgeWorkspace({ redis, prefix }, W);
  await purgeWorkspace({ redis, prefix }, OTHER);
  redis.disconnect();
});

describe('redis stores', () => {
  it('dedupe lets exactly one of many concurrent claims through', async () => {
    const dedupe = createDedupeStore({ redis, prefix });
    const results = await Promise.all(Array.from({ length: 20 }, () => dedupe.claim('event-1', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stores provider keys encrypted: no plaintext in Redis, readable back, absent under another key', async () => {
    const box = createSecretBox(randomBytes(32));
    const store = createCredentialStore({ redis, prefix, box, logger: silentLogger() });
    await store.set(W, 'krea', { apiKey: 'krea-secret-123456' });
    const raw = await redis.hgetall(`${prefix}:ws:slack:T1:credentials`);
    expect(JSON.stringify(raw)).not.toContain('krea-secret-123456');
    expect(await store.get(W, 'krea')).toEqual({ apiKey: 'krea-secret-123456' });
    const rotated = createCredentialStore({ redis, prefix, box: createSecretBox(randomBytes(32)), logger: silentLogger() });
    expect(await rotated.get(W, 'krea')).toBeUndefined();
  });

  it('refuses to store a key when no encryption key is configured', async () => {
    const store = createCredentialStore({ redis, prefix, box: undefined, logger: silentLogger() });
    await expect(store.set(W, 'krea', { apiKey: 'x' })).rejects.toThrow(/BOT_ENCRYPTION_KEY/);
  });

  it('settings fall back to defaults and keep updates', async () => {
    const settings = createSettingsStore({ redis, prefix, defaults: DEFAULT_SETTINGS, logger: silentLogger() });
    expect(await settings.get(W)).toEqual(DEFAULT_SETTINGS);
    await settings.update(W, { animateEmoji: 'movie_camera' });
    expect((await settings.get(W)).animateEmoji).toBe('movie_camera');
    expect((await settings.get(OTHER)).animateEmoji).toBe('clapper');
  });

  it('the edit budget is one bucket for all processes and refills with time', async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const second = new Redis(testRedisUrl());
    try {
      const a = createEditBudget({ redis, prefix, clock, capacity: 5, perMinute: 60 });
      const b = createEditBudget({ redis: second, prefix, clock, capacity: 5, perMinute: 60 });
      const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).tryTake(W)));
      expect(burst.filter(Boolean)).toHaveLength(5);
      expect(await a.tryTake(OTHER)).toBe(true);
      now += 2_000; // 60/min = one per second
      expect(await b.tryTake(W)).toBe(true);
      expect(await a.tryTake(W)).toBe(true);
      expect(await a.tryTake(W)).toBe(false);
    } finally {
      second.disconnect();
    }
  });

  it('purging a workspace removes its keys and nothing else', async () => {
    const index = createMessageIndex({ redis, prefix });
    const msg = { ...W, channelId: 'C1', messageId: '1.2' };
    const other = { ...OTHER, channelId: 'C1', messageId: '1.2' };
    await index.remember(msg, { jobId: 'g-1', role: 'result', requesterId: 'U1', media: [] });
    await index.remember(other, { jobId: 'g-2', role: 'result', requesterId: 'U1', media: [] });
    expect(await redis.ttl(`${prefix}:ws:slack:T1:msg:C1:1.2`)).toBeGreaterThan(0);
    await purgeWorkspace({ redis, prefix }, W);
    expect(await index.lookup(msg)).toBeUndefined();
    expect(await index.lookup(other)).toMatchObject({ jobId: 'g-2' });
  });
});
