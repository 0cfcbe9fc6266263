/**
 * Usage and limits (src/ports.ts QuotaStore), atomic across processes in Lua:
 * - per person: jobs running now (a set) and jobs started today (a counter);
 * - per workspace: spend today and this month, per unit (compute units, credits, USD), kept in
 *   thousandths so fractional compute units add up without float drift.
 * A job is reserved before it is enqueued (its estimate counts at once, so a burst cannot
 * overshoot the daily limit) and settled when it ends: the actual cost replaces the estimate, a
 * job that charged nothing gives everything back. Settling twice counts once. Everything lives
 * under the workspace's keys, so an uninstall purge removes it.
 */
import { createLuaScript } from '../../src/lua-script.js';
import type { CostUnit } from '../../src/generation.js';
import type { WorkspaceRef } from '../../src/model.js';
import type { Clock, QuotaDecision, QuotaLimit, QuotaStore, Usage } from '../../src/ports.js';
import { systemClock } from '../../src/ports.js';
import { workspaceKey, type StoreOptions } from './keys.js';

const DAY_MS = 24 * 3600_000;
const MILLI = 1000;
/** A reservation outlives any job (deadline plus delivery window). */
const JOB_TTL_SECONDS = 3 * 24 * 3600;
const LIMITS: QuotaLimit[] = ['user_concurrent', 'user_daily_jobs', 'daily_spend'];

// KEYS: day hash, month hash, person's running set, job reservation.
// ARGV: user, job, maxConcurrent, maxDaily, unit, estimate (milli), maxSpend (milli), dayTtl, monthTtl, jobTtl, day key, month key.
// Returns {1} or {0, limit index, max, used}.
const RESERVE = createLuaScript(`
if redis.call('EXISTS', KEYS[4]) == 1 then return {1} end
local running = redis.call('SCARD', KEYS[3])
if tonumber(ARGV[3]) >= 0 and running >= tonumber(ARGV[3]) then return {0, 1, tonumber(ARGV[3]), running} end
local jobs = tonumber(redis.call('HGET', KEYS[1], 'jobs:' .. ARGV[1])) or 0
if tonumber(ARGV[4]) >= 0 and jobs >= tonumber(ARGV[4]) then return {0, 2, tonumber(ARGV[4]), jobs} end
local unit = ARGV[5]
local estimate = tonumber(ARGV[6])
if unit ~= '' and tonumber(ARGV[7]) >= 0 then
  local spent = tonumber(redis.call('HGET', KEYS[1], 'spend:' .. unit)) or 0
  if spent + estimate > tonumber(ARGV[7]) then return {0, 3, tonumber(ARGV[7]), spent} end
end
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[10]))
redis.call('HINCRBY', KEYS[1], 'jobs:' .. ARGV[1], 1)
if unit ~= '' then
  redis.call('HINCRBY', KEYS[1], 'spend:' .. unit, estimate)
  redis.call('HINCRBY', KEYS[2], 'spend:' .. unit, estimate)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[8]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[9]))
redis.call('HSET', KEYS[4], 'user', ARGV[1], 'unit', unit, 'milli', estimate, 'day', ARGV[11], 'month', ARGV[12])
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[10]))
return {1}
`);

// KEYS: job reservation, person's running set, its day hash, its month hash.
// ARGV: job, charged, actual unit ('' unknown), actual (milli).
const SETTLE = createLuaScript(`
if redis.call('HGET', KEYS[1], 'settled') == '1' then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
local user = redis.call('HGET', KEYS[1], 'user')
local unit = redis.call('HGET', KEYS[1], 'unit') or ''
local reserved = tonumber(redis.call('HGET', KEYS[1], 'milli')) or 0
local function add(u, amount)
  if u == '' or amount == 0 then return end
  for _, key in ipairs({KEYS[3], KEYS[4]}) do
    local now = redis.call('HINCRBY', key, 'spend:' .. u, amount)
    if now < 0 then redis.call('HSET', key, 'spend:' .. u, 0) end
  end
end
if ARGV[2] == 'no' then
  add(unit, -reserved)
  if user then
    local jobs = tonumber(redis.call('HGET', KEYS[3], 'jobs:' .. user)) or 0
    if jobs > 0 then redis.call('HINCRBY', KEYS[3], 'jobs:' .. user, -1) end
  end
elseif ARGV[3] ~= '' then
  add(unit, -reserved)
  add(ARGV[3], tonumber(ARGV[4]))
end
redis.call('HSET', KEYS[1], 'settled', '1')
return 1
`);

