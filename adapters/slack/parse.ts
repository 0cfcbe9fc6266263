/**
 * Slack payloads → neutral Invocations (pure). Invocation ids are stable across Slack's retries.
 * Every exported parser checks its payload against its schema (payloads.ts) first: a malformed
 * payload is refused with a ZodError, never half-read into a TypeError.
 */
import { z } from 'zod';
import type {
  ActionInvocation,
  CommandInvocation,
  MentionInvocation,
  ReactionInvocation,
  ShortcutInvocation,
} from '../../src/invocation.js';
import type { Actor, MediaRef } from '../../src/model.js';
import { extractImageUrls } from '../../src/prompt-media.js';
import { decodeButtonId } from '../../src/view.js';
import {
  BlockActionBody,
  DirectMessageEvent,
  LegacyAttachments,
  MentionEvent,
  MessageShortcutBody,
  ReactionEvent,
  ReactionHead,
  SlackFiles,
  SlashCommandBody,
  type LegacyAttachment,
  type SlackFile,
} from './payloads.js';

export type { BlockActionBody, DirectMessageEvent, LegacyAttachment, MentionEvent, MessageShortcutBody, ReactionEvent, SlackFile, SlashCommandBody };

export const SLASH_COMMANDS = ['/generate', '/animate', '/genbot'] as const;
/** Subcommands of `/genbot` (management): `/genbot models`, `/genbot connect krea <key>` … */
export const GENBOT_SUBCOMMANDS = ['models', 'credits', 'jobs', 'settings', 'connect', 'products', 'brief', 'help'] as const;
export const SHORTCUTS = { animate_image: 'animate', generate_from_message: 'generate_from_message' } as const;
/** What the manifest subscribes to: message.im is a user's direct message to the bot, app_home_opened its Home tab. */
export const BOT_EVENTS = ['app_mention', 'reaction_added', 'message.im', 'app_home_opened', 'app_uninstalled', 'tokens_revoked'] as const;

const MaybeFiles = SlackFiles.optional();
const MaybeText = z.string().optional();
const MaybeAttachments = LegacyAttachments.optional();

export function filesToMedia(files: SlackFile[] | undefined): MediaRef[] {
  return mediaOfFiles(MaybeFiles.parse(files));
}

/** Image links in message text and legacy attachments (image_url), as plain URL media. */
export function linkedImages(text: string | undefined, attachments?: LegacyAttachment[]): MediaRef[] {
  return linkedMedia(MaybeText.parse(text), MaybeAttachments.parse(attachments));
}

/** filesToMedia on files already checked. */
function mediaOfFiles(files: SlackFile[] | undefined): MediaRef[] {
  return (files ?? [])
    .filter((f) => f.url_private_download || f.url_private)
    .map((f) => ({
      url: (f.url_private_download || f.url_private)!,
      source: 'slack' as const,
      ...(f.name ? { name: f.name } : {}),
      ...(f.mimetype ? { mimeType: f.mimetype } : {}),
      ...(typeof f.size === 'number' ? { sizeBytes: f.size } : {}),
    }));
}

/** linkedImages on text and attachments already checked. */
function linkedMedia(text: string | undefined, attachments: LegacyAttachment[] | undefined): MediaRef[] {
  const urls = [...extractImageUrls(text ?? '').urls, ...(attachments ?? []).map((a) => a.image_url).filter((u): u is string => !!u)];
  return [...new Set(urls)].map((url) => ({ url, source: 'url' as const }));
}

/** `isAdmin` comes from the adapter's users.info check (admin-check.ts); every parser takes it. */
const actor = (userId: string, isAdmin: boolean, name?: string): Actor => ({ userId, isAdmin, ...(name ? { displayName: name } : {}) });

