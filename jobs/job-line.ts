/**
 * The workspace's line: at most `max` jobs hold a slot (are at the provider) at once; the others
 * wait in a sorted set scored by when they first asked, and are served first come, first served.
 * A waiting job is parked (a long BullMQ delay) and costs nothing; when a slot frees, `release`
 * names the jobs to wake: the ones that can now take a slot, plus a few behind them so their
 * shown position moves. Every script is atomic, so two workers never both take the last slot.
 */
import type { RedisClient } from './redis-connection.js';
import { createLuaScript } from '../src/lua-script.js';
import type { WorkspaceRef } from '../src/model.js';
import { jobKeys } from './keys.js';

/** Jobs behind the new slot holders that are woken too, so their position updates. */
export const WAKE_BEHIND = 5;

export type SlotClaim = { ok: true } | { ok: false; position: number; running: number };

// KEYS: running, line. ARGV: job id, max, score. Returns -1 when the slot is taken, else the
// job's 1-based position among those still waiting for one, and how many run.
const CLAIM = createLuaScript(`
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {-1, 0} end
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[1])
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
local running = redis.call('SCARD', KEYS[1])
local free = tonumber(ARGV[2]) - running
if rank < free then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('SADD', KEYS[1], ARGV[1])
  return {-1, 0}
end
if free < 0 then free = 0 end
return {rank - free + 1, running}
`);

// KEYS: running, line, active, workspaces. ARGV: job id, max, wake-behind, workspace member.
// Frees the job's slot and place; returns the ids to wake.
const RELEASE = createLuaScript(`
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('SCARD', KEYS[3]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 and redis.call('SCARD', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[4])
end
local free = tonumber(ARGV[2]) - redis.call('SCARD', KEYS[1])
if free < 0 then free = 0 end
local n = free + tonumber(ARGV[3])
if n <= 0 then return {} end
return redis.call('ZRANGE', KEYS[2], 0, n - 1)
`);

export interface JobLine {
  claim(workspace: WorkspaceRef, jobId: string, max: number, score: number): Promise<SlotClaim>;
  /** Frees everything the job held (slot, place in line, active mark); returns the jobs to wake. */
  release(workspace: WorkspaceRef, jobId: string, max: number): Promise<string[]>;
  /** The first `n` waiting jobs (the sweeper wakes them when slots are free but nobody woke them). */
  heads(workspace: WorkspaceRef, n: number): Promise<string[]>;
}

export function createJobLine(redis: RedisClient, prefix: string): JobLine {
  const keys = jobKeys(prefix);
  const member = (w: WorkspaceRef) => `${w.platform}:${w.workspaceId}`;
  return {
    async claim(workspace, jobId, max, score) {
      const [position, running] = (await CLAIM.run(redis, [keys.running(workspace), keys.line(workspace)], [jobId, max, score])) as [number, number];
      return position < 0 ? { ok: true } : { ok: false, position, running };
    },
    async release(workspace, jobId, max) {
      const keyList = [keys.running(workspace), keys.line(workspace), keys.active(workspace), keys.workspaces()];
      return (await RELEASE.run(redis, keyList, [jobId, max, WAKE_BEHIND, member(workspace)])) as string[];
    },
    async heads(workspace, n) {
      return redis.zrange(keys.line(workspace), 0, n - 1);
    },
  };
}
