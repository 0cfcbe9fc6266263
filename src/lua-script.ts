/**
 * Runs a Lua script by its SHA (EVALSHA) and falls back to EVAL when this Redis has not seen it
 * yet (NOSCRIPT: after a restart or on a new node), so scripts are not resent on every call.
 * Not defineCommand: that would mutate a client the composition root shares with BullMQ. Typed
 * structurally (any ioredis client or cluster fits), so the Redis stores and the job pipeline
 * share it without src/ depending on ioredis.
 */
import { createHash } from 'node:crypto';

export interface LuaClient {
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

export interface LuaScript {
  run(redis: LuaClient, keys: string[], args: Array<string | number>): Promise<unknown>;
}

export function createLuaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
