/**
 * Per-workspace budget of best-effort status edits, shared by every worker process: a token
 * bucket in ONE Lua script, so concurrent takes from many processes are atomic. `now` comes from
 * the injected clock (not Redis TIME), which keeps tests deterministic; worker clocks are assumed
 * roughly in sync (NTP), and a clock behind the stored one simply refills nothing.
 *
 * Defaults are sized under Slack's chat.update (Tier 3, ~50/min per workspace): a burst of 10 and
 * 40/min sustained, leaving headroom for final edits, which bypass the budget. Discord's limits
 * are per channel/route and tighter for edits; its defaults are smaller.
 */
import type { PlatformKind, WorkspaceRef } from '../../src/model.js';
import type { Clock, EditBudget } from '../../src/ports.js';
import { workspaceKey, type StoreOptions } from './keys.js';
import { createLuaScript } from '../../src/lua-script.js';

// KEYS[1] bucket hash {tokens, at}; ARGV: capacity, refill per ms, now ms. Returns 1 when a token was taken.
const TAKE = createLuaScript(`
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local ok = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
-- Once full again the bucket is the same as no bucket: let it expire.
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return ok
`);

export interface BucketSize {
  /** Burst size: edits allowed at once. */
  capacity: number;
  /** Sustained edits per minute. */
  perMinute: number;
}

export const DEFAULT_EDIT_BUDGETS: Readonly<Record<PlatformKind, BucketSize>> = Object.freeze({
  slack: { capacity: 10, perMinute: 40 },
  discord: { capacity: 5, perMinute: 20 },
  // The local playground has no platform limit; this only keeps a runaway loop visible.
  web: { capacity: 50, perMinute: 600 },
});

export interface EditBudgetOptions extends StoreOptions {
  clock: Clock;
  /** Overrides the bucket for every platform (tests, benchmarks). */
  capacity?: number;
  perMinute?: number;
  /** Per-platform buckets; missing platforms use DEFAULT_EDIT_BUDGETS. */
  perPlatform?: Partial<Record<PlatformKind, Partial<BucketSize>>>;
  /** Called for each edit refused (for a "skipped edits" counter). */
  onSkipped?: (workspaceId: string, platform: PlatformKind) => void;
  /** Called for each edit allowed. */
  onTaken?: (workspaceId: string, platform: PlatformKind) => void;
}

function sizeFor(options: EditBudgetOptions, platform: PlatformKind): BucketSize {
  const size = {
    capacity: options.capacity ?? options.perPlatform?.[platform]?.capacity ?? DEFAULT_EDIT_BUDGETS[platform].capacity,
    perMinute: options.perMinute ?? options.perPlatform?.[platform]?.perMinute ?? DEFAULT_EDIT_BUDGETS[platform].perMinute,
  };
  if (!(size.capacity >= 1) || !(size.perMinute > 0)) throw new Error(`edit budget for ${platform} needs capacity >= 1 and perMinute > 0`);
  return size;
}

export function createEditBudget(options: EditBudgetOptions): EditBudget {
  const { redis, prefix, clock } = options;
  const sizes = new Map<PlatformKind, BucketSize>();
  for (const platform of Object.keys(DEFAULT_EDIT_BUDGETS) as PlatformKind[]) sizes.set(platform, sizeFor(options, platform));
  return {
    async tryTake(workspace: WorkspaceRef) {
      const { capacity, perMinute } = sizes.get(workspace.platform)!;
      const key = workspaceKey(prefix, workspace, 'edit-budget');
      const ok = (await TAKE.run(redis, [key], [capacity, perMinute / 60_000, Math.floor(clock.now())])) === 1;
      if (ok) options.onTaken?.(workspace.workspaceId, workspace.platform);
      else options.onSkipped?.(workspace.workspaceId, workspace.platform);
      return ok;
    },
  };
}
