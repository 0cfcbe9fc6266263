/** First-come claims for redelivered events (Slack retries, gateway replays): SET NX EX, atomic across processes. */
import type { DedupeStore } from '../../src/ports.js';
import type { StoreOptions } from './keys.js';

export function createDedupeStore({ redis, prefix }: StoreOptions): DedupeStore {
  return {
    async claim(key, ttlSeconds) {
      // Event ids are not tied to one workspace in the port, so these live beside the workspaces and simply expire.
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      return (await redis.set(`${prefix}:dedupe:${key}`, '1', 'EX', ttl, 'NX')) === 'OK';
    },
  };
}
