/**
 * ChatPlatform for Discord over REST only (@discordjs/rest): workers never need the gateway. Two
 * REST clients: the normal one queues behind rate limits (final edits, uploads); the progress one
 * rejects a rate-limited route at once so a stale progress edit is dropped, never queued.
 */
import { DiscordAPIError, RateLimitError, REST, type RESTOptions } from '@discordjs/rest';
import { fetch, request } from 'undici';
import { PlatformError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { isImageMime, type ConversationRef, type MediaFile, type MediaRef, type MessageRef } from '../../src/model.js';
import type { ChatPlatform, OutgoingFile, UploadResult } from '../../src/ports.js';
import { renderDiscordMessage } from './render.js';

/** Per-file upload limit by the guild's boost tier (10 MiB default, more with boosts). */
export const UPLOAD_LIMIT_BY_TIER = [10, 10, 50, 100].map((mb) => mb * 1024 * 1024);
/** Discord caps edits of messages older than an hour (30046): progress stops editing them. */
export const OLD_MESSAGE_MS = 60 * 60 * 1000;
const DISCORD_EPOCH = 1420070400000n;

export function snowflakeTime(id: string): number {
  try {
    return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
  } catch {
    return Date.now();
  }
}

export function isDiscordFileHost(url: string, apiUrl: string): boolean {
  try {
    const host = new URL(url).host;
    return host === new URL(apiUrl).host || host === 'cdn.discordapp.com' || host === 'media.discordapp.net';
  } catch {
    return false;
  }
}

interface ApiMessage {
  id: string;
  channel_id: string;
  attachments?: Array<{ url: string; filename?: string; content_type?: string; size?: number; width?: number; height?: number }>;
  embeds?: Array<{ image?: { url: string }; thumbnail?: { url: string } }>;
}

export function mediaOfMessage(message: ApiMessage): MediaRef[] {
  const attachments = (message.attachments ?? []).map((a): MediaRef => ({
    url: a.url,
    source: 'discord',
    ...(a.filename ? { name: a.filename } : {}),
    ...(a.content_type ? { mimeType: a.content_type.split(';')[0]! } : {}),
    ...(typeof a.size === 'number' ? { sizeBytes: a.size } : {}),
  }));
  const embeds = (message.embeds ?? []).flatMap((e) => [e.image?.url, e.thumbnail?.url]).filter((u): u is string => !!u).map((url): MediaRef => ({ url, source: 'url' }));
  return [...attachments.filter((m) => !m.mimeType || isImageMime(m.mimeType)), ...embeds];
}

function toPlatformError(err: unknown, what: string): PlatformError {
  if (err instanceof RateLimitError) return new PlatformError('discord', 'rate_limited', `${what}: rate limited`, err.retryAfter, { cause: err });
  if (err instanceof DiscordAPIError) {
    const code = Number(err.code);
    if (code === 40005 || err.status === 413) return new PlatformError('discord', 'too_large', `${what}: file too large`, undefined, { cause: err });
    if (code === 10008 || code === 10003 || err.status === 404) return new PlatformError('discord', 'not_found', `${what}: not found`, undefined, { cause: err });
    if (err.status === 401) return new PlatformError('discord', 'invalid_auth', `${what}: invalid token`, undefined, { cause: err });
    if (err.status === 403) return new PlatformError('discord', 'forbidden', `${what}: missing permissions`, undefined, { cause: err });
    if (code === 30046) return new PlatformError('discord', 'rate_limited', `${what}: edit limit for old messages`, 60_000, { cause: err });
  }
  return new PlatformError('discord', 'other', `${what}: ${err instanceof Error ? err.message : 'failed'}`, undefined, { cause: err });
}

/**
 * @discordjs/rest hands multipart bodies to its own undici as a FormData; when another undici
 * major (ours) owns the process-wide dispatcher, that FormData is not readable by it. Encoding
 * the FormData to bytes first (with its boundary header) works with any undici.
 */
export async function makeDiscordRequest(url: string, init: Record<string, unknown>) {
  let body = init['body'] as unknown;
  const headers: Record<string, string> = { ...((init['headers'] as Record<string, string> | undefined) ?? {}) };
  if (body instanceof FormData) {
    const encoded = new Response(body);
    headers['content-type'] = encoded.headers.get('content-type')!;
    body = Buffer.from(await encoded.arrayBuffer());
  }
  const res = await request(url, { method: init['method'] as 'GET', headers, body: body as Buffer | string | null, signal: init['signal'] as AbortSignal });
  return {
    body: res.body,
    arrayBuffer: () => res.body.arrayBuffer(),
    json: () => res.body.json(),
    text: () => res.body.text(),
    get bodyUsed() {
      return res.body.bodyUsed;
    },
    headers: new Headers(Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, String(v)] as [string, string]]))),
    status: res.statusCode,
    statusText: '',
    ok: res.statusCode >= 200 && res.statusCode < 300,
  };
}

export interface DiscordPlatformOptions {
  token: string;
  apiUrl: string;
  logger: Logger;
}

