/**
 * Who is a Slack admin: a workspace admin or owner, as `users.info` tells (the `users:read`
 * scope). One call per person, cached a few minutes per team and user, shared by every entry
 * point (slash commands, mentions, shortcuts, reactions, buttons, form submissions). Listeners
 * call it after their ack, so Slack's 3-second deadline never waits on it.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../src/logger.js';

/** A promotion or demotion shows within this long. */
export const ADMIN_CACHE_MS = 5 * 60_000;
/** Bounds memory on a very busy install; the oldest answers go first. */
const MAX_ENTRIES = 10_000;

// Assumption (Slack's user object, api.slack.com/types/user): `is_admin`, `is_owner` and
// `is_primary_owner` are booleans that may be absent; guests (`is_restricted`,
// `is_ultra_restricted`) are never admins, and a user of another organisation reached through
// a shared channel (`is_stranger`, or another `team_id`) is not an admin of this workspace.
const UsersInfo = z.object({
  user: z
    .object({
      team_id: z.string().optional(),
      is_admin: z.boolean().optional(),
      is_owner: z.boolean().optional(),
      is_primary_owner: z.boolean().optional(),
      is_restricted: z.boolean().optional(),
      is_ultra_restricted: z.boolean().optional(),
      is_stranger: z.boolean().optional(),
    })
    .optional(),
});
type SlackUser = NonNullable<z.infer<typeof UsersInfo>['user']>;

export function isWorkspaceAdmin(user: SlackUser | undefined, teamId: string): boolean {
  if (!user || user.is_restricted || user.is_ultra_restricted || user.is_stranger) return false;
  if (user.team_id && user.team_id !== teamId) return false;
  return !!(user.is_admin || user.is_owner || user.is_primary_owner);
}

export interface SlackAdminCheck {
  /** Never throws: a failed lookup is logged and answers "not an admin". */
  isAdmin(client: WebClient, teamId: string, userId: string): Promise<boolean>;
}

export function createSlackAdminCheck(options: { logger: Logger; ttlMs?: number; now?: () => number }): SlackAdminCheck {
  const ttl = options.ttlMs ?? ADMIN_CACHE_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { isAdmin: boolean; at: number }>();
  // Clicks arriving together share one lookup.
  const pending = new Map<string, Promise<boolean>>();

  async function lookup(client: WebClient, key: string, teamId: string, userId: string): Promise<boolean> {
    try {
      const parsed = UsersInfo.parse(await client.users.info({ user: userId }));
      const value = isWorkspaceAdmin(parsed.user, teamId);
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(key, { isAdmin: value, at: now() });
      return value;
    } catch (err) {
      // Not cached: the next action asks again instead of locking an admin out for minutes.
      options.logger.warn({ err, team: teamId, user: userId }, 'users.info failed; treating the user as not an admin');
      return false;
    }
  }

  return {
    async isAdmin(client, teamId, userId) {
      const key = `${teamId}:${userId}`;
      const hit = cache.get(key);
      if (hit && now() - hit.at < ttl) return hit.isAdmin;
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const promise = lookup(client, key, teamId, userId).finally(() => pending.delete(key));
      pending.set(key, promise);
      return promise;
    },
  };
}
