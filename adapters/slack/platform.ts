/**
 * ChatPlatform for one Slack workspace. Status posts, card edits and uploads (every job's calls)
 * go through ./web-api-call.ts, everything else through @slack/web-api's WebClient. Final edits,
 * posts and uploads wait and retry on 429; progress edits fail at once when rate limited, so a
 * busy workspace drops a progress edit instead of pausing every call behind it.
 */
import { ErrorCode, WebClient, type WebAPICallResult } from '@slack/web-api';
import { z } from 'zod';
import { PlatformError } from '../../src/errors.js';
import { paceCall } from '../../src/pace-call.js';
import { localizeView } from '../../src/hints.js';
import type { Logger } from '../../src/logger.js';
import { isImageMime, type ConversationRef, type MediaFile, type MediaRef, type MessageRef } from '../../src/model.js';
import type { HostedMedia } from '../../src/generation.js';
import type { CallPacer, ChatPlatform, OutgoingFile, PlatformFileDownloader, UploadResult } from '../../src/ports.js';
import type { MessageView } from '../../src/view.js';
import { filesToMedia, linkedImages, type SlackFile } from './parse.js';
import { slackLogger } from './logger.js';
import { SLACK_POST_PER_CHANNEL, SLACK_POST_SENT_PER_CHANNEL, slackMethodRule, slackPaceCall, slackPostSentCall } from './rate-limits.js';
import { renderSlackMessage } from './render.js';
import { slackFetch } from './transport.js';
import { createSlackWebApi, type SlackCallOptions } from './web-api-call.js';

export const SLACK_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
/** How long a "may this user read that channel" answer is trusted. */
const READ_CACHE_MS = 60_000;
/** conversations.members pages of this size, at most this many (10,000 members). */
const MEMBERS_PAGE = 200;
const MEMBERS_MAX_PAGES = 50;

// Assumptions (Slack's conversation object): a public channel has `is_channel: true` and
// `is_private: false`; private channels, DMs (`is_im`) and group DMs (`is_mpim`) are only readable
// by their members. conversations.info/members need channels:read (public) and groups:read
// (private); a conversation the bot cannot see answers `channel_not_found`, read here as "no".
const ConversationInfo = z.object({ channel: z.object({ is_channel: z.boolean().optional(), is_private: z.boolean().optional() }) });
const ConversationMembers = z.object({ members: z.array(z.string()).default([]), response_metadata: z.object({ next_cursor: z.string().optional() }).optional() });
// Guests (single- and multi-channel) only see the channels they were invited to, public or not.
const UserGuest = z.object({ user: z.object({ is_restricted: z.boolean().optional(), is_ultra_restricted: z.boolean().optional() }).optional() });

export interface SlackPlatformOptions {
  token: string;
  apiUrl: string;
  teamId: string;
  logger: Logger;
  /** Downloads Slack's files through the SSRF-safe fetcher (src/main wires adapters/net's). */
  downloadFile: PlatformFileDownloader;
  /** Keeps calls under Slack's published limits (./rate-limits.ts), across processes; none: rely on Slack's 429s. */
  pacer?: CallPacer;
  /** conversations.history/replies per minute when Slack limits this app more than Tier 3 (SLACK_HISTORY_PER_MINUTE). */
  historyPerMinute?: number;
}

/** The longest a call waits in place for its slot; a longer wait is handed to the job as a delay. */
const IN_CALL_WAIT_MS = 5000;
/** Slots of each method's burst that best-effort calls (progress edits) leave to the calls that must go. */
const KEEP_FOR_FINAL = 2;
/** The hot-path calls retry as the WebClient did (5 tries, backoff from 0.5 s); a progress edit never. */
const CALL_RETRIES: SlackCallOptions = { retries: 5 };
const PROGRESS_CALL: SlackCallOptions = { retries: 0, rejectRateLimited: true };
const UploadUrl = z.object({ upload_url: z.string().url(), file_id: z.string().min(1) });
const Completed = z.object({ files: z.array(z.object({ id: z.string() })).default([]) });

/** Far enough to reserve any slot (a step then waits for it outside a worker slot). */
const ANY_WAIT_MS = 1e12;
/** The longest wait the second chat.postMessage gate spends inside a call. */
const SENT_GATE_WAIT_MS = 1500;