export function createDiscordPlatform(options: DiscordPlatformOptions): ChatPlatform {
  const makeRequest = makeDiscordRequest as unknown as RESTOptions['makeRequest'];
  const rest = new REST({ api: options.apiUrl, version: '10', makeRequest }).setToken(options.token);
  const progress = new REST({ api: options.apiUrl, version: '10', rejectOnRateLimit: () => true, retries: 0, makeRequest }).setToken(options.token);
  const tiers = new Map<string, { limit: number; at: number }>();
  const ref = (workspaceId: string, channelId: string, id: string, threadId?: string): MessageRef => ({ platform: 'discord', workspaceId, channelId, messageId: id, ...(threadId ? { threadId } : {}) });
  const target = (to: ConversationRef) => to.threadId ?? to.channelId;

  return {
    platform: 'discord',
    async post(to, view) {
      try {
        const msg = (await rest.post(`/channels/${target(to)}/messages`, { body: renderDiscordMessage(view) })) as ApiMessage;
        return ref(to.workspaceId, to.channelId, msg.id, to.threadId);
      } catch (err) {
        throw toPlatformError(err, 'create message');
      }
    },
    async update(message, view, opts) {
      if (opts.priority === 'progress' && Date.now() - snowflakeTime(message.messageId) > OLD_MESSAGE_MS) {
        throw new PlatformError('discord', 'rate_limited', 'progress edits stop on messages older than an hour');
      }
      try {
        await (opts.priority === 'progress' ? progress : rest).patch(`/channels/${message.threadId ?? message.channelId}/messages/${message.messageId}`, { body: renderDiscordMessage(view) });
      } catch (err) {
        throw toPlatformError(err, 'edit message');
      }
    },
    async openThread(message, name) {
      if (message.threadId) return { platform: 'discord', workspaceId: message.workspaceId, channelId: message.channelId, threadId: message.threadId };
      try {
        const thread = (await rest.post(`/channels/${message.channelId}/messages/${message.messageId}/threads`, { body: { name: name.slice(0, 100) || 'Generation', auto_archive_duration: 1440 } })) as { id: string };
        return { platform: 'discord', workspaceId: message.workspaceId, channelId: message.channelId, threadId: thread.id };
      } catch (err) {
        // 160004: a thread already exists; a thread started from a message has the message's id.
        if (err instanceof DiscordAPIError && Number(err.code) === 160004) return { platform: 'discord', workspaceId: message.workspaceId, channelId: message.channelId, threadId: message.messageId };
        throw toPlatformError(err, 'start thread');
      }
    },
    async upload(to, files: OutgoingFile[]): Promise<UploadResult> {
      try {
        const msg = (await rest.post(`/channels/${target(to)}/messages`, {
          body: { attachments: files.map((f, i) => ({ id: i, filename: f.name, ...(f.altText ? { description: f.altText.slice(0, 1024) } : {}) })) },
          files: files.map((f) => ({ name: f.name, data: Buffer.from(f.bytes), contentType: f.mimeType })),
        })) as ApiMessage;
        return { media: mediaOfMessage(msg), messages: [ref(to.workspaceId, to.channelId, msg.id, to.threadId)] };
      } catch (err) {
        throw toPlatformError(err, 'upload');
      }
    },
    async maxUploadBytes(to) {
      const hit = tiers.get(to.workspaceId);
      if (hit && Date.now() - hit.at < 10 * 60_000) return hit.limit;
      try {
        const guild = (await rest.get(`/guilds/${to.workspaceId}`)) as { premium_tier?: number };
        const limit = UPLOAD_LIMIT_BY_TIER[guild.premium_tier ?? 0] ?? UPLOAD_LIMIT_BY_TIER[0]!;
        tiers.set(to.workspaceId, { limit, at: Date.now() });
        return limit;
      } catch {
        return UPLOAD_LIMIT_BY_TIER[0]!;
      }
    },
    async download(media, opts, signal): Promise<MediaFile> {
      if (!isDiscordFileHost(media.url, options.apiUrl)) throw new PlatformError('discord', 'forbidden', 'That file is not on Discord.');
      const res = await fetch(media.url, { signal: signal ?? AbortSignal.timeout(60_000) });
      if (!res.ok) throw new PlatformError('discord', 'not_found', 'Discord no longer serves that file (attachment links expire); share it again.');
      const declared = Number(res.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        await res.body?.cancel();
        throw new PlatformError('discord', 'too_large', `\`${media.name ?? 'That file'}\` is over the ${Math.round(opts.maxBytes / 1048576)} MB limit.`);
      }
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length > opts.maxBytes) throw new PlatformError('discord', 'too_large', `\`${media.name ?? 'That file'}\` is over the ${Math.round(opts.maxBytes / 1048576)} MB limit.`);
      return { name: media.name ?? 'file', mimeType: media.mimeType ?? res.headers.get('content-type') ?? 'application/octet-stream', bytes };
    },
    async fetchMessageMedia(message) {
      try {
        return mediaOfMessage((await rest.get(`/channels/${message.threadId ?? message.channelId}/messages/${message.messageId}`)) as ApiMessage);
      } catch (err) {
        throw toPlatformError(err, 'read message');
      }
    },
    async delete(message) {
      try {
        await rest.delete(`/channels/${message.threadId ?? message.channelId}/messages/${message.messageId}`);
      } catch (err) {
        throw toPlatformError(err, 'delete message');
      }
    },
    async postEphemeral(to, userId, view) {
      // Outside an interaction Discord has no ephemeral messages: a normal reply that names the user.
      const payload = renderDiscordMessage(view);
      try {
        await rest.post(`/channels/${target(to)}/messages`, { body: { ...payload, content: `<@${userId}> ${payload.content}`.slice(0, 2000), allowed_mentions: { users: [userId] } } });
      } catch (err) {
        throw toPlatformError(err, 'create message');
      }
    },
  };
}
