/** The Redis stores against a real Redis: dedupe, encryption at rest, settings, budgets shared across clients, quotas, purge. */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createCredentialStore,
  createDedupeStore,
  createEditBudget,
  createEncryptedKeyValueStore,
  createKeyValueStore,
  createMessageIndex,
  createQuotaStore,
  createSettingsStore,
  DEFAULT_WORKSPACE_SETTINGS,
  MESSAGE_INDEX_TTL_SECONDS,
  purgeWorkspace,
} from '../../adapters/redis/stores.js';
import { createLedger, LEDGER_DAYS } from '../../adapters/redis/ledger.js';
import { createSecretBox } from '../../src/crypto-box.js';
import { UserError } from '../../src/errors.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { WorkspaceRef } from '../../src/model.js';
import type { LedgerEntry } from '../../src/ports.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';

const W: WorkspaceRef = { platform: 'slack', workspaceId: 'T1' };
const OTHER: WorkspaceRef = { platform: 'slack', workspaceId: 'T2' };
const SAME_ID_ON_DISCORD: WorkspaceRef = { platform: 'discord', workspaceId: 'T1' };
const SECRET = 'krea-secret-123456';
let redis: Redis;
let prefix: string;
const extraClients: Redis[] = [];

function client(): Redis {
  const c = new Redis(testRedisUrl());
  extraClients.push(c);
  return c;
}

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

async function allKeys(): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

beforeEach(() => {
  redis = new Redis(testRedisUrl());
  prefix = uniquePrefix('stores');
});
afterEach(async () => {
  const keys = await allKeys();
  if (keys.length > 0) await redis.del(...keys);
  for (const c of extraClients.splice(0)) await c.quit();
  await redis.quit();
});

