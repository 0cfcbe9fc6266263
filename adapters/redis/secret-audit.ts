/**
 * At start: how many stored secrets (workspaces' provider keys, Slack installations) open with
 * the current key, with a previous key (they are sealed again on their next read), or with none.
 * Unreadable records are reported, never deleted: putting the right key back recovers them.
 */
import type { SecretBox } from '../../src/crypto-box.js';
import { scanMatching, type StoreOptions } from './keys.js';

export interface SecretAudit {
  current: number;
  previous: number;
  unreadable: number;
}

export async function auditStoredSecrets({ redis, prefix }: StoreOptions, box: SecretBox): Promise<SecretAudit> {
  const audit: SecretAudit = { current: 0, previous: 0, unreadable: 0 };
  const count = (sealed: string) => {
    if (box.isCurrent(sealed)) audit.current++;
    else if (box.open(sealed) !== undefined) audit.previous++;
    else audit.unreadable++;
  };
  for (const key of await scanMatching(redis, `${prefix}:ws:*:credentials`)) {
    // `<provider>:info` fields hold who connected a key (not secret, not sealed).
    for (const [field, sealed] of Object.entries(await redis.hgetall(key))) if (!field.endsWith(':info')) count(sealed);
  }
  for (const key of await scanMatching(redis, `${prefix}:kv:slack:install:*`)) {
    const sealed = await redis.get(key);
    if (sealed) count(sealed);
  }
  return audit;
}