/** Hosts a bot token may be sent to: Slack's file hosts (Slack's file docs: url_private needs the bot token) and the configured API host, where a private deployment or a loopback fake serves files. */
export function isSlackFileHost(url: string, apiUrl: string): boolean {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return false;
  }
  const apiHost = new URL(apiUrl).host;
  return host === apiHost || host === 'files.slack.com' || host.endsWith('.slack.com') || host.endsWith('.slack-edge.com');
}

/**
 * Slack's error codes as PlatformErrors. `channel` is the conversation the call was about: a bot
 * outside a public channel gets `not_in_channel`; outside a private one Slack does not even show
 * it exists (`channel_not_found`), and both mean "invite me" to the user (src/hints.ts).
 */
export function toPlatformError(err: unknown, what: string, channel?: string): PlatformError {
  // Already ours (the pacer held the call back, a refused download): keep its code and its wait.
  if (err instanceof PlatformError) return err;
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e?.code === ErrorCode.RateLimitedError) return new PlatformError('slack', 'rate_limited', `${what}: rate limited`, (e.retryAfter ?? 1) * 1000, { cause: err });
  const code = e?.data?.error;
  const access = { reason: 'not_in_channel' as const, ...(channel ? { channelId: channel } : {}) };
  if (code === 'channel_not_found') return new PlatformError('slack', 'not_found', `${what}: ${code}`, undefined, { cause: err, access });
  if (code === 'not_in_channel') return new PlatformError('slack', 'forbidden', `${what}: ${code}`, undefined, { cause: err, access });
  if (code === 'message_not_found') return new PlatformError('slack', 'not_found', `${what}: ${code}`, undefined, { cause: err });
  if (code === 'invalid_auth' || code === 'token_revoked' || code === 'account_inactive' || code === 'not_authed') return new PlatformError('slack', 'invalid_auth', `${what}: ${code}`, undefined, { cause: err });
  if (code === 'restricted_action' || code === 'missing_scope') return new PlatformError('slack', 'forbidden', `${what}: ${code}`, undefined, { cause: err });
  return new PlatformError('slack', 'other', `${what}: ${code ?? (err instanceof Error ? err.message : 'failed')}`, undefined, { cause: err });
}

/**
 * A file's `url_private`, which the upload answer does not carry. Slack documents it as
 * `https://files.slack.com/files-pri/{team}-{file}/{name}` (the slack_file object docs); a
 * private deployment or a loopback fake serves files on its API host instead.
 */
export function filePrivateUrl(apiUrl: string, teamId: string, fileId: string, name: string): string {
  const api = new URL(apiUrl);
  const host = api.host === 'slack.com' || api.host.endsWith('.slack.com') ? 'https://files.slack.com' : api.origin;
  return `${host}/files-pri/${encodeURIComponent(teamId)}-${encodeURIComponent(fileId)}/${encodeURIComponent(name)}`;
}

interface HistoryMessage {
  ts: string;
  thread_ts?: string;
  text?: string;
  files?: SlackFile[];
  attachments?: Array<{ image_url?: string }>;
}

/** Block Kit for a view, with any hint token left in it written the Slack way (src/hints.ts). */
const slackMessage = (view: MessageView) => renderSlackMessage(localizeView(view, 'slack'));

