/**
 * Provider API keys per workspace, stored ONLY as ciphertext (src/crypto-box.ts) in one hash per
 * workspace, field = provider. Without BOT_ENCRYPTION_KEY nothing can be stored (the admin is told
 * how to fix it) and nothing is read. A value that does not decrypt (the key was rotated away)
 * reads as absent and is logged once, without the value; one sealed with a previous key is
 * sealed again with the current key when read.
 */
import type { SecretBox } from '../../src/crypto-box.js';
import { UserError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { WorkspaceRef } from '../../src/model.js';
import type { CredentialStore } from '../../src/ports.js';
import { workspaceKey, type StoreOptions } from './keys.js';

export interface CredentialStoreOptions extends StoreOptions {
  /** undefined when BOT_ENCRYPTION_KEY is not configured. */
  box: SecretBox | undefined;
  logger: Logger;
}

export const NO_ENCRYPTION_KEY_MESSAGE =
  'This bot cannot store API keys yet: its operator must set `BOT_ENCRYPTION_KEY` (32 bytes, e.g. from `openssl rand -hex 32`) and restart it.';

export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const { redis, prefix, box, logger } = options;
  const key = (w: WorkspaceRef) => workspaceKey(prefix, w, 'credentials');
  // Bounded in practice by workspaces x providers; cleared when a key is stored again.
  const warned = new Set<string>();
  const warnKey = (w: WorkspaceRef, provider: string) => `${w.platform}:${w.workspaceId}:${provider}`;

  return {
    async get(w, provider) {
      if (!box) return undefined;
      const sealed = await redis.hget(key(w), provider);
      if (!sealed) return undefined;
      const apiKey = box.open(sealed);
      if (apiKey === undefined) {
        if (!warned.has(warnKey(w, provider))) {
          warned.add(warnKey(w, provider));
          logger.warn(
            { platform: w.platform, workspace: w.workspaceId, provider, keyId: box.keyId },
            'a stored API key could not be decrypted (was BOT_ENCRYPTION_KEY changed?); treating it as absent',
          );
        }
        return undefined;
      }
      if (!box.isCurrent(sealed)) {
        // Rotation: only replace the value if nobody changed it meanwhile (best effort, not worth a Lua script).
        const again = await redis.hget(key(w), provider);
        if (again === sealed) await redis.hset(key(w), provider, box.seal(apiKey));
      }
      return { apiKey };
    },
    async set(w, provider, credentials) {
      if (!box) throw new UserError('no_credentials', NO_ENCRYPTION_KEY_MESSAGE);
      await redis.hset(key(w), provider, box.seal(credentials.apiKey));
      warned.delete(warnKey(w, provider));
    },
    async delete(w, provider) {
      if (provider) await redis.hdel(key(w), provider);
      else await redis.del(key(w));
    },
  };
}
