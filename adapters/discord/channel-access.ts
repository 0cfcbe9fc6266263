/**
 * Whether a member may read a channel's history, over REST only (workers have no gateway cache):
 * the member's roles, the guild's roles and owner, the channel's overwrites, and permissions.ts
 * to put them together. Answers are cached briefly per guild, channel and user.
 *
 * Assumptions (Discord's REST reference): GET /guilds/{g}/members/{u} answers a member without
 * the privileged Server Members intent (only listing members needs it) and 404 (10007 Unknown
 * Member) for someone who is not in the guild; GET /channels/{c} answers 403 (50001 Missing
 * Access) for a channel the bot cannot see and 404 for an unknown one; threads (types 10, 11, 12)
 * have no overwrites of their own and take their parent's; a private thread (12) is readable only
 * by its members and by those with Manage Threads, and GET /channels/{t}/thread-members/{u}
 * answers 404 for a non-member.
 */
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { z } from 'zod';
import { isAbortError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { BOT_NEEDS, canReadHistory, channelPermissions, missingFor, PERMISSION } from './permissions.js';

/** A changed role or overwrite shows within this long. */
export const ACCESS_CACHE_MS = 30_000;
const THREAD_TYPES = new Set([10, 11, 12]);
const PRIVATE_THREAD = 12;

const ApiMember = z.object({ roles: z.array(z.string()).default([]) });
const ApiRoles = z.array(z.object({ id: z.string(), permissions: z.string() }));
const ApiOverwrite = z.object({ id: z.string(), type: z.coerce.number(), allow: z.string().default('0'), deny: z.string().default('0') });
const ApiGuildChannel = z.object({
  id: z.string(),
  type: z.number(),
  guild_id: z.string().optional(),
  parent_id: z.string().nullish(),
  permission_overwrites: z.array(ApiOverwrite).default([]),
});
type ApiGuildChannel = z.infer<typeof ApiGuildChannel>;

export interface ChannelAccessOptions {
  rest: REST;
  logger: Logger;
  /** The guild's owner id (cached with the guild by the platform). */
  ownerOf(guildId: string, signal?: AbortSignal): Promise<string | undefined>;
  now?: () => number;
}

export interface ChannelAccess {
  canRead(guildId: string, channelId: string, userId: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * What `userId` (the bot) lacks in a channel among what the job pipeline needs, by name;
   * everything when the channel is hidden from it (its overwrites cannot be read then).
   * Never cached: it runs after a refusal, to say what an admin should grant.
   */
  missing(guildId: string, channelId: string, userId: string, signal?: AbortSignal): Promise<string[]>;
}

/** 404 and 403 mean "no such member/channel for us": a plain no, like any other refusal. */
const isNotThere = (err: unknown) => err instanceof DiscordAPIError && (err.status === 404 || err.status === 403);

export function createChannelAccess(options: ChannelAccessOptions): ChannelAccess {
  const { rest } = options;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { ok: boolean; at: number }>();
  const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

  async function channel(id: string, signal?: AbortSignal): Promise<ApiGuildChannel> {
    return ApiGuildChannel.parse(await rest.get(`/channels/${id}`, sig(signal)));
  }

  async function isThreadMember(threadId: string, userId: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await rest.get(`/channels/${threadId}/thread-members/${userId}`, sig(signal));
      return true;
    } catch (err) {
      if (isNotThere(err)) return false;
      throw err;
    }
  }

  /** A member's permissions in a channel (a thread takes its parent's); undefined for a channel of another guild. */
  async function permissionsIn(guildId: string, channelId: string, userId: string, signal?: AbortSignal): Promise<{ permissions: bigint; thread?: ApiGuildChannel } | undefined> {
    let target = await channel(channelId, signal);
    // A channel of another guild, reached by editing the ids of a link: never.
    if (target.guild_id !== guildId) return undefined;
    const thread = THREAD_TYPES.has(target.type) ? target : undefined;
    if (thread) {
      if (!thread.parent_id) return undefined;
      target = await channel(thread.parent_id, signal);
      if (target.guild_id !== guildId) return undefined;
    }
    const [member, roles, ownerId] = await Promise.all([
      rest.get(`/guilds/${guildId}/members/${userId}`, sig(signal)).then((m) => ApiMember.parse(m)),
      rest.get(`/guilds/${guildId}/roles`, sig(signal)).then((r) => ApiRoles.parse(r)),
      options.ownerOf(guildId, signal),
    ]);
    const permissions = channelPermissions({ guildId, userId, memberRoles: member.roles, roles, overwrites: target.permission_overwrites, ...(ownerId ? { ownerId } : {}) });
    return { permissions, ...(thread ? { thread } : {}) };
  }

  async function compute(guildId: string, channelId: string, userId: string, signal?: AbortSignal): Promise<boolean> {
    const found = await permissionsIn(guildId, channelId, userId, signal);
    if (!found || !canReadHistory(found.permissions)) return false;
    if (found.thread?.type === PRIVATE_THREAD && !(found.permissions & PERMISSION.MANAGE_THREADS)) return isThreadMember(found.thread.id, userId, signal);
    return true;
  }

  return {
    async missing(guildId, channelId, userId, signal) {
      const all = BOT_NEEDS.map((p) => p.name);
      try {
        const found = await permissionsIn(guildId, channelId, userId, signal);
        return found ? missingFor(found.permissions) : all;
      } catch (err) {
        if (isAbortError(err)) throw err;
        if (!isNotThere(err)) options.logger.warn({ err, guildId, channelId }, 'could not compute the bot’s permissions');
        return all;
      }
    },
    async canRead(guildId, channelId, userId, signal) {
      const key = `${guildId}:${channelId}:${userId}`;
      const hit = answers.get(key);
      if (hit && now() - hit.at < ACCESS_CACHE_MS) return hit.ok;
      let ok: boolean;
      try {
        ok = await compute(guildId, channelId, userId, signal);
      } catch (err) {
        if (isAbortError(err)) throw err;
        if (!isNotThere(err)) {
          // Not cached: a passing failure must not refuse the user for the next half minute.
          options.logger.warn({ err, guildId, channelId }, 'could not compute channel permissions; refusing');
          return false;
        }
        ok = false;
      }
      if (answers.size > 5_000) answers.clear();
      answers.set(key, { ok, at: now() });
      return ok;
    },
  };
}
