/**
 * ChatPlatform for Discord over REST only (@discordjs/rest): workers never need the gateway. One
 * REST client, so every call shares what Discord's X-RateLimit-* headers said about its bucket
 * (two clients would each spend a channel's bucket unaware of the other: 429s in a busy channel).
 * Calls queue behind rate limits (posts, final edits, uploads), except progress edits: one that
 * would wait is rejected at once, so a stale progress edit is dropped, never queued.
 * Direct messages (workspace DM_WORKSPACE) have no guild and no threads: everything is posted in
 * the DM itself. A refusal (403) says which permissions the bot lacks in that channel.
 */
import { DiscordAPIError, RateLimitError, REST } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { isAbortError, PlatformError, type PlatformAccessDetail } from '../../src/errors.js';
import { localizeView } from '../../src/hints.js';
import type { Logger } from '../../src/logger.js';
import type { ConversationRef, MediaFile, MediaRef, MessageRef } from '../../src/model.js';
import type { CallPacer, ChatPlatform, KeyValueStore, OutgoingFile, PaceRule, PlatformFileDownloader, UploadResult } from '../../src/ports.js';
import type { MessageView } from '../../src/view.js';
import { createChannelAccess } from './channel-access.js';
import { attachmentMedia, DM_WORKSPACE, imagesOfMessage } from './parse.js';
import { renderDiscordMessage } from './render.js';
import { makeDiscordRequest } from './rest-request.js';
import { readUploadLimit } from './upload-limits.js';
import { paceCall } from '../../src/pace-call.js';

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
const THREAD_ALREADY_CREATED = RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage;

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
  content: z.string().default(''),
  attachments: z.array(ApiAttachment).default([]),
  embeds: z.array(z.object({ image: ApiEmbedMedia, thumbnail: ApiEmbedMedia })).default([]),
  components: z.array(z.unknown()).default([]),
  sticker_items: z.array(z.unknown()).default([]),
  poll: z.unknown().optional(),
  message_snapshots: z.array(z.unknown()).default([]),
});
export type ApiMessage = z.infer<typeof ApiMessage>;
const ApiChannel = z.object({ id: z.string() });
const ApiUser = z.object({ id: z.string() });
const ApiGuild = z.object({ premium_tier: z.number().int().min(0).max(3).default(0), owner_id: z.string().optional() });

function attachmentsOf(message: ApiMessage) {
  return message.attachments.map((a) => ({ url: a.url, name: a.filename ?? null, contentType: a.content_type ?? null, size: a.size ?? null, width: a.width ?? null, height: a.height ?? null }));
}

/**
 * Whether Discord hid a message's content from the bot. Without the MessageContent intent a guild
 * message of someone else arrives with empty content, attachments, embeds and components, over
 * REST too (Discord's "Message Content Intent" docs); a real message always carries one of these
 * (or a sticker, a poll, a forward), so all of them empty means hidden.
 */
export function contentHidden(message: ApiMessage): boolean {
  return (
    message.content === '' &&
    message.attachments.length === 0 &&
    message.embeds.length === 0 &&
    message.components.length === 0 &&
    message.sticker_items.length === 0 &&
    message.poll === undefined &&
    message.message_snapshots.length === 0
  );
}

/** Everything uploaded in a message (videos too): what the index of bot messages remembers. */
export function uploadedMedia(message: ApiMessage): MediaRef[] {
  return attachmentsOf(message).map(attachmentMedia);
}

/** The images of a message read over REST: image attachments and embed images. */
export function imagesOfApiMessage(message: ApiMessage): MediaRef[] {
  return imagesOfMessage({ attachments: attachmentsOf(message), embeds: message.embeds });
}

