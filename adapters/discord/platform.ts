/**
 * ChatPlatform for Discord over REST only (@discordjs/rest): workers never need the gateway. Two
 * REST clients: the normal one queues behind rate limits (final edits, uploads); the progress one
 * rejects a rate-limited route at once so a stale progress edit is dropped, never queued.
 */
import { DiscordAPIError, RateLimitError, REST } from '@discordjs/rest';
import { fetch } from 'undici';
import { z } from 'zod';
import { isAbortError, PlatformError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { ConversationRef, MediaFile, MediaRef, MessageRef } from '../../src/model.js';
import type { ChatPlatform, OutgoingFile, UploadResult } from '../../src/ports.js';
import { createChannelAccess } from './channel-access.js';
import { attachmentMedia, imagesOfMessage } from './parse.js';
import { renderDiscordMessage } from './render.js';
import { makeDiscordRequest } from './rest-request.js';

const MIB = 1024 * 1024;
/** Per-file upload limit by the guild's boost tier (premium_tier 0..3): 10 MiB, more with boosts. */
export const UPLOAD_LIMIT_BY_TIER = [10 * MIB, 10 * MIB, 50 * MIB, 100 * MIB] as const;
/** Discord caps edits of messages older than an hour (30046): progress stops editing them. */
export const OLD_MESSAGE_MS = 60 * 60 * 1000;
/** How long a guild's boost tier and owner are trusted before asking again. */
const TIER_CACHE_MS = 10 * 60_000;
const THREAD_NAME_MAX = 100;
const DISCORD_EPOCH = 1420070400000n;
/** A thread already exists for this message. */
const THREAD_ALREADY_CREATED = 160004;

/** When a snowflake id was made (ms since 1970); undefined for ids that are not snowflakes. */
export function snowflakeTime(id: string): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Discord's file hosts, plus the configured API's host (private deployments, loopback fakes). */
export function isDiscordFileHost(url: string, apiUrl: string): boolean {
  try {
    const host = new URL(url).host;
    return host === 'cdn.discordapp.com' || host === 'media.discordapp.net' || host === new URL(apiUrl).host;
  } catch {
    return false;
  }
}

// Only the fields we read; Discord adds many more.
const ApiAttachment = z.object({
  url: z.string().url(),
  filename: z.string().optional(),
  content_type: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  width: z.number().int().positive().nullish(),
  height: z.number().int().positive().nullish(),
});
const ApiEmbedMedia = z.object({ url: z.string() }).nullish();
export const ApiMessage = z.object({
  id: z.string(),
  channel_id: z.string(),
  attachments: z.array(ApiAttachment).default([]),
  embeds: z.array(z.object({ image: ApiEmbedMedia, thumbnail: ApiEmbedMedia })).default([]),
});
export type ApiMessage = z.infer<typeof ApiMessage>;
const ApiChannel = z.object({ id: z.string() });
const ApiGuild = z.object({ premium_tier: z.number().int().min(0).max(3).default(0), owner_id: z.string().optional() });

function attachmentsOf(message: ApiMessage) {
  return message.attachments.map((a) => ({ url: a.url, name: a.filename ?? null, contentType: a.content_type ?? null, size: a.size ?? null, width: a.width ?? null, height: a.height ?? null }));
}

/** Everything uploaded in a message (videos too): what the index of bot messages remembers. */
export function uploadedMedia(message: ApiMessage): MediaRef[] {
  return attachmentsOf(message).map(attachmentMedia);
}

/** The images of a message read over REST: image attachments and embed images. */
export function imagesOfApiMessage(message: ApiMessage): MediaRef[] {
  return imagesOfMessage({ attachments: attachmentsOf(message), embeds: message.embeds });
}

function toPlatformError(err: unknown, what: string): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof RateLimitError) return new PlatformError('discord', 'rate_limited', `${what}: rate limited`, err.retryAfter, { cause: err });
  if (err instanceof DiscordAPIError) {
    const code = Number(err.code);
    if (code === 40005 || err.status === 413) return new PlatformError('discord', 'too_large', `${what}: file too large`, undefined, { cause: err });
    if (code === 30046) return new PlatformError('discord', 'rate_limited', `${what}: edit limit for old messages`, 60_000, { cause: err });
    if (code === 10008 || code === 10003 || err.status === 404) return new PlatformError('discord', 'not_found', `${what}: not found`, undefined, { cause: err });
    if (err.status === 401) return new PlatformError('discord', 'invalid_auth', `${what}: invalid token`, undefined, { cause: err });
    if (err.status === 403) return new PlatformError('discord', 'forbidden', `${what}: missing permissions`, undefined, { cause: err });
  }
  if (err instanceof z.ZodError) return new PlatformError('discord', 'other', `${what}: unexpected answer from Discord`, undefined, { cause: err });
  // The message of a network error holds no token (@discordjs/rest sends it as a header only).
  return new PlatformError('discord', 'other', `${what}: ${err instanceof Error ? err.message : 'failed'}`, undefined, { cause: err });
}

