/**
 * A small key/value with TTL for adapters' own state (Slack installations), plus a wrapper that
 * seals every value with the secret box: installations hold bot tokens.
 */
import type { SecretBox } from '../../src/crypto-box.js';
import type { Logger } from '../../src/logger.js';
import type { KeyValueStore } from '../../src/ports.js';
import type { StoreOptions } from './keys.js';

export function createKeyValueStore({ redis, prefix }: StoreOptions): KeyValueStore {
  const k = (key: string) => `${prefix}:kv:${key}`;
  return {
    async get(key) {
      return (await redis.get(k(key))) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds !== undefined && ttlSeconds > 0) await redis.set(k(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
      else await redis.set(k(key), value);
    },
    async delete(key) {
      await redis.del(k(key));
    },
  };
}

/**
 * Values are sealed on the way in and opened on the way out. A value that no longer opens
 * (key rotated away, tampered) reads as absent, logged once per key, without the value.
 * A value sealed with a previous key is sealed again with the current key as it is read.
 */
export function createEncryptedKeyValueStore(inner: KeyValueStore, box: SecretBox, logger?: Logger): KeyValueStore {
  const warned = new Set<string>();
  return {
    async get(key) {
      const sealed = await inner.get(key);
      if (sealed === undefined) return undefined;
      const value = box.open(sealed);
      if (value === undefined && logger && !warned.has(key)) {
        warned.add(key);
        logger.warn({ key }, 'a stored secret could not be decrypted (was BOT_ENCRYPTION_KEY changed?); treating it as absent');
      }
      if (value !== undefined && !box.isCurrent(sealed)) await inner.set(key, box.seal(value));
      return value;
    },
    async set(key, value, ttl) {
      warned.delete(key);
      await inner.set(key, box.seal(value), ttl);
    },
    delete: (key) => inner.delete(key),
  };
}
