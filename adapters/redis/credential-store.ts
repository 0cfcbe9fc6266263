/**
 * Provider API keys per workspace, stored ONLY as ciphertext (src/crypto-box.ts) in one hash per
 * workspace, field = provider. Without BOT_ENCRYPTION_KEY nothing can be stored (the admin is told
 * how to fix it) and nothing is read. A value that does not decrypt (the key was rotated away)
 * reads as absent and is logged once, without the value; one sealed with a previous key is
 * sealed again with the current key when read.
 */
import { z } from 'zod';
import type { SecretBox } from '../../src/crypto-box.js';
import { createLuaScript } from '../../src/lua-script.js';
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

const metaField = (provider: string) => `${provider}:info`;
const Info = z.object({ connectedBy: z.string().optional(), connectedAt: z.number().optional(), rejectedAt: z.number().optional() });
const safeJson = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
};

// KEYS[1] the workspace's hash; ARGV: provider, info field, time. 1 when this call marked it.
const MARK = createLuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local raw = redis.call('HGET', KEYS[1], ARGV[2])
local info = {}
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' then info = decoded end
end
if info['rejectedAt'] then return 0 end
info['rejectedAt'] = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(info))
return 1
`);

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
    async set(w, provider, credentials, info) {
      if (!box) throw new UserError('no_credentials', NO_ENCRYPTION_KEY_MESSAGE);
      // The key and its info (who connected it, not secret) in one write; a new key clears a rejection.
      await redis.hset(key(w), provider, box.seal(credentials.apiKey), metaField(provider), JSON.stringify(info ?? {}));
      warned.delete(warnKey(w, provider));
    },
    async delete(w, provider) {
      if (provider) await redis.hdel(key(w), provider, metaField(provider));
      else await redis.del(key(w));
    },
    async info(w, provider) {
      const raw = await redis.hget(key(w), metaField(provider));
      if (!raw) return undefined;
      const parsed = Info.safeParse(safeJson(raw));
      return parsed.success ? parsed.data : {};
    },
    async markRejected(w, provider, at) {
      // Only a stored key can be marked; the first marker wins, so admins are told once.
      return (await MARK.run(redis, [key(w)], [provider, metaField(provider), at])) === 1;
    },
  };
}
