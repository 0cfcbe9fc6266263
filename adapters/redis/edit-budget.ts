/**
 * Per-workspace budget of best-effort status edits, shared by every worker process: a token
 * bucket in one Lua script (atomic). Sized under Slack's chat.update Tier 3 (~50/min per
 * workspace) so final edits, which bypass the budget, always have room.
 */
import type { Redis } from 'ioredis';
import type { Clock, EditBudget } from '../../src/ports.js';
import { workspaceKey } from './keys.js';

// KEYS[1] bucket; ARGV: capacity, refill per ms, now ms. Returns 1 when a token was taken.
const TAKE = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(capacity, tokens + (now - at) * rate) end
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return ok
`;

export interface EditBudgetOptions {
  redis: Redis;
  prefix: string;
  clock: Clock;
  /** Burst size. */
  capacity?: number;
  /** Sustained edits per minute. */
  perMinute?: number;
  onSkipped?: (workspaceId: string) => void;
}

export function createEditBudget(options: EditBudgetOptions): EditBudget {
  const { redis, prefix, clock } = options;
  const capacity = options.capacity ?? 10;
  const ratePerMs = (options.perMinute ?? 40) / 60_000;
  return {
    async tryTake(workspace) {
      const ok = (await redis.eval(TAKE, 1, workspaceKey(prefix, workspace, 'edit-budget'), capacity, ratePerMs, clock.now())) === 1;
      if (!ok) options.onSkipped?.(workspace.workspaceId);
      return ok;
    },
  };
}
