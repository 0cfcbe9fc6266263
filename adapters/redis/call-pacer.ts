/**
 * The call pacer (src/ports.ts CallPacer) in Redis: GCRA (the generic cell rate algorithm) in one
 * Lua script, so every process shares one schedule per key and a take is atomic. The stored value
 * is the key's "theoretical arrival time": when the next call would be due if calls went exactly
 * at the sustained rate. A call may go `burst - 1` intervals ahead of it; a reservation moves it
 * one interval on. `now` comes from the injected clock, like the edit budget's.
 */
import { createLuaScript } from '../../src/lua-script.js';
import type { CallPacer, Clock, PaceRule } from '../../src/ports.js';
import type { WorkspaceRef } from '../../src/model.js';
import { workspaceKey, type StoreOptions } from './keys.js';

// KEYS[1]: the schedule. ARGV: now ms, interval ms, burst, max wait ms, slots kept for others.
// Returns the wait in ms when the slot was taken, or -(wait + 1) when it was not.
const TAKE = createLuaScript(`
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local maxWait = tonumber(ARGV[4])
local keep = tonumber(ARGV[5])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local ahead = (burst - 1 - keep) * interval
local go = tat - ahead
if go < now then go = now end
local wait = go - now
if wait > maxWait then return -(wait + 1) end
local nextTat = tat + interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now + interval))
return wait
`);

export function createCallPacer(options: StoreOptions & { clock: Clock }): CallPacer {
  const { redis, prefix, clock } = options;
  return {
    async take(workspace: WorkspaceRef, call: string, rule: PaceRule, opts) {
      if (!(rule.perMinute > 0) || !(rule.burst >= 1)) throw new Error(`pace rule for ${call} needs perMinute > 0 and burst >= 1`);
      const interval = 60_000 / rule.perMinute;
      const keep = Math.min(Math.max(0, opts.keep ?? 0), rule.burst - 1);
      const answer = Number(await TAKE.run(redis, [workspaceKey(prefix, workspace, 'pace', call)], [Math.floor(clock.now()), interval, rule.burst, Math.max(0, opts.maxWaitMs), keep]));
      return answer >= 0 ? { taken: true, waitMs: Math.ceil(answer) } : { taken: false, waitMs: Math.ceil(-answer - 1) };
    },
  };
}
