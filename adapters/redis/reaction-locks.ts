/**
 * Reaction locks (src/ports.ts ReactionLocks): one key per message and emoji under the workspace
 * (so an uninstall purge removes them), holding the id of the job it started. Compare-and-set in
 * Lua, so two people reacting at once start one job, and a job that ended never blocks a new one.
 */
import { createLuaScript } from '../../src/lua-script.js';
import type { ReactionLocks } from '../../src/ports.js';
import { workspaceKey, type StoreOptions } from './keys.js';

/** A lock outlives any job (deadline plus delivery window), then expires by itself. */
export const REACTION_LOCK_TTL_SECONDS = 2 * 24 * 3600;

// KEYS[1] lock; ARGV: expected holder ('' = absent), new holder ('' = delete), ttl. 1 when swapped.
const SWAP = createLuaScript(`
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1
`);

export function createReactionLocks({ redis, prefix }: StoreOptions): ReactionLocks {
  const keyOf = (w: Parameters<ReactionLocks['claim']>[0], key: string) => workspaceKey(prefix, w, 'reaction', key);
  return {
    async claim(workspace, key, jobId) {
      const k = keyOf(workspace, key);
      // Twice at most: the holder may expire between the SET and the GET.
      for (let attempt = 0; attempt < 2; attempt++) {
        if ((await redis.set(k, jobId, 'EX', REACTION_LOCK_TTL_SECONDS, 'NX')) === 'OK') return { ok: true };
        const holder = await redis.get(k);
        if (holder === jobId) return { ok: true };
        if (holder !== null) return { ok: false, holder };
      }
      return { ok: false, holder: '' };
    },
    async replace(workspace, key, holder, jobId) {
      return (await SWAP.run(redis, [keyOf(workspace, key)], [holder, jobId, REACTION_LOCK_TTL_SECONDS])) === 1;
    },
    async release(workspace, key, jobId) {
      await SWAP.run(redis, [keyOf(workspace, key)], [jobId, '', REACTION_LOCK_TTL_SECONDS]);
    },
  };
}