export function createSlackPlatform(options: SlackPlatformOptions): ChatPlatform {
  const { token, apiUrl, teamId } = options;
  // The hot path (posts, edits, uploads) goes through ./web-api-call.ts; the rest through the
  // WebClient, on undici underneath (./transport.ts): the WHATWG fetch was a job's largest CPU cost.
  // The WebClient is made on first use: a worker following thousands of workspaces keeps one
  // platform each, and most of them never need more than the hot path.
  const api = createSlackWebApi({ token, apiUrl });
  let webClient: WebClient | undefined;
  const client = () => (webClient ??= new WebClient(token, { slackApiUrl: apiUrl, logger: slackLogger(options.logger), fetch: slackFetch(), retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 30_000 } }));
  const ref = (channelId: string, ts: string, threadId?: string): MessageRef => ({ platform: 'slack', workspaceId: teamId, channelId, messageId: ts, ...(threadId ? { threadId } : {}) });
  const readable = new Map<string, { ok: boolean; at: number }>();
  const workspace = { platform: 'slack' as const, workspaceId: teamId };
  const ruleFor = (method: string, channel?: string) =>
    method === 'chat.postMessage' && channel ? SLACK_POST_PER_CHANNEL : slackMethodRule(method, options.historyPerMinute ? { historyPerMinute: options.historyPerMinute } : {});

  /**
   * Waits for the method's slot under Slack's limits. A slot further off than `maxWaitMs` is not
   * taken: the call fails as rate_limited with the wait, before Slack is asked at all.
   */
  async function pace(method: string, channel?: string, opts: { maxWaitMs?: number; keep?: number; signal?: AbortSignal | undefined } = {}): Promise<void> {
    if (!options.pacer) return;
    await paceCall(options.pacer, workspace, slackPaceCall(method, channel), ruleFor(method, channel), { maxWaitMs: opts.maxWaitMs ?? IN_CALL_WAIT_MS, keep: opts.keep, signal: opts.signal, what: method, why: "to stay under Slack's limit" });
  }

  /**
   * The second gate for chat.postMessage (SLACK_POST_SENT_PER_CHANNEL). Its waits are short, as the
   * first gate keeps the average; when several late jobs meet here at once (workers restarted), a
   * longer wait is not spent inside a worker: the call fails as rate_limited with the wait, and a
   * job holding a reserved slot comes back for it later (jobs/steps/announce.ts).
   */
  async function spaceSentPost(channel: string, signal?: AbortSignal): Promise<void> {
    if (!options.pacer) return;
    await paceCall(options.pacer, workspace, slackPostSentCall(channel), SLACK_POST_SENT_PER_CHANNEL, { maxWaitMs: SENT_GATE_WAIT_MS, signal, what: 'chat.postMessage', why: `to space posts in ${channel}` });
  }

  async function isMember(channel: string, userId: string): Promise<boolean> {
    let cursor: string | undefined;
    for (let page = 0; page < MEMBERS_MAX_PAGES; page++) {
      await pace('conversations.members');
      const res = ConversationMembers.parse(await client().conversations.members({ channel, limit: MEMBERS_PAGE, ...(cursor ? { cursor } : {}) }));
      // Stop at the first page that has the user: no need to list a big channel to the end.
      if (res.members.includes(userId)) return true;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return false;
    }
    return false;
  }

  async function canRead(channel: string, userId: string): Promise<boolean> {
    await pace('conversations.info');
    const info = ConversationInfo.parse(await client().conversations.info({ channel }));
    if (info.channel.is_channel && !info.channel.is_private) {
      await pace('users.info');
      const user = UserGuest.parse(await client().users.info({ user: userId })).user;
      if (!user?.is_restricted && !user?.is_ultra_restricted) return true;
    }
    return isMember(channel, userId);
  }

  async function findMessage(channel: string, ts: string): Promise<HistoryMessage | undefined> {
    await pace('conversations.history');
    const history = (await client().conversations.history({ channel, latest: ts, inclusive: true, limit: 1 })) as WebAPICallResult & { messages?: HistoryMessage[] };
    const top = history.messages?.find((m) => m.ts === ts);
    if (top) return top;
    // Not at the top level: a thread reply, which only conversations.replies returns. Its answer
    // always starts with the thread's parent, so the reply itself (oldest = latest = ts) is second.
    await pace('conversations.replies');
    const replies = (await client().conversations.replies({ channel, ts, oldest: ts, latest: ts, inclusive: true, limit: 2 })) as WebAPICallResult & { messages?: HistoryMessage[] };
    return replies.messages?.find((m) => m.ts === ts);
  }

  /** The thread a message opens or sits in, when its ref says so without a call (a reply's or a top-level post's ts). */
  function knownThread(message: MessageRef): ConversationRef | undefined {
    const threadId = message.threadId ?? (message.topLevel ? message.messageId : undefined);
    return threadId ? { platform: 'slack', workspaceId: teamId, channelId: message.channelId, threadId } : undefined;
  }

  return {
    platform: 'slack',
    async reserve(call, where) {
      // A slot however far: the job waits for it as a delay, holding no worker, and keeps its place.
      const method = call === 'post' ? 'chat.postMessage' : 'chat.update';
      if (!options.pacer) return 0;
      return (await options.pacer.take(workspace, slackPaceCall(method, where.channelId), ruleFor(method, where.channelId), { maxWaitMs: ANY_WAIT_MS })).waitMs;
    },
    async post(to: ConversationRef, view: MessageView, signal?: AbortSignal, opts?: { reserved?: boolean }) {
      try {
        if (!opts?.reserved) await pace('chat.postMessage', to.channelId, { signal });
        await spaceSentPost(to.channelId, signal);
        const res = await api.call('chat.postMessage', { channel: to.channelId, ...slackMessage(view), ...(to.threadId ? { thread_ts: to.threadId } : {}), unfurl_links: false, unfurl_media: false }, CALL_RETRIES);
        // Posted at the top of the channel: its own ts is its thread, no history lookup needed.
        return to.threadId ? ref(to.channelId, String(res.ts), to.threadId) : { ...ref(to.channelId, String(res.ts)), topLevel: true };
      } catch (err) {
        throw toPlatformError(err, 'chat.postMessage', to.channelId);
      }
    },
    async update(message: MessageRef, view: MessageView, opts: { priority: 'progress' | 'final'; reserved?: boolean }, signal?: AbortSignal) {
      try {
        // Progress only takes a spare slot at once; final edits wait for theirs.
        if (opts.priority === 'progress') await pace('chat.update', undefined, { maxWaitMs: 0, keep: KEEP_FOR_FINAL });
        else if (!opts.reserved) await pace('chat.update', undefined, { signal });
        await api.call('chat.update', { channel: message.channelId, ts: message.messageId, ...slackMessage(view) }, opts.priority === 'progress' ? PROGRESS_CALL : CALL_RETRIES);
      } catch (err) {
        throw toPlatformError(err, 'chat.update', message.channelId);
      }
    },
    threadOf: knownThread,
    async openThread(message: MessageRef) {
      // A thread is the parent's ts. A reply's ts is not a thread: find its parent.
      const known = knownThread(message);
      if (known) return known;
      const found = await findMessage(message.channelId, message.messageId).catch(() => undefined);
      return { platform: 'slack', workspaceId: teamId, channelId: message.channelId, threadId: found?.thread_ts ?? message.messageId };
    },
    async upload(to: ConversationRef, files: OutgoingFile[], opts: { comment?: string }, signal?: AbortSignal): Promise<UploadResult> {
      try {
        // filesUploadV2 makes one of each per call (all files in one completeUploadExternal).
        for (let i = 0; i < files.length; i++) await pace('files.getUploadURLExternal', undefined, { signal });
        await pace('files.completeUploadExternal', undefined, { signal });
        // files.uploadV2's three steps: an upload URL per file, the bytes, one completion sharing them all.
        const ids: string[] = [];
        for (const f of files) {
          // alt_txt is the documented name (docs.slack.dev); the Node SDK sends alt_text: both, so either reading works.
          const url = UploadUrl.parse(await api.call('files.getUploadURLExternal', { filename: f.name, length: f.bytes.length, ...(f.altText ? { alt_txt: f.altText, alt_text: f.altText } : {}) }, CALL_RETRIES));
          await api.uploadBytes(url.upload_url, f.bytes, { ...CALL_RETRIES, withToken: isSlackFileHost(url.upload_url, apiUrl), ...(signal ? { signal } : {}) });
          ids.push(url.file_id);
        }
        const res = Completed.parse(
          await api.call('files.completeUploadExternal', {
            files: ids.map((id, i) => ({ id, title: files[i]!.name })),
            channel_id: to.channelId,
            ...(to.threadId ? { thread_ts: to.threadId } : {}),
            ...(opts.comment ? { initial_comment: opts.comment } : {}),
          }, CALL_RETRIES),
        );
        const uploaded = res.files;
        // files.completeUploadExternal answers ids (and titles) in the order of the files sent.
        const media = uploaded.flatMap((f, i): HostedMedia[] => {
          const file = files[i];
          return file ? [{ url: filePrivateUrl(apiUrl, teamId, f.id, file.name), source: 'slack', fileId: f.id, name: file.name, mimeType: file.mimeType, sizeBytes: file.bytes.length }] : [];
        });
        // The message the upload became is not asked for (files.info would be one more call per job):
        // a 🎬 on a result reads that message when it happens, which is rare next to uploads.
        return { media, messages: [] };
      } catch (err) {
        throw toPlatformError(err, 'files.uploadV2', to.channelId);
      }
    },
    async findUpload(to: ConversationRef, name: string, sinceMs: number) {
      if (!to.threadId) return undefined;
      try {
        await pace('conversations.replies');
        const res = (await client().conversations.replies({ channel: to.channelId, ts: to.threadId, oldest: (sinceMs / 1000 - 1).toFixed(6), limit: 100 })) as WebAPICallResult & { messages?: HistoryMessage[] };
        for (const m of res.messages ?? []) {
          const file = (m.files ?? []).find((f) => f.name === name && f.id);
          if (file) return { message: ref(to.channelId, m.ts, to.threadId), media: { url: filePrivateUrl(apiUrl, teamId, file.id!, name), source: 'slack' as const, fileId: file.id!, name } };
        }
        return undefined;
      } catch (err) {
        throw toPlatformError(err, 'conversations.replies', to.channelId);
      }
    },
    async maxUploadBytes() {
      return SLACK_MAX_UPLOAD_BYTES;
    },
    async download(media: MediaRef, opts: { maxBytes: number }, signal?: AbortSignal): Promise<MediaFile> {
      if (!isSlackFileHost(media.url, apiUrl)) throw new PlatformError('slack', 'forbidden', 'That file is not on Slack; the bot token is only ever sent to Slack.');
      return options.downloadFile({
        platform: 'slack',
        media,
        maxBytes: opts.maxBytes,
        signal,
        headers: { authorization: `Bearer ${token}` },
        // The token goes to Slack's file hosts only; a redirect elsewhere (a signed CDN link) goes without it.
        authorizedOrigin: (url) => isSlackFileHost(url.href, apiUrl),
        explain: (refusal) => {
          // Slack answers a failed file auth with its HTML sign-in page (status 200), not an error status.
          const signIn = refusal.reason === 'unsupported_type' && refusal.declaredType?.startsWith('text/html');
          if (signIn || refusal.status === 401 || refusal.status === 403) {
            return new PlatformError('slack', 'invalid_auth', 'Slack did not let the bot read that file (is the app missing the files:read scope?).', undefined, { cause: refusal });
          }
          if (refusal.status === 404) return new PlatformError('slack', 'not_found', 'That file was deleted from Slack; share it again.', undefined, { cause: refusal });
          return undefined;
        },
      });
    },
    async fetchMessageMedia(message: MessageRef) {
      try {
        const found = await findMessage(message.channelId, message.messageId);
        if (!found) return [];
        return [...filesToMedia(found.files).filter((m) => !m.mimeType || isImageMime(m.mimeType)), ...linkedImages(found.text, found.attachments)];
      } catch (err) {
        throw toPlatformError(err, 'conversations.history', message.channelId);
      }
    },
    async delete(message: MessageRef) {
      try {
        await pace('chat.delete');
        await client().chat.delete({ channel: message.channelId, ts: message.messageId });
      } catch (err) {
        throw toPlatformError(err, 'chat.delete', message.channelId);
      }
    },
    async directMessage(_workspace, userId: string, view: MessageView, _signal?: AbortSignal, files?: OutgoingFile[]) {
      try {
        // A user id as the channel posts in the app's DM with that user (chat:write is enough); the answer names the DM.
        await pace('chat.postMessage', userId);
        await spaceSentPost(userId);
        const res = await client().chat.postMessage({ channel: userId, ...slackMessage(view), unfurl_links: false, unfurl_media: false });
        if (files && files.length > 0 && res.channel) {
          for (let i = 0; i < files.length; i++) await pace('files.getUploadURLExternal');
          await pace('files.completeUploadExternal');
          await client().filesUploadV2({ channel_id: res.channel, file_uploads: files.map((f) => ({ file: Buffer.from(f.bytes), filename: f.name })) } as Parameters<WebClient['filesUploadV2']>[0]);
        }
      } catch (err) {
        throw toPlatformError(err, 'chat.postMessage (DM)');
      }
    },
    async userCanRead(conversation: ConversationRef, userId: string) {
      const key = `${conversation.channelId}:${userId}`;
      const hit = readable.get(key);
      if (hit && Date.now() - hit.at < READ_CACHE_MS) return hit.ok;
      try {
        const ok = await canRead(conversation.channelId, userId);
        if (readable.size > 5_000) readable.clear();
        readable.set(key, { ok, at: Date.now() });
        return ok;
      } catch (err) {
        // Unknown channel, no access for the bot, or Slack failing: all read as "no" (not cached), and look alike to the user.
        options.logger.info({ err: toPlatformError(err, 'conversations.info'), channel: conversation.channelId }, 'could not confirm that the user can read that channel');
        return false;
      }
    },
    async postEphemeral(to: ConversationRef, userId: string, view: MessageView) {
      try {
        await pace('chat.postEphemeral');
        await client().chat.postEphemeral({ channel: to.channelId, user: userId, ...slackMessage(view), ...(to.threadId ? { thread_ts: to.threadId } : {}) });
      } catch (err) {
        throw toPlatformError(err, 'chat.postEphemeral', to.channelId);
      }
    },
  };
}