describe('dedupe', () => {
  it('lets exactly one of many concurrent claims through, across processes, until it expires', async () => {
    const a = createDedupeStore({ redis, prefix });
    const b = createDedupeStore({ redis: client(), prefix });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('event-1', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.claim('event-2', 60)).toBe(true);
    const ttl = await redis.ttl(`${prefix}:dedupe:event-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});

describe('credentials', () => {
  it('stores only ciphertext, reads it back, and keeps workspaces and platforms apart', async () => {
    const box = createSecretBox(randomBytes(32));
    const store = createCredentialStore({ redis, prefix, box, logger: silentLogger() });
    await store.set(W, 'krea', { apiKey: SECRET });
    const keys = await allKeys();
    expect(keys).toEqual([`${prefix}:ws:slack:T1:credentials`]);
    const raw = await redis.hgetall(keys[0]!);
    expect(raw['krea']).toMatch(/^v1\./);
    expect(JSON.stringify(raw)).not.toContain(SECRET);
    expect(await store.get(W, 'krea')).toEqual({ apiKey: SECRET });
    expect(await store.get(W, 'krev')).toBeUndefined();
    expect(await store.get(OTHER, 'krea')).toBeUndefined();
    expect(await store.get(SAME_ID_ON_DISCORD, 'krea')).toBeUndefined();
    await store.delete(W, 'krea');
    expect(await store.get(W, 'krea')).toBeUndefined();
  });

  it('a key that no longer decrypts reads as absent and is logged once, without the secret', async () => {
    const first = createCredentialStore({ redis, prefix, box: createSecretBox(randomBytes(32)), logger: silentLogger() });
    await first.set(W, 'krea', { apiKey: SECRET });
    const { logger, lines } = capturingLogger();
    const rotated = createCredentialStore({ redis, prefix, box: createSecretBox(randomBytes(32)), logger });
    expect(await rotated.get(W, 'krea')).toBeUndefined();
    expect(await rotated.get(W, 'krea')).toBeUndefined();
    logger.flush();
    const warnings = lines.filter((l) => l.includes('could not be decrypted'));
    expect(warnings).toHaveLength(1);
    expect(lines.join('')).not.toContain(SECRET);
    // Storing a new key under the new encryption key works again.
    await rotated.set(W, 'krea', { apiKey: 'new-key' });
    expect(await rotated.get(W, 'krea')).toEqual({ apiKey: 'new-key' });
  });

  it('during a rotation, keys sealed with the previous key still work and are re-sealed with the new one', async () => {
    const oldKey = randomBytes(32);
    await createCredentialStore({ redis, prefix, box: createSecretBox(oldKey), logger: silentLogger() }).set(W, 'krea', { apiKey: SECRET });
    const box = createSecretBox(randomBytes(32), { previousKeys: [oldKey] });
    const store = createCredentialStore({ redis, prefix, box, logger: silentLogger() });
    expect(await store.get(W, 'krea')).toEqual({ apiKey: SECRET });
    const stored = await redis.hget(`${prefix}:ws:slack:T1:credentials`, 'krea');
    expect(box.isCurrent(stored!)).toBe(true);
    // The old key alone can no longer read it: the old key can now be dropped.
    expect(await createCredentialStore({ redis, prefix, box: createSecretBox(oldKey), logger: silentLogger() }).get(W, 'krea')).toBeUndefined();
  });

  it('without BOT_ENCRYPTION_KEY, refuses to store (telling the admin what to set) and reads nothing', async () => {
    await createCredentialStore({ redis, prefix, box: createSecretBox(randomBytes(32)), logger: silentLogger() }).set(W, 'krea', { apiKey: SECRET });
    const store = createCredentialStore({ redis, prefix, box: undefined, logger: silentLogger() });
    const err = await store.set(W, 'krea', { apiKey: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).userMessage).toContain('BOT_ENCRYPTION_KEY');
    expect(await store.get(W, 'krea')).toBeUndefined();
  });
});

describe('encrypted key/value', () => {
  it('seals values (e.g. Slack installations with bot tokens), keeps TTLs, and reads absent under another key', async () => {
    const kv = createKeyValueStore({ redis, prefix });
    const box = createSecretBox(randomBytes(32));
    const secrets = createEncryptedKeyValueStore(kv, box);
    const installation = JSON.stringify({ team: 'T1', bot: { token: 'xoxb-very-secret' } });
    await secrets.set('slack:installation:T1', installation, 3600);
    const raw = await redis.get(`${prefix}:kv:slack:installation:T1`);
    expect(raw).not.toContain('xoxb-very-secret');
    expect(await secrets.get('slack:installation:T1')).toBe(installation);
    expect(await redis.ttl(`${prefix}:kv:slack:installation:T1`)).toBeGreaterThan(3000);
    expect(await createEncryptedKeyValueStore(kv, createSecretBox(randomBytes(32))).get('slack:installation:T1')).toBeUndefined();
    await secrets.delete('slack:installation:T1');
    expect(await kv.get('slack:installation:T1')).toBeUndefined();
  });
});

describe('settings', () => {
  it('start at the defaults, keep updates per workspace, and refuse invalid values', async () => {
    const settings = createSettingsStore({ redis, prefix, logger: silentLogger() });
    expect(await settings.get(W)).toEqual(DEFAULT_WORKSPACE_SETTINGS);
    expect(await settings.update(W, { animateEmoji: 'movie_camera' })).toMatchObject({ animateEmoji: 'movie_camera', cancelEmoji: 'x' });
    expect((await settings.get(W)).animateEmoji).toBe('movie_camera');
    expect((await settings.get(OTHER)).animateEmoji).toBe('clapper');
    await expect(settings.update(W, { maxConcurrentJobs: 0 })).rejects.toBeInstanceOf(UserError);
    await expect(settings.update(W, { animateEmoji: ':clapper:' })).rejects.toThrow(/animateEmoji/);
    await settings.delete(W);
    expect(await settings.get(W)).toEqual(DEFAULT_WORKSPACE_SETTINGS);
  });

  it('uses the defaults passed in', async () => {
    const settings = createSettingsStore({ redis, prefix, logger: silentLogger(), defaults: { ...DEFAULT_WORKSPACE_SETTINGS, maxConcurrentJobs: 2 } });
    expect((await settings.get(W)).maxConcurrentJobs).toBe(2);
  });

  it('two admins changing different settings at once both win', async () => {
    const a = createSettingsStore({ redis, prefix, logger: silentLogger() });
    const b = createSettingsStore({ redis: client(), prefix, logger: silentLogger() });
    await Promise.all([a.update(W, { animateEmoji: 'film_frames' }), b.update(W, { defaultImageModel: 'image/google/imagen-4' })]);
    expect(await a.get(W)).toMatchObject({ animateEmoji: 'film_frames', defaultImageModel: 'image/google/imagen-4' });
  });

  it('bad stored data falls back to the default for that field, keeps the rest, and is logged', async () => {
    const { logger, lines } = capturingLogger();
    const settings = createSettingsStore({ redis, prefix, logger });
    await settings.update(W, { cancelEmoji: 'octagonal_sign' });
    await redis.hset(`${prefix}:ws:slack:T1:settings`, 'maxConcurrentJobs', '"lots"', 'defaultVideoModel', '{not json', 'unknownField', '1');
    expect(await settings.get(W)).toEqual({ ...DEFAULT_WORKSPACE_SETTINGS, cancelEmoji: 'octagonal_sign' });
    logger.flush();
    expect(lines.join('')).toContain('stored settings were invalid');
  });
});

describe('message index', () => {
  it('remembers bot messages with a TTL; deleteWorkspace drops only that index', async () => {
    const index = createMessageIndex({ redis, prefix });
    const settings = createSettingsStore({ redis, prefix, logger: silentLogger() });
    await settings.update(W, { animateEmoji: 'tada' });
    const msg = { ...W, channelId: 'C1', messageId: '1.2' };
    const entry = { jobId: 'g-1', role: 'result' as const, requesterId: 'U1', media: [{ url: 'https://files.example/a.png', source: 'slack' as const }] };
    await index.remember(msg, entry);
    expect(await index.lookup(msg)).toEqual(entry);
    expect(await index.lookup({ ...msg, messageId: '9.9' })).toBeUndefined();
    const ttl = await redis.ttl(`${prefix}:ws:slack:T1:msg:C1:1.2`);
    expect(ttl).toBeGreaterThan(MESSAGE_INDEX_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(MESSAGE_INDEX_TTL_SECONDS);
    await index.deleteWorkspace(W);
    expect(await index.lookup(msg)).toBeUndefined();
    expect((await settings.get(W)).animateEmoji).toBe('tada');
  });
});

describe('edit budget', () => {
  it('is one bucket for all processes: a burst takes only the capacity, then refills with the clock', async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const skipped: string[] = [];
    const a = createEditBudget({ redis, prefix, clock, onSkipped: (id) => skipped.push(id) });
    const b = createEditBudget({ redis: client(), prefix, clock, onSkipped: (id) => skipped.push(id) });
    // Slack default: capacity 10, 40/min.
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).tryTake(W)));
    expect(burst.filter(Boolean)).toHaveLength(10);
    expect(skipped).toHaveLength(20);
    expect(await a.tryTake(OTHER)).toBe(true); // another workspace has its own bucket
    now += 1_500; // 40/min = one per 1.5 s
    expect(await b.tryTake(W)).toBe(true);
    expect(await a.tryTake(W)).toBe(false);
    now += 60_000; // a full minute refills to capacity, not beyond
    const later = await Promise.all(Array.from({ length: 30 }, () => a.tryTake(W)));
    expect(later.filter(Boolean)).toHaveLength(10);
  });

  it('sizes buckets per platform', async () => {
    const clock = { now: () => 5_000 };
    const budget = createEditBudget({ redis, prefix, clock, perPlatform: { slack: { capacity: 3 }, discord: { capacity: 2, perMinute: 10 } } });
    const slack = await Promise.all(Array.from({ length: 6 }, () => budget.tryTake(W)));
    const discord = await Promise.all(Array.from({ length: 6 }, () => budget.tryTake(SAME_ID_ON_DISCORD)));
    expect(slack.filter(Boolean)).toHaveLength(3);
    expect(discord.filter(Boolean)).toHaveLength(2);
  });
});

describe('quotas', () => {
  const DAY = 24 * 3600 * 1000;
  const job = (n: number, userId = 'UALICE', estimate?: { amount: number; unit: 'credits' | 'compute_units' }) => ({ workspace: W, userId, jobId: `g-${n}`, ...(estimate ? { estimate } : {}) });

  it('counts a person\'s jobs per day atomically across processes, and resets the next day', async () => {
    let now = Date.UTC(2030, 0, 1, 12);
    const clock = { now: () => now };
    const a = createQuotaStore({ redis, prefix, clock });
    const b = createQuotaStore({ redis: client(), prefix, clock });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).reserve(job(i), { maxJobsPerUserPerDay: 3 })));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, limit: 'user_daily_jobs', max: 3, used: 3, resetsAt: Date.UTC(2030, 0, 2) });
    // Somebody else has their own count.
    expect((await a.reserve(job(20, 'UBOB'), { maxJobsPerUserPerDay: 3 })).ok).toBe(true);
    // A job that charged nothing gives its place back; one that charged keeps it.
    const started = results.map((r, i) => (r.ok ? i : -1)).filter((i) => i >= 0);
    await a.settle(job(started[0]!), { charged: 'no' });
    await a.settle(job(started[0]!), { charged: 'no' }); // settling twice counts once
    await a.settle(job(started[1]!), { charged: 'yes' });
    expect((await a.reserve(job(30), { maxJobsPerUserPerDay: 3 })).ok).toBe(true);
    expect((await a.reserve(job(31), { maxJobsPerUserPerDay: 3 })).ok).toBe(false);
    now += DAY;
    expect((await a.reserve(job(32), { maxJobsPerUserPerDay: 3 })).ok).toBe(true);
    expect((await a.usage(W, 'UALICE')).jobsToday).toBe(1);
  });

  it('limits the jobs one person runs at once; ending one frees a place', async () => {
    const quota = createQuotaStore({ redis, prefix: `${prefix}c`, clock: { now: () => Date.UTC(2030, 2, 1) } });
    expect((await quota.reserve(job(1), { maxConcurrentPerUser: 2 })).ok).toBe(true);
    expect((await quota.reserve(job(2), { maxConcurrentPerUser: 2 })).ok).toBe(true);
    expect(await quota.reserve(job(3), { maxConcurrentPerUser: 2 })).toEqual({ ok: false, limit: 'user_concurrent', max: 2, used: 2 });
    await quota.settle(job(1), { charged: 'yes' });
    expect((await quota.reserve(job(3), { maxConcurrentPerUser: 2 })).ok).toBe(true);
  });

  it('keeps the daily spend per unit: estimates count at once, actual costs replace them, refunds give them back', async () => {
    const clock = { now: () => Date.UTC(2030, 5, 1, 8) };
    const quota = createQuotaStore({ redis, prefix: `${prefix}s`, clock });
    const limits = { dailySpend: { credits: 500 } };
    expect((await quota.reserve(job(1, 'UALICE', { amount: 400, unit: 'credits' }), limits)).ok).toBe(true);
    // A burst cannot overshoot: the first job's estimate already counts.
    expect(await quota.reserve(job(2, 'UALICE', { amount: 200, unit: 'credits' }), limits)).toMatchObject({ ok: false, limit: 'daily_spend', max: 500, used: 400, unit: 'credits' });
    // Another unit has its own limit (none here).
    expect((await quota.reserve(job(3, 'UALICE', { amount: 9000.5, unit: 'compute_units' }), limits)).ok).toBe(true);
    await quota.settle(job(1, 'UALICE', { amount: 400, unit: 'credits' }), { charged: 'yes', cost: { amount: 80, unit: 'credits' } });
    expect((await quota.usage(W)).today).toEqual({ credits: 80, compute_units: 9000.5 });
    expect((await quota.reserve(job(2, 'UALICE', { amount: 200, unit: 'credits' }), limits)).ok).toBe(true);
    await quota.settle(job(2, 'UALICE', { amount: 200, unit: 'credits' }), { charged: 'no' });
    const usage = await quota.usage(W, 'UALICE');
    expect(usage.today).toEqual({ credits: 80, compute_units: 9000.5 });
    expect(usage.month).toEqual({ credits: 80, compute_units: 9000.5 });
    expect(usage.resetsAt).toBe(Date.UTC(2030, 5, 2));
    expect((await quota.reserve(job(9, 'UALICE', { amount: 1, unit: 'credits' }), {})).ok).toBe(true);
  });
});

describe('ledger', () => {
  const DAY = 24 * 3600_000;
  const entry = (jobId: string, userId: string, finishedAt: number): LedgerEntry => ({ jobId, userId, createdAt: finishedAt - 5000, finishedAt, provider: 'krea', modelId: 'image/bfl/flux-1-dev', kind: 'image', prompt: `fox ${jobId}`, state: 'succeeded', charged: 'yes', cost: { amount: 3, unit: 'compute_units' } });

  it('lists newest first and per person; the same job recorded again (a re-run after a crash) stays one entry', async () => {
    const ledger = createLedger({ redis, prefix });
    const t = Date.UTC(2030, 0, 10);
    await ledger.record(W, entry('g-1', 'UALICE', t));
    await ledger.record(W, entry('g-2', 'UBOB', t + 1000));
    await ledger.record(W, entry('g-1', 'UALICE', t));
    await ledger.record(OTHER, entry('g-3', 'UALICE', t));
    expect((await ledger.list(W, {})).map((e) => e.jobId)).toEqual(['g-2', 'g-1']);
    expect((await ledger.list(W, { userId: 'UALICE' })).map((e) => e.jobId)).toEqual(['g-1']);
  });

  it(`forgets entries older than ${LEDGER_DAYS} days as new ones arrive`, async () => {
    const ledger = createLedger({ redis, prefix });
    const t = Date.UTC(2030, 5, 1);
    await ledger.record(W, entry('g-old', 'UALICE', t - (LEDGER_DAYS + 1) * DAY));
    await ledger.record(W, entry('g-recent', 'UALICE', t - (LEDGER_DAYS - 1) * DAY));
    await ledger.record(W, entry('g-new', 'UALICE', t));
    expect((await ledger.list(W, {})).map((e) => e.jobId)).toEqual(['g-new', 'g-recent']);
  });
});

describe('purge', () => {
  it('removes every key of that workspace and nothing of any other', async () => {
    const box = createSecretBox(randomBytes(32));
    const clock = { now: () => Date.UTC(2030, 0, 1) };
    const tricky: WorkspaceRef = { platform: 'slack', workspaceId: 'T*' };
    for (const w of [W, OTHER, SAME_ID_ON_DISCORD, tricky]) {
      await createCredentialStore({ redis, prefix, box, logger: silentLogger() }).set(w, 'krea', { apiKey: SECRET });
      await createSettingsStore({ redis, prefix, logger: silentLogger() }).update(w, { animateEmoji: 'tada' });
      await createMessageIndex({ redis, prefix }).remember({ ...w, channelId: 'C1', messageId: '1.2' }, { jobId: 'g', role: 'result', requesterId: 'U1', media: [] });
      await createEditBudget({ redis, prefix, clock }).tryTake(w);
      await createQuotaStore({ redis, prefix, clock }).reserve({ workspace: w, userId: 'U1', jobId: 'g-1', estimate: { amount: 1, unit: 'credits' } }, {});
    }
    const before = await allKeys();
    // credentials, settings, message index, edit budget, and the quota's day, month, running set and reservation
    expect(before.filter((k) => k.startsWith(`${prefix}:ws:slack:T1:`))).toHaveLength(8);

    // A workspace id with glob characters does not widen the pattern.
    expect(await purgeWorkspace({ redis, prefix }, tricky)).toBe(8);
    expect(await purgeWorkspace({ redis, prefix }, W)).toBe(8);
    const after = await allKeys();
    expect(after.filter((k) => k.startsWith(`${prefix}:ws:slack:T1:`))).toEqual([]);
    expect(after).toHaveLength(before.length - 16);
    expect(await createCredentialStore({ redis, prefix, box, logger: silentLogger() }).get(OTHER, 'krea')).toEqual({ apiKey: SECRET });
    expect(await createCredentialStore({ redis, prefix, box, logger: silentLogger() }).get(SAME_ID_ON_DISCORD, 'krea')).toEqual({ apiKey: SECRET });
    expect((await createSettingsStore({ redis, prefix, logger: silentLogger() }).get(W)).animateEmoji).toBe('clapper');
  });
});