export interface QuotaStoreOptions extends StoreOptions {
  clock?: Clock;
}

const milli = (amount: number) => Math.round(amount * MILLI);
const limitOrNone = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? -1 : Math.max(0, value));

export function createQuotaStore(options: QuotaStoreOptions): QuotaStore {
  const { redis, prefix } = options;
  const clock = options.clock ?? systemClock;
  const period = () => {
    const now = clock.now();
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const iso = new Date(dayStart).toISOString();
    const date = new Date(dayStart);
    const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    return {
      day: iso.slice(0, 10),
      month: iso.slice(0, 7),
      resetsAt: dayStart + DAY_MS,
      dayTtl: Math.ceil((dayStart + DAY_MS - now) / 1000) + 3600,
      monthTtl: Math.ceil((monthEnd - now) / 1000) + 3600,
    };
  };
  const keys = (w: WorkspaceRef) => ({
    day: (day: string) => workspaceKey(prefix, w, 'quota', 'day', day),
    month: (month: string) => workspaceKey(prefix, w, 'quota', 'month', month),
    running: (userId: string) => workspaceKey(prefix, w, 'quota', 'running', userId),
    job: (jobId: string) => workspaceKey(prefix, w, 'quota', 'job', jobId),
  });
  const spendOf = (hash: Record<string, string>): Partial<Record<CostUnit, number>> =>
    Object.fromEntries(Object.entries(hash).filter(([k]) => k.startsWith('spend:')).map(([k, v]) => [k.slice(6), Number(v) / MILLI]));

  return {
    async reserve(job, limits, signal): Promise<QuotaDecision> {
      signal?.throwIfAborted();
      const k = keys(job.workspace);
      const p = period();
      const unit = job.estimate?.unit ?? '';
      const maxSpend = unit ? limitOrNone(limits.dailySpend?.[unit as CostUnit]) : -1;
      const args = [job.userId, job.jobId, limitOrNone(limits.maxConcurrentPerUser), limitOrNone(limits.maxJobsPerUserPerDay), unit, milli(job.estimate?.amount ?? 0), maxSpend < 0 ? -1 : milli(maxSpend), p.dayTtl, p.monthTtl, JOB_TTL_SECONDS, p.day, p.month];
      const result = (await RESERVE.run(redis, [k.day(p.day), k.month(p.month), k.running(job.userId), k.job(job.jobId)], args)) as number[];
      if (result[0] === 1) return { ok: true };
      const limit = LIMITS[(result[1] ?? 1) - 1]!;
      const spend = limit === 'daily_spend';
      return {
        ok: false,
        limit,
        max: spend ? Number(result[2]) / MILLI : Number(result[2]),
        used: spend ? Number(result[3]) / MILLI : Number(result[3]),
        ...(spend ? { unit: unit as CostUnit } : {}),
        ...(limit === 'user_concurrent' ? {} : { resetsAt: p.resetsAt }),
      };
    },
    async settle(job, result, signal) {
      signal?.throwIfAborted();
      const k = keys(job.workspace);
      const reservation = await redis.hgetall(k.job(job.jobId));
      if (!reservation['user']) return; // never reserved (or long expired): nothing to settle
      const actual = result.cost;
      await SETTLE.run(redis, [k.job(job.jobId), k.running(reservation['user']), k.day(reservation['day'] ?? ''), k.month(reservation['month'] ?? '')], [job.jobId, result.charged, actual?.unit ?? '', actual ? milli(actual.amount) : 0]);
    },
    async usage(w, userId, signal): Promise<Usage> {
      signal?.throwIfAborted();
      const k = keys(w);
      const p = period();
      const [day, month, running] = await Promise.all([redis.hgetall(k.day(p.day)), redis.hgetall(k.month(p.month)), userId ? redis.scard(k.running(userId)) : Promise.resolve(0)]);
      return { today: spendOf(day), month: spendOf(month), jobsToday: userId ? Number(day[`jobs:${userId}`] ?? 0) : 0, running, resetsAt: p.resetsAt };
    },
  };
}