function toPlatformError(err: unknown, what: string, access?: PlatformAccessDetail): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof RateLimitError) return new PlatformError('discord', 'rate_limited', `${what}: rate limited`, err.retryAfter, { cause: err });
  if (err instanceof DiscordAPIError) {
    const code = Number(err.code);
    if (code === RESTJSONErrorCodes.RequestEntityTooLarge || err.status === 413) return new PlatformError('discord', 'too_large', `${what}: file too large`, undefined, { cause: err });
    if (code === RESTJSONErrorCodes.MaximumNumberOfEditsToMessagesOlderThanOneHourReached) return new PlatformError('discord', 'rate_limited', `${what}: edit limit for old messages`, 60_000, { cause: err });
    if (code === RESTJSONErrorCodes.UnknownMessage || code === RESTJSONErrorCodes.UnknownChannel || err.status === 404) return new PlatformError('discord', 'not_found', `${what}: not found`, undefined, { cause: err });
    if (err.status === 401) return new PlatformError('discord', 'invalid_auth', `${what}: invalid token`, undefined, { cause: err });
    if (err.status === 403) return new PlatformError('discord', 'forbidden', `${what}: missing permissions`, undefined, { cause: err, ...(access ? { access } : {}) });
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
  /** Upload limits the gateway adapter read from interactions (`attachment_size_limit`), shared across processes. */
  uploadLimits?: KeyValueStore;
  /** For tests: the clock used to decide whether a message is older than an hour. */
  now?: () => number;
  /** Downloads attachments through the SSRF-safe fetcher (src/main wires adapters/net's). */
  downloadFile: PlatformFileDownloader;
  /**
   * Paces status posts and card edits per channel across every process (Redis). Without it,
   * @discordjs/rest still keeps each process inside Discord's buckets, but a call waiting in its
   * queue holds a worker slot the whole time.
   */
  pacer?: CallPacer;
}

/**
 * Discord's per-channel buckets for creating and for editing messages: 5 per 5 s each (what the
 * X-RateLimit headers announce; test/fakes/discord/rate-limits.ts). Paced at 90 % with a burst of
 * 4, so an answer or a late-woken call still fits the real bucket.
 */
const DISCORD_CHANNEL_RULE: PaceRule = { perMinute: 54, burst: 4 };
/** A slot this far off is not waited for inside a call: the call fails as rate_limited with the wait. */
const IN_CALL_WAIT_MS = 5000;
/** Progress edits take a spare slot only, leaving this many of the burst to posts and final edits. */
const KEEP_FOR_FINAL = 2;

