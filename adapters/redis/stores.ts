/**
 * The small Redis stores behind the ports: dedupe, settings, message index, key/value, encrypted
 * credentials, and the purge of a workspace. Each is a few commands; keeping them together keeps
 * the key layout in one place.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { UserError } from '../../src/errors.js';
import { ProviderId } from '../../src/generation.js';
import type { Logger } from '../../src/logger.js';
import { MediaRef, type MessageRef, type WorkspaceRef } from '../../src/model.js';
import type { CredentialStore, DedupeStore, IndexedMessage, KeyValueStore, MessageIndex, SettingsStore, WorkspaceSettings } from '../../src/ports.js';
import type { SecretBox } from '../../src/crypto-box.js';
import { workspaceKey, workspacePattern } from './keys.js';

export interface StoreOptions {
  redis: Redis;
  prefix: string;
}

export function createDedupeStore({ redis, prefix }: StoreOptions): DedupeStore {
  return {
    async claim(key, ttlSeconds) {
      return (await redis.set(`${prefix}:dedupe:${key}`, '1', 'EX', Math.max(1, Math.round(ttlSeconds)), 'NX')) === 'OK';
    },
  };
}

export function createKeyValueStore({ redis, prefix }: StoreOptions): KeyValueStore {
  return {
    async get(key) {
      return (await redis.get(`${prefix}:kv:${key}`)) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds) await redis.set(`${prefix}:kv:${key}`, value, 'EX', ttlSeconds);
      else await redis.set(`${prefix}:kv:${key}`, value);
    },
    async delete(key) {
      await redis.del(`${prefix}:kv:${key}`);
    },
  };
}

/** A KeyValueStore whose values are sealed with the secret box (Slack installations hold bot tokens). */
export function createEncryptedKeyValueStore(inner: KeyValueStore, box: SecretBox): KeyValueStore {
  return {
    async get(key) {
      const sealed = await inner.get(key);
      return sealed === undefined ? undefined : box.open(sealed);
    },
    set: (key, value, ttl) => inner.set(key, box.seal(value), ttl),
    delete: (key) => inner.delete(key),
  };
}

const SettingsSchema = z.object({
  defaultProvider: ProviderId,
  defaultImageModel: z.string().min(1),
  defaultVideoModel: z.string().min(1),
  defaultUpscaleModel: z.string().min(1),
  animateEmoji: z.string().min(1),
  cancelEmoji: z.string().min(1),
  maxConcurrentJobs: z.number().int().min(1).max(50),
});

export function createSettingsStore(options: StoreOptions & { defaults: WorkspaceSettings; logger: Logger }): SettingsStore {
  const { redis, prefix, defaults, logger } = options;
  const key = (w: WorkspaceRef) => workspaceKey(prefix, w, 'settings');
  const read = async (w: WorkspaceRef): Promise<WorkspaceSettings> => {
    const raw = await redis.get(key(w));
    if (!raw) return { ...defaults };
    const parsed = SettingsSchema.partial().safeParse(JSON.parse(raw));
    if (!parsed.success) {
      logger.warn({ workspace: w.workspaceId }, 'stored settings were invalid; using defaults');
      return { ...defaults };
    }
    return { ...defaults, ...parsed.data };
  };
  return {
    get: read,
    async update(w, patch) {
      const next = SettingsSchema.parse({ ...(await read(w)), ...patch });
      await redis.set(key(w), JSON.stringify(next));
      return next;
    },
    async delete(w) {
      await redis.del(key(w));
    },
  };
}

const IndexedSchema = z.object({ jobId: z.string(), role: z.enum(['status', 'result']), requesterId: z.string(), media: z.array(MediaRef) });
const INDEX_TTL_SECONDS = 30 * 24 * 3600;

export function createMessageIndex({ redis, prefix }: StoreOptions): MessageIndex {
  const key = (m: Pick<MessageRef, 'platform' | 'workspaceId' | 'channelId' | 'messageId'>) => workspaceKey(prefix, m, 'msg', m.channelId, m.messageId);
  return {
    async remember(message, entry) {
      await redis.set(key(message), JSON.stringify(entry), 'EX', INDEX_TTL_SECONDS);
    },
    async lookup(message): Promise<IndexedMessage | undefined> {
      const raw = await redis.get(key(message));
      if (!raw) return undefined;
      const parsed = IndexedSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
    async deleteWorkspace(w) {
      await purgeWorkspace({ redis, prefix }, w);
    },
  };
}

export function createCredentialStore(options: StoreOptions & { box: SecretBox | undefined; logger: Logger }): CredentialStore {
  const { redis, prefix, box, logger } = options;
  const key = (w: WorkspaceRef) => workspaceKey(prefix, w, 'credentials');
  const warned = new Set<string>();
  return {
    async get(w, provider) {
      if (!box) return undefined;
      const sealed = await redis.hget(key(w), provider);
      if (!sealed) return undefined;
      const apiKey = box.open(sealed);
      if (apiKey === undefined && !warned.has(`${w.workspaceId}:${provider}`)) {
        warned.add(`${w.workspaceId}:${provider}`);
        logger.warn({ workspace: w.workspaceId, provider }, 'a stored key could not be decrypted (was BOT_ENCRYPTION_KEY changed?); treating it as absent');
      }
      return apiKey === undefined ? undefined : { apiKey };
    },
    async set(w, provider, credentials) {
      if (!box) throw new UserError('no_credentials', 'This bot cannot store keys: its operator must set `BOT_ENCRYPTION_KEY`.');
      await redis.hset(key(w), provider, box.seal(credentials.apiKey));
    },
    async delete(w, provider) {
      if (provider) await redis.hdel(key(w), provider);
      else await redis.del(key(w));
    },
  };
}

/** Deletes every key of a workspace (uninstall, tokens revoked). SCAN, never KEYS. */
export async function purgeWorkspace({ redis, prefix }: StoreOptions, workspace: WorkspaceRef): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', workspacePattern(prefix, workspace), 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
