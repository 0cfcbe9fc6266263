/**
 * Per-workspace daily job count and spend: one hash per UTC day {jobs, spendMicros}, expiring an
 * hour after the day ends. The check and the count are one Lua script, so two processes cannot
 * both take the last job of the day. Spend is kept in micro-dollars (integers: no float drift).
 */
import type { WorkspaceRef } from '../../src/model.js';
import type { Clock, QuotaDecision, QuotaStore } from '../../src/ports.js';
import { systemClock } from '../../src/ports.js';
import { workspaceKey, type StoreOptions } from './keys.js';
import { createLuaScript } from '../../src/lua-script.js';

const DAY_MS = 24 * 3600 * 1000;
const MARGIN_SECONDS = 3600;
const MICROS = 1_000_000;

// KEYS[1] day hash; ARGV: maxJobs (-1 none), maxSpendMicros (-1 none), ttl seconds.
// Returns {ok, reasonCode (0 none, 1 jobs, 2 spend), jobs, spendMicros}.
const START = createLuaScript(`
local maxJobs = tonumber(ARGV[1])
local maxSpend = tonumber(ARGV[2])
local jobs = tonumber(redis.call('HGET', KEYS[1], 'jobs')) or 0
local spend = tonumber(redis.call('HGET', KEYS[1], 'spendMicros')) or 0
if maxJobs >= 0 and jobs >= maxJobs then return {0, 1, jobs, spend} end
if maxSpend >= 0 and spend >= maxSpend then return {0, 2, jobs, spend} end
jobs = redis.call('HINCRBY', KEYS[1], 'jobs', 1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return {1, 0, jobs, spend}
`);

// Never below zero, whatever the order of a release and a day change.
const RELEASE = createLuaScript(`
local jobs = tonumber(redis.call('HGET', KEYS[1], 'jobs')) or 0
if jobs > 0 then redis.call('HINCRBY', KEYS[1], 'jobs', -1) end
return 1
`);

export interface QuotaStoreOptions extends StoreOptions {
  clock?: Clock;
}

function checkLimit(value: number | undefined, name: string): number {
  if (value === undefined) return -1;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0`);
  return value;
}

export function createQuotaStore(options: QuotaStoreOptions): QuotaStore {
  const { redis, prefix } = options;
  const clock = options.clock ?? systemClock;
  const today = () => {
    const now = clock.now();
    const start = Math.floor(now / DAY_MS) * DAY_MS;
    return {
      day: new Date(start).toISOString().slice(0, 10),
      endsAt: start + DAY_MS,
      ttlSeconds: Math.ceil((start + DAY_MS - now) / 1000) + MARGIN_SECONDS,
    };
  };
  const key = (w: WorkspaceRef, day: string) => workspaceKey(prefix, w, 'quota', day);

  return {
    async tryStartJob(w, limits, signal): Promise<QuotaDecision> {
      signal?.throwIfAborted();
      const maxJobs = checkLimit(limits.maxJobsPerDay, 'maxJobsPerDay');
      const maxSpendUsd = checkLimit(limits.maxSpendUsdPerDay, 'maxSpendUsdPerDay');
      const maxSpendMicros = maxSpendUsd < 0 ? -1 : Math.round(maxSpendUsd * MICROS);
      const { day, endsAt, ttlSeconds } = today();
      const [ok, reason, jobs, spend] = (await START.run(redis, [key(w, day)], [Math.floor(maxJobs), maxSpendMicros, ttlSeconds])) as number[];
      const usage = { jobsToday: Number(jobs), spentUsdToday: Number(spend) / MICROS };
      if (ok === 1) return { ok: true, ...usage };
      return reason === 1
        ? { ok: false, reason: 'daily_jobs', limit: Math.floor(maxJobs), ...usage, resetsAt: endsAt }
        : { ok: false, reason: 'daily_spend', limit: maxSpendUsd, ...usage, resetsAt: endsAt };
    },
    async releaseJob(w, signal) {
      signal?.throwIfAborted();
      await RELEASE.run(redis, [key(w, today().day)], []);
    },
    async recordSpend(w, usd, signal) {
      signal?.throwIfAborted();
      if (!Number.isFinite(usd) || usd <= 0) return; // nothing billed (or a bad estimate): nothing to count
      const { day, ttlSeconds } = today();
      await redis.multi().hincrby(key(w, day), 'spendMicros', Math.round(usd * MICROS)).expire(key(w, day), ttlSeconds).exec();
    },
    async usage(w, signal) {
      signal?.throwIfAborted();
      const [jobs, spend] = await redis.hmget(key(w, today().day), 'jobs', 'spendMicros');
      return { jobsToday: Number(jobs ?? 0), spentUsdToday: Number(spend ?? 0) / MICROS };
    },
  };
}