export interface DiscordPlatformOptions {
  /** The bot token; only ever sent as the Authorization header by @discordjs/rest. */
  token: string;
  /** REST base without the version, e.g. https://discord.com/api (DISCORD_API_URL). */
  apiUrl: string;
  logger: Logger;
  /** For tests: the clock used to decide whether a message is older than an hour. */
  now?: () => number;
}

export function createDiscordPlatform(options: DiscordPlatformOptions): ChatPlatform {
  const log = options.logger.child({ platform: 'discord' });
  const now = options.now ?? Date.now;
  const rest = new REST({ api: options.apiUrl, version: '10', makeRequest: makeDiscordRequest }).setToken(options.token);
  const progress = new REST({ api: options.apiUrl, version: '10', rejectOnRateLimit: () => true, retries: 0, makeRequest: makeDiscordRequest }).setToken(options.token);
  const guilds = new Map<string, { limit: number; ownerId: string | undefined; at: number }>();
  const target = (to: ConversationRef) => to.threadId ?? to.channelId;
  const ref = (to: ConversationRef, messageId: string): MessageRef => ({ platform: 'discord', workspaceId: to.workspaceId, channelId: to.channelId, messageId, ...(to.threadId ? { threadId: to.threadId } : {}) });
  const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isAbortError(err)) throw err;
      throw toPlatformError(err, what);
    }
  }

  async function guild(guildId: string, signal?: AbortSignal) {
    const hit = guilds.get(guildId);
    if (hit && now() - hit.at < TIER_CACHE_MS) return hit;
    const answer = ApiGuild.parse(await rest.get(`/guilds/${guildId}`, sig(signal)));
    const entry = { limit: UPLOAD_LIMIT_BY_TIER[answer.premium_tier]!, ownerId: answer.owner_id, at: now() };
    guilds.set(guildId, entry);
    return entry;
  }

  const access = createChannelAccess({ rest, logger: log, now, ownerOf: async (guildId, signal) => (await guild(guildId, signal)).ownerId });

  async function maxUploadBytes(to: ConversationRef, signal?: AbortSignal): Promise<number> {
    try {
      return (await guild(to.workspaceId, signal)).limit;
    } catch (err) {
      if (isAbortError(err)) throw err;
      // The default limit is always safe: a smaller file than allowed never fails.
      log.warn({ err, guildId: to.workspaceId }, 'could not read the guild boost tier; using the default upload limit');
      return UPLOAD_LIMIT_BY_TIER[0];
    }
  }

  const messagePath = (m: MessageRef) => `/channels/${m.threadId ?? m.channelId}/messages/${m.messageId}` as const;

  return {
    platform: 'discord',

    async post(to, view, signal) {
      const msg = await call('create message', async () => ApiMessage.parse(await rest.post(`/channels/${target(to)}/messages`, { body: renderDiscordMessage(view), ...sig(signal) })));
      return ref(to, msg.id);
    },

    async update(message, view, opts, signal) {
      if (opts.priority === 'progress') {
        const born = snowflakeTime(message.messageId);
        // Edits of old messages are capped hard; a progress edit there is not worth it.
        if (born !== undefined && now() - born > OLD_MESSAGE_MS) throw new PlatformError('discord', 'rate_limited', 'progress edits stop on messages older than an hour');
      }
      const client = opts.priority === 'progress' ? progress : rest;
      await call('edit message', () => client.patch(messagePath(message), { body: renderDiscordMessage(view), ...sig(signal) }));
    },

    async openThread(message, name, signal) {
      const conversation = (threadId: string): ConversationRef => ({ platform: 'discord', workspaceId: message.workspaceId, channelId: message.channelId, threadId });
      // A message inside a thread cannot start another one: stay in that thread.
      if (message.threadId) return conversation(message.threadId);
      try {
        const thread = ApiChannel.parse(
          await rest.post(`/channels/${message.channelId}/messages/${message.messageId}/threads`, { body: { name: name.slice(0, THREAD_NAME_MAX) || 'Generation', auto_archive_duration: 1440 }, ...sig(signal) }),
        );
        return conversation(thread.id);
      } catch (err) {
        // A thread started from a message has the message's id: a second start reuses it.
        if (err instanceof DiscordAPIError && Number(err.code) === THREAD_ALREADY_CREATED) return conversation(message.messageId);
        if (isAbortError(err)) throw err;
        throw toPlatformError(err, 'start thread');
      }
    },

    async upload(to, files: OutgoingFile[], opts, signal): Promise<UploadResult> {
      const limit = await maxUploadBytes(to, signal);
      const big = files.find((f) => f.bytes.byteLength > limit);
      // Refused before sending: Discord would answer 40005 only after receiving every byte.
      if (big) throw new PlatformError('discord', 'too_large', `\`${big.name}\` is ${(big.bytes.byteLength / MIB).toFixed(1)} MB, over this server's ${Math.round(limit / MIB)} MB upload limit.`);
      const msg = await call('upload', async () =>
        ApiMessage.parse(
          await rest.post(`/channels/${target(to)}/messages`, {
            body: {
              ...(opts.comment ? { content: opts.comment.slice(0, 2000), allowed_mentions: { parse: [] } } : {}),
              attachments: files.map((f, i) => ({ id: i, filename: f.name, ...(f.altText ? { description: f.altText.slice(0, 1024) } : {}) })),
            },
            files: files.map((f) => ({ name: f.name, data: Buffer.from(f.bytes), contentType: f.mimeType })),
            ...sig(signal),
          }),
        ),
      );
      return { media: uploadedMedia(msg), messages: [ref(to, msg.id)] };
    },

    maxUploadBytes,

    async download(media, opts, signal): Promise<MediaFile> {
      const tooLarge = () => new PlatformError('discord', 'too_large', `\`${media.name ?? 'That file'}\` is over the ${Math.round(opts.maxBytes / MIB)} MB limit.`);
      if (!isDiscordFileHost(media.url, options.apiUrl)) throw new PlatformError('discord', 'forbidden', 'That file is not on Discord.');
      const res = await fetch(media.url, { signal: signal ?? AbortSignal.timeout(60_000) });
      // A redirect must not lead off Discord's hosts.
      if (!isDiscordFileHost(res.url || media.url, options.apiUrl)) {
        await res.body?.cancel();
        throw new PlatformError('discord', 'forbidden', 'That file is not on Discord.');
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new PlatformError('discord', 'not_found', 'Discord no longer serves that file (attachment links expire); share it again.');
      }
      const declared = Number(res.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        await res.body?.cancel();
        throw tooLarge();
      }
      // Counted while reading: a missing or wrong content-length must not let a huge file in.
      const chunks: Uint8Array[] = [];
      let total = 0;
      if (res.body) {
        for await (const chunk of res.body) {
          total += chunk.byteLength;
          if (total > opts.maxBytes) throw tooLarge();
          chunks.push(chunk);
        }
      }
      const bytes = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.byteLength;
      }
      const mimeType = media.mimeType ?? res.headers.get('content-type')?.split(';')[0] ?? 'application/octet-stream';
      return { name: media.name ?? 'file', mimeType, bytes };
    },

    async fetchMessageMedia(message, signal) {
      const msg = await call('read message', async () => ApiMessage.parse(await rest.get(messagePath(message), sig(signal))));
      return imagesOfApiMessage(msg);
    },

    async delete(message, signal) {
      await call('delete message', () => rest.delete(messagePath(message), sig(signal)));
    },

    async directMessage(_workspace, userId, view, signal) {
      // Bots open a DM channel with the user first; it fails (403) when the user allows no DMs from the server.
      const channel = await call('open DM', async () => ApiChannel.parse(await rest.post('/users/@me/channels', { body: { recipient_id: userId }, ...sig(signal) })));
      await call('create message', () => rest.post(`/channels/${channel.id}/messages`, { body: renderDiscordMessage(view), ...sig(signal) }));
    },

    async userCanRead(conversation, userId, signal) {
      // A thread is a channel of its own on Discord (its parent's overwrites apply, see channel-access.ts).
      return access.canRead(conversation.workspaceId, conversation.threadId ?? conversation.channelId, userId, signal);
    },

    async postEphemeral(to, userId, view, signal) {
      // Outside an interaction Discord has no ephemeral messages: a normal reply that pings only that user.
      const payload = renderDiscordMessage(view);
      const body = { ...payload, content: `<@${userId}> ${payload.content}`.slice(0, 2000), allowed_mentions: { parse: [], users: [userId] } };
      await call('create message', () => rest.post(`/channels/${target(to)}/messages`, { body, ...sig(signal) }));
    },
  };
}