export function createDiscordPlatform(options: DiscordPlatformOptions): ChatPlatform {
  const log = options.logger.child({ platform: 'discord' });
  const now = options.now ?? Date.now;
  /** Edits waiting in the client, by URL: a rate limit drops a progress edit unless a final edit of that message waits too. */
  const editsWaiting = new Map<string, { progress: number; final: number }>();
  /**
   * Edits in flight per channel. Discord counts every message edit in a channel in one bucket, and
   * @discordjs/rest queues a request behind the others of its bucket before asking
   * rejectOnRateLimit: a progress edit would wait behind other cards' final edits (in a busy
   * channel, a minute), and the step that showed it with it. So a progress edit goes only when no
   * other edit in its channel is in flight.
   */
  const channelEdits = new Map<string, number>();
  const rest = new REST({
    api: options.apiUrl,
    version: '10',
    makeRequest: makeDiscordRequest,
    rejectOnRateLimit: (limit) => {
      const waiting = editsWaiting.get(limit.url);
      return waiting !== undefined && waiting.progress > 0 && waiting.final === 0;
    },
  }).setToken(options.token);
  const guilds = new Map<string, { limit: number; ownerId: string | undefined; at: number }>();
  const target = (to: ConversationRef) => to.threadId ?? to.channelId;
  const ref = (to: ConversationRef, messageId: string): MessageRef => ({ platform: 'discord', workspaceId: to.workspaceId, channelId: to.channelId, messageId, ...(to.threadId ? { threadId: to.threadId } : {}) });
  const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

  const isDm = (to: { workspaceId: string }) => to.workspaceId === DM_WORKSPACE;

  /** Waits for a slot of `call` in the channel; a slot further off than maxWaitMs is not taken and the call fails as rate_limited. */
  async function pace(call: 'post' | 'edit', where: { workspaceId: string }, channel: string, opts: { maxWaitMs?: number; keep?: number; signal?: AbortSignal | undefined } = {}): Promise<void> {
    if (!options.pacer) return;
    const workspace = { platform: 'discord' as const, workspaceId: where.workspaceId };
    await paceCall(options.pacer, workspace, `discord:${call}:${channel}`, DISCORD_CHANNEL_RULE, { maxWaitMs: opts.maxWaitMs ?? IN_CALL_WAIT_MS, keep: opts.keep, signal: opts.signal, what: call, why: "to stay under Discord's limit" });
  }
  const discordMessage = (view: MessageView) => renderDiscordMessage(localizeView(view, 'discord'));
  /** The bot's own user id (GET /users/@me once); asked again after a failure. */
  let botId: Promise<string> | undefined;
  function ownId(signal?: AbortSignal): Promise<string> {
    botId ??= rest
      .get('/users/@me', sig(signal))
      .then((u) => ApiUser.parse(u).id)
      .catch((err: unknown) => {
        botId = undefined;
        throw err;
      });
    return botId;
  }

  /** After a 403 in a guild channel: which of the permissions the pipeline needs the bot lacks there. */
  async function accessIn(where: ConversationRef, signal?: AbortSignal): Promise<PlatformAccessDetail> {
    const channelId = where.threadId ?? where.channelId;
    const missing = await ownId(signal).then((id) => access.missing(where.workspaceId, channelId, id, signal)).catch(() => undefined);
    return { reason: 'missing_permissions', channelId: where.channelId, ...(missing ? { missing } : {}) };
  }

  /** Runs a REST call; `where` is the channel it concerns, so a 403 there can name what is missing. */
  async function call<T>(what: string, fn: () => Promise<T>, where?: ConversationRef, signal?: AbortSignal): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isAbortError(err)) throw err;
      const refused = err instanceof DiscordAPIError && err.status === 403 && where && !isDm(where);
      throw toPlatformError(err, what, refused ? await accessIn(where, signal) : undefined);
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
    // What an interaction here last said (attachment_size_limit) is the real limit; DMs have no guild to ask.
    const told = await readUploadLimit(options.uploadLimits, to.workspaceId);
    if (told !== undefined) return told;
    if (isDm(to)) return UPLOAD_LIMIT_BY_TIER[0];
    try {
      return (await guild(to.workspaceId, signal)).limit;
    } catch (err) {
      if (isAbortError(err)) throw err;
      // The default limit is always safe: a smaller file than allowed never fails.
      log.warn({ err, guildId: to.workspaceId }, 'could not read the guild boost tier; using the default upload limit');
      return UPLOAD_LIMIT_BY_TIER[0];
    }
  }

  /** One message with files (multipart: payload_json plus one part per file). */
  async function postFiles(channelId: string, files: OutgoingFile[], body: Record<string, unknown>, signal?: AbortSignal): Promise<ApiMessage> {
    return ApiMessage.parse(
      await rest.post(`/channels/${channelId}/messages`, {
        body: { ...body, attachments: files.map((f, i) => ({ id: i, filename: f.name, ...(f.altText ? { description: f.altText.slice(0, 1024) } : {}) })) },
        files: files.map((f) => ({ name: f.name, data: Buffer.from(f.bytes), contentType: f.mimeType })),
        ...sig(signal),
      }),
    );
  }

  const messagePath = (m: MessageRef) => `/channels/${m.threadId ?? m.channelId}/messages/${m.messageId}` as const;

  return {
    platform: 'discord',

    async reserve(kind, where) {
      // A slot however far: the job waits for it as a delayed job, holding no worker, and keeps its place.
      if (!options.pacer) return 0;
      const channel = where.threadId ?? where.channelId;
      const workspace = { platform: 'discord' as const, workspaceId: where.workspaceId };
      return (await options.pacer.take(workspace, `discord:${kind === 'post' ? 'post' : 'edit'}:${channel}`, DISCORD_CHANNEL_RULE, { maxWaitMs: 1e12 })).waitMs;
    },

    async post(to, view, signal, opts) {
      if (!opts?.reserved) await pace('post', to, target(to), { signal });
      const msg = await call('create message', async () => ApiMessage.parse(await rest.post(`/channels/${target(to)}/messages`, { body: discordMessage(view), ...sig(signal) })), to, signal);
      return ref(to, msg.id);
    },

    async update(message, view, opts, signal) {
      if (opts.priority === 'progress') {
        const born = snowflakeTime(message.messageId);
        // Edits of old messages are capped hard; a progress edit there is not worth it.
        if (born !== undefined && now() - born > OLD_MESSAGE_MS) throw new PlatformError('discord', 'rate_limited', 'progress edits stop on messages older than an hour');
      }
      const channel = message.threadId ?? message.channelId;
      if (opts.priority === 'progress' && (channelEdits.get(channel) ?? 0) > 0) throw new PlatformError('discord', 'rate_limited', 'a progress edit would wait behind other edits in this channel');
      if (opts.priority === 'progress') await pace('edit', message, channel, { maxWaitMs: 0, keep: KEEP_FOR_FINAL });
      else if (!opts.reserved) await pace('edit', message, channel, { signal });
      channelEdits.set(channel, (channelEdits.get(channel) ?? 0) + 1);
      // The URL @discordjs/rest reports in a rate limit (api + version + route, no query for edits).
      const url = `${options.apiUrl}/v10${messagePath(message)}`;
      const waiting = editsWaiting.get(url) ?? { progress: 0, final: 0 };
      editsWaiting.set(url, waiting);
      waiting[opts.priority] += 1;
      try {
        await call('edit message', () => rest.patch(messagePath(message), { body: discordMessage(view), ...sig(signal) }), message, signal);
      } finally {
        waiting[opts.priority] -= 1;
        if (waiting.progress === 0 && waiting.final === 0 && editsWaiting.get(url) === waiting) editsWaiting.delete(url);
        const left = (channelEdits.get(channel) ?? 1) - 1;
        if (left > 0) channelEdits.set(channel, left);
        else channelEdits.delete(channel);
      }
    },

    async openThread(message, name, signal) {
      const conversation = (threadId: string): ConversationRef => ({ platform: 'discord', workspaceId: message.workspaceId, channelId: message.channelId, threadId });
      // A message inside a thread cannot start another one: stay in that thread.
      if (message.threadId) return conversation(message.threadId);
      const here: ConversationRef = { platform: 'discord', workspaceId: message.workspaceId, channelId: message.channelId };
      // DMs have no threads: the conversation goes on in the DM itself.
      if (isDm(message)) return here;
      try {
        const thread = ApiChannel.parse(
          await rest.post(`/channels/${message.channelId}/messages/${message.messageId}/threads`, { body: { name: name.slice(0, THREAD_NAME_MAX) || 'Generation', auto_archive_duration: 1440 }, ...sig(signal) }),
        );
        return conversation(thread.id);
      } catch (err) {
        // A thread started from a message has the message's id: a second start reuses it.
        if (err instanceof DiscordAPIError && Number(err.code) === THREAD_ALREADY_CREATED) return conversation(message.messageId);
        // A channel without threads (a voice channel's chat, a group DM): answer in the channel itself.
        if (err instanceof DiscordAPIError && Number(err.code) === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType) return here;
        if (isAbortError(err)) throw err;
        throw toPlatformError(err, 'start thread', err instanceof DiscordAPIError && err.status === 403 ? await accessIn(here, signal) : undefined);
      }
    },

    async upload(to, files: OutgoingFile[], opts, signal): Promise<UploadResult> {
      const limit = await maxUploadBytes(to, signal);
      const big = files.find((f) => f.bytes.byteLength > limit);
      // Refused before sending: Discord would answer 40005 only after receiving every byte.
      if (big) throw new PlatformError('discord', 'too_large', `\`${big.name}\` is ${(big.bytes.byteLength / MIB).toFixed(1)} MB, over ${isDm(to) ? 'the' : "this server's"} ${Math.round(limit / MIB)} MB upload limit.`);
      const msg = await call('upload', () => postFiles(target(to), files, opts.comment ? { content: opts.comment.slice(0, 2000), allowed_mentions: { parse: [] } } : {}, signal), to, signal);
      return { media: uploadedMedia(msg), messages: [ref(to, msg.id)] };
    },

    maxUploadBytes,

    async findUpload(to, name, sinceMs, signal) {
      const where = to.threadId ?? to.channelId;
      const recent = await call('read messages', async () => z.array(ApiMessage.extend({ timestamp: z.string().optional(), author: z.object({ id: z.string(), bot: z.boolean().optional() }).optional() })).parse(await rest.get(`/channels/${where}/messages`, { query: new URLSearchParams({ limit: '50' }), ...sig(signal) })), to, signal);
      for (const m of recent) {
        if (!m.author?.bot || (m.timestamp && Date.parse(m.timestamp) < sinceMs - 1000)) continue;
        const media = uploadedMedia(m).find((x) => x.name === name);
        if (media) return { message: ref(to, m.id), media };
      }
      return undefined;
    },

    async download(media, opts, signal): Promise<MediaFile> {
      if (!isDiscordFileHost(media.url, options.apiUrl)) throw new PlatformError('discord', 'forbidden', 'That file is not on Discord.');
      return options.downloadFile({
        platform: 'discord',
        media,
        maxBytes: opts.maxBytes,
        signal,
        explain: (refusal) =>
          refusal.status !== undefined && refusal.status < 500 && refusal.status !== 429
            ? new PlatformError('discord', 'not_found', 'Discord no longer serves that file (attachment links expire); share it again.', undefined, { cause: refusal })
            : undefined,
      });
    },

    async fetchMessageMedia(message, signal) {
      const msg = await call('read message', async () => ApiMessage.parse(await rest.get(messagePath(message), sig(signal))), message, signal);
      // Hidden is not "no image": the user is told how to reach it (the Animate image command), not that there is none.
      if (!isDm(message) && contentHidden(msg)) {
        throw new PlatformError('discord', 'forbidden', 'read message: content hidden (no MessageContent intent)', undefined, { access: { reason: 'content_hidden', channelId: message.channelId } });
      }
      return imagesOfApiMessage(msg);
    },

    async delete(message, signal) {
      await call('delete message', () => rest.delete(messagePath(message), sig(signal)), message, signal);
    },

    async directMessage(_workspace, userId, view, signal, files) {
      // Bots open a DM channel with the user first; it fails (403) when the user allows no DMs from the server.
      const channel = await call('open DM', async () => ApiChannel.parse(await rest.post('/users/@me/channels', { body: { recipient_id: userId }, ...sig(signal) })));
      const body = discordMessage(view);
      if (files && files.length > 0) await call('create message', () => postFiles(channel.id, files, { ...body }, signal));
      else await call('create message', () => rest.post(`/channels/${channel.id}/messages`, { body, ...sig(signal) }));
    },

    async userCanRead(conversation, userId, signal) {
      // A thread is a channel of its own on Discord (its parent's overwrites apply, see channel-access.ts).
      return access.canRead(conversation.workspaceId, conversation.threadId ?? conversation.channelId, userId, signal);
    },

    async postEphemeral(to, userId, view, signal) {
      // Outside an interaction Discord has no ephemeral messages: a normal reply that pings only that user.
      const payload = discordMessage(view);
      const body = { ...payload, content: `<@${userId}> ${payload.content}`.slice(0, 2000), allowed_mentions: { parse: [], users: [userId] } };
      await call('create message', () => rest.post(`/channels/${target(to)}/messages`, { body, ...sig(signal) }));
    },
  };
}