export function fromSlashCommand(payload: SlashCommandBody, isAdmin: boolean): CommandInvocation {
  const body = SlashCommandBody.parse(payload);
  let command = body.command.replace(/^\//, '');
  let text = body.text ?? '';
  if (command === 'genbot') {
    const [sub, ...rest] = text.trim().split(/\s+/);
    command = sub && (GENBOT_SUBCOMMANDS as readonly string[]).includes(sub.toLowerCase()) ? sub.toLowerCase() : 'help';
    text = rest.join(' ');
  }
  return {
    kind: 'command',
    id: `cmd:${body.trigger_id}`,
    platform: 'slack',
    workspaceId: body.team_id,
    actor: actor(body.user_id, isAdmin, body.user_name),
    conversation: { platform: 'slack', workspaceId: body.team_id, channelId: body.channel_id },
    receivedAt: Date.now(),
    command,
    text,
    attachments: [],
  };
}

/** The App Home remembers the user's DM with the app in its private_metadata, so answers have somewhere to go. */
export function homeChannelOf(view: { private_metadata?: string } | undefined): string | undefined {
  try {
    const meta = JSON.parse(view?.private_metadata ?? '') as { channel?: unknown };
    return typeof meta.channel === 'string' && meta.channel ? meta.channel : undefined;
  } catch {
    return undefined;
  }
}

export function fromBlockAction(payload: BlockActionBody, isAdmin: boolean): ActionInvocation | undefined {
  const body = BlockActionBody.parse(payload);
  const action = decodeButtonId(body.actions[0]?.action_id ?? '');
  const teamId = body.team?.id ?? body.user.team_id;
  const home = body.view?.type === 'home';
  // A button in the App Home: its "message" is the Home view, its conversation the app's DM.
  const channelId = body.channel?.id ?? body.container?.channel_id ?? (home ? homeChannelOf(body.view) : undefined);
  const ts = body.message?.ts ?? body.container?.message_ts ?? (home ? body.view?.id : undefined);
  if (!action || !teamId || !channelId || !ts) return undefined;
  const threadId = body.message?.thread_ts ?? body.container?.thread_ts;
  const conversation = { platform: 'slack' as const, workspaceId: teamId, channelId, ...(threadId ? { threadId } : {}) };
  return { kind: 'action', id: `act:${body.trigger_id}`, platform: 'slack', workspaceId: teamId, actor: actor(body.user.id, isAdmin, body.user.name), conversation, receivedAt: Date.now(), action, message: { ...conversation, messageId: ts } };
}

export function fromAppMention(event: MentionEvent, eventId: string, teamId: string, isAdmin: boolean, threadMedia: MediaRef[] = []): MentionInvocation {
  return mentionOf(MentionEvent.parse(event), eventId, teamId, isAdmin, threadMedia);
}

/** fromAppMention on an event already checked. */
function mentionOf(event: MentionEvent, eventId: string, teamId: string, isAdmin: boolean, threadMedia: MediaRef[]): MentionInvocation {
  const text = event.text.replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, ' ').replace(/\s+/g, ' ').trim();
  const conversation = { platform: 'slack' as const, workspaceId: teamId, channelId: event.channel, ...(event.thread_ts ? { threadId: event.thread_ts } : {}) };
  return {
    kind: 'mention',
    id: `evt:${eventId}`,
    platform: 'slack',
    workspaceId: teamId,
    actor: actor(event.user, isAdmin),
    conversation,
    receivedAt: Date.now(),
    text,
    attachments: mediaOfFiles(event.files),
    // Without thread_ts the message sits at the top of its channel: its own ts is its thread.
    message: { ...conversation, messageId: event.ts, ...(event.thread_ts ? {} : { topLevel: true }) },
    threadMedia,
  };
}

/**
 * Whether a `message.im` event (DirectMessageEvent) is one to act on: a person's new message or
 * file share. Edits, deletions, joins and the bot's own messages carry a subtype or a bot_id and
 * are not prompts. Reads the raw event, before any check: an event it rejects is not parsed.
 */
export function isDirectPrompt(event: DirectMessageEvent, botUserId?: string): boolean {
  if (event.channel_type !== 'im' || event.bot_id || !event.user || event.user === botUserId) return false;
  return event.subtype === undefined || event.subtype === 'file_share';
}

/** A direct message reads like a mention: the same commands (`help`, `animate`, a prompt with flags). */
export function fromDirectMessage(event: DirectMessageEvent, eventId: string, teamId: string, isAdmin: boolean, threadMedia: MediaRef[] = []): MentionInvocation {
  const checked = DirectMessageEvent.parse(event);
  return mentionOf({ ...checked, text: checked.text ?? '' }, eventId, teamId, isAdmin, threadMedia);
}

export function fromReaction(payload: ReactionEvent, eventId: string, teamId: string, isAdmin: boolean): ReactionInvocation | undefined {
  // A reaction to a file (no channel, no ts) is not for the bot: checked as far as that, then left.
  if (ReactionHead.parse(payload).item.type !== 'message') return undefined;
  const event = ReactionEvent.parse(payload);
  // Skin tones arrive as "clapper::skin-tone-2": the emoji is the part before.
  const emoji = event.reaction.split('::')[0]!;
  return {
    kind: 'reaction',
    // The event id: Slack's retries of this event dedupe; another reaction is another invocation
    // (one 🎬 job per message at a time is the reaction lock's job, commands/reaction.ts).
    id: `evt:${eventId}`,
    platform: 'slack',
    workspaceId: teamId,
    actor: actor(event.user, isAdmin),
    conversation: { platform: 'slack', workspaceId: teamId, channelId: event.item.channel },
    receivedAt: Date.now(),
    emoji,
    message: { platform: 'slack', workspaceId: teamId, channelId: event.item.channel, messageId: event.item.ts },
    ...(event.item_user ? { authorId: event.item_user } : {}),
  };
}

export function fromMessageShortcut(payload: MessageShortcutBody, isAdmin: boolean): ShortcutInvocation | undefined {
  const body = MessageShortcutBody.parse(payload);
  // Own keys only: a callback_id such as "toString" names no shortcut.
  const shortcut = Object.hasOwn(SHORTCUTS, body.callback_id) ? SHORTCUTS[body.callback_id as keyof typeof SHORTCUTS] : undefined;
  const teamId = body.team?.id ?? body.user.team_id;
  if (!shortcut || !teamId) return undefined;
  const threadId = body.message.thread_ts;
  const conversation = { platform: 'slack' as const, workspaceId: teamId, channelId: body.channel.id, ...(threadId ? { threadId } : {}) };
  return {
    kind: 'shortcut',
    id: `sc:${body.trigger_id}`,
    platform: 'slack',
    workspaceId: teamId,
    actor: actor(body.user.id, isAdmin, body.user.name),
    conversation,
    receivedAt: Date.now(),
    shortcut,
    message: { ...conversation, messageId: body.message.ts },
    messageText: extractImageUrls(body.message.text ?? '').text,
    media: [...mediaOfFiles(body.message.files), ...linkedMedia(body.message.text, body.message.attachments)],
  };
}
