/**
 * Pure: Discord interactions and reaction events → platform-neutral Invocations.
 *
 * The inputs are small structural types that discord.js objects already satisfy (Message,
 * Attachment, CommandInteractionOption …), so client.ts passes its objects straight in and the
 * unit tests pass plain literals. Nothing here does I/O or reads a clock: the caller gives
 * `receivedAt`.
 */
import type {
  ActionInvocation,
  AutocompleteInvocation,
  CommandInvocation,
  MentionInvocation,
  ReactionInvocation,
  ShortcutInvocation,
  SubmitInvocation,
} from '../../src/invocation.js';
import { isImageMime, type Actor, type ConversationRef, type MediaRef, type MessageRef } from '../../src/model.js';
import { decodeButtonId } from '../../src/view.js';
import { isDiscordAdmin, type PermissionsLike } from './permissions.js';

export type { PermissionsLike };

/** The message context-menu command (type 3) that animates a message's image. */
export const ANIMATE_CONTEXT_MENU = 'Animate image';

/**
 * The workspace of direct messages with the bot: they belong to no guild. Discord writes its own
 * DM links as `https://discord.com/channels/@me/{channel}/{message}`, so message links parse the
 * same way. Settings, quotas and keys of this workspace are the defaults: no admin can change them
 * (admin commands are guild-only), and jobs here use the operator's server-wide keys.
 */
export const DM_WORKSPACE = '@me';

/** Unicode emoji → the names Slack and the settings use (`animate_emoji clapper`). */
export const EMOJI_NAMES: Readonly<Record<string, string>> = {
  '🎬': 'clapper',
  '❌': 'x',
  '✖️': 'heavy_multiplication_x',
  '🎥': 'movie_camera',
  '📽️': 'film_projector',
  '🔁': 'repeat',
  '🗑️': 'wastebasket',
};

export interface UserLike {
  id: string;
  username?: string | null;
  globalName?: string | null;
}

export interface AttachmentLike {
  url: string;
  name?: string | null;
  contentType?: string | null;
  size?: number | null;
  width?: number | null;
  height?: number | null;
}

export interface EmbedLike {
  image?: { url: string } | null;
  thumbnail?: { url: string } | null;
}

/** A discord.js Message (attachments is a Collection; a Map works as well). */
export interface MessageLike {
  id: string;
  content?: string | null;
  author?: { id: string } | null;
  attachments: { values(): Iterable<AttachmentLike> };
  embeds: readonly EmbedLike[];
}

/** Where and by whom: what every interaction carries. */
export interface InteractionContext {
  interactionId: string;
  /** The guild, or DM_WORKSPACE in a DM with the bot. */
  guildId: string;
  /** The channel the interaction happened in (a thread's own id when in a thread). */
  channelId: string;
  /** Set when `channelId` is a thread: the thread's parent channel. */
  threadParentId?: string | null;
  user: UserLike;
  /** The member's permissions in that channel (interaction.memberPermissions). */
  permissions: PermissionsLike | null | undefined;
  receivedAt: number;
}

/** discord.js CommandInteractionOption: values, attachments, and nested sub-command options. */
export interface OptionLike {
  name: string;
  value?: string | number | boolean | null;
  attachment?: AttachmentLike | null;
  options?: readonly OptionLike[];
}

export function actorOf(user: UserLike, permissions: PermissionsLike | null | undefined): Actor {
  return {
    userId: user.id,
    displayName: user.globalName ?? user.username ?? user.id,
    // Manage Guild or Administrator (permissions.ts): the people who manage the server's apps.
    isAdmin: isDiscordAdmin(permissions),
  };
}

/** In a thread, replies go to the thread (`threadId`) under its parent channel. */
export function conversationOf(guildId: string, channelId: string, threadParentId?: string | null): ConversationRef {
  return threadParentId
    ? { platform: 'discord', workspaceId: guildId, channelId: threadParentId, threadId: channelId }
    : { platform: 'discord', workspaceId: guildId, channelId };
}

function base(ctx: InteractionContext) {
  return {
    id: `int:${ctx.interactionId}`,
    platform: 'discord' as const,
    workspaceId: ctx.guildId,
    actor: actorOf(ctx.user, ctx.permissions),
    conversation: conversationOf(ctx.guildId, ctx.channelId, ctx.threadParentId),
    receivedAt: ctx.receivedAt,
  };
}

const DISCORD_CDN_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

function mimeOf(contentType: string | null | undefined): string | undefined {
  return contentType ? contentType.split(';')[0]!.trim().toLowerCase() : undefined;
}

export function attachmentMedia(a: AttachmentLike): MediaRef {
  const mimeType = mimeOf(a.contentType);
  return {
    url: a.url,
    source: 'discord',
    ...(a.name ? { name: a.name } : {}),
    ...(mimeType ? { mimeType } : {}),
    ...(typeof a.size === 'number' ? { sizeBytes: a.size } : {}),
    ...(a.width ? { width: a.width } : {}),
    ...(a.height ? { height: a.height } : {}),
  };
}

/**
 * The images a message holds: image attachments (and attachments of unknown type, the worker
 * checks the bytes), then embed images (a pasted image link, another bot's embed). Embeds hosted
 * on Discord's CDN download like attachments; others are plain links.
 */
export function imagesOfMessage(message: Pick<MessageLike, 'attachments' | 'embeds'>): MediaRef[] {
  const attachments = [...message.attachments.values()].map(attachmentMedia).filter((m) => !m.mimeType || isImageMime(m.mimeType));
  const seen = new Set(attachments.map((m) => m.url));
  const embeds: MediaRef[] = [];
  for (const embed of message.embeds) {
    const url = embed.image?.url ?? embed.thumbnail?.url;
    if (!url || seen.has(url)) continue;
    seen.add(url);
    let host = '';
    try {
      host = new URL(url).host;
    } catch {
      continue;
    }
    embeds.push({ url, source: DISCORD_CDN_HOSTS.has(host) ? 'discord' : 'url' });
  }
  return [...attachments, ...embeds];
}

/**
 * Options → `options` record; attachment options → MediaRef attachments (image, image2, … in
 * order). Sub-command options are flattened: the specs have none today, but a nested option must
 * not be lost silently.
 */
export function parseChatInput(ctx: InteractionContext, commandName: string, options: readonly OptionLike[]): CommandInvocation {
  const values: Record<string, unknown> = {};
  const attachments: MediaRef[] = [];
  const walk = (list: readonly OptionLike[]) => {
    for (const opt of list) {
      if (opt.attachment) attachments.push(attachmentMedia(opt.attachment));
      else if (opt.options?.length) walk(opt.options);
      else if (opt.value !== undefined && opt.value !== null) values[opt.name] = opt.value;
    }
  };
  walk(options);
  return { ...base(ctx), kind: 'command', command: commandName, options: values, attachments };
}

export function parseAutocomplete(ctx: InteractionContext, commandName: string, focused: { name: string; value: unknown }): AutocompleteInvocation {
  return { ...base(ctx), kind: 'autocomplete', command: commandName, option: focused.name, partial: String(focused.value ?? '') };
}

/** undefined for buttons this bot did not make (another bot's, an older codec). */
export function parseButton(ctx: InteractionContext, customId: string, messageId: string): ActionInvocation | undefined {
  const action = decodeButtonId(customId);
  if (!action) return undefined;
  const b = base(ctx);
  return { ...b, kind: 'action', action, message: { ...b.conversation, messageId } };
}

/**
 * "Animate image" on a message: its images become the shortcut's media (the interaction resolves
 * the target message, so this needs no MessageContent intent). Other context-menu commands → undefined.
 */
export function parseMessageContextMenu(ctx: InteractionContext, commandName: string, target: MessageLike): ShortcutInvocation | undefined {
  if (commandName !== ANIMATE_CONTEXT_MENU) return undefined;
  const b = base(ctx);
  return { ...b, kind: 'shortcut', shortcut: 'animate', message: { ...b.conversation, messageId: target.id }, messageText: target.content ?? '', media: imagesOfMessage(target) };
}

export function parseModalSubmit(ctx: InteractionContext, customId: string, fields: Iterable<{ customId: string; value?: unknown }>): SubmitInvocation {
  const values: Record<string, string> = {};
  for (const f of fields) values[f.customId] = typeof f.value === 'string' ? f.value : '';
  return { ...base(ctx), kind: 'submit', form: customId, values };
}

// Discord sends some emoji with the variation selector U+FE0F and some without: compare without it.
const withoutVariation = (s: string) => s.replace(/\uFE0F/g, '');
const EMOJI_BY_BARE = new Map(Object.entries(EMOJI_NAMES).map(([k, v]) => [withoutVariation(k), v]));

/** Unicode emoji → its short name; custom emoji keep their name. */
export function emojiName(emoji: { name?: string | null; id?: string | null }): string {
  const name = emoji.name ?? emoji.id ?? '';
  return EMOJI_BY_BARE.get(withoutVariation(name)) ?? name;
}

export interface ReactionEvent {
  guildId: string;
  channelId: string;
  threadParentId?: string | null;
  messageId: string;
  emoji: { name?: string | null; id?: string | null };
  user: UserLike;
  permissions: PermissionsLike | null | undefined;
  /** The reacted message when it could be read (cache or fetch); absent → the core looks it up. */
  message?: MessageLike;
  receivedAt: number;
}

/**
 * MESSAGE_REACTION_ADD → ReactionInvocation. Each reaction is its own invocation (the gateway
 * does not redeliver one); "one 🎬 job per message at a time" is the reaction lock's job
 * (commands/reaction.ts), so a refused or finished reaction never blocks a later one.
 */
export function parseReaction(event: ReactionEvent): ReactionInvocation {
  const emoji = emojiName(event.emoji);
  const conversation = conversationOf(event.guildId, event.channelId, event.threadParentId);
  const message: MessageRef = { ...conversation, messageId: event.messageId };
  const media = event.message ? imagesOfMessage(event.message) : [];
  return {
    kind: 'reaction',
    id: `reaction:${event.channelId}:${event.messageId}:${emoji}:${event.user.id}:${event.receivedAt}`,
    platform: 'discord',
    workspaceId: event.guildId,
    actor: actorOf(event.user, event.permissions),
    conversation,
    receivedAt: event.receivedAt,
    emoji,
    message,
    ...(media.length > 0 ? { media } : {}),
    ...(event.message?.author ? { authorId: event.message.author.id } : {}),
  };
}

export interface DirectMessageLike extends MessageLike {
  channelId: string;
  author: (UserLike & { bot?: boolean }) | null;
}

/**
 * A user's message in their DM with the bot reads like a mention: a prompt with flags, `help`,
 * or `animate` with an image attached. Discord shows message content in DMs without the
 * MessageContent intent. DMs have no threads: the answer follows the message.
 */
export function parseDirectMessage(message: DirectMessageLike, receivedAt: number): MentionInvocation | undefined {
  if (!message.author || message.author.bot) return undefined;
  const conversation = { platform: 'discord' as const, workspaceId: DM_WORKSPACE, channelId: message.channelId };
  return {
    kind: 'mention',
    // Message ids are unique and the gateway delivers a message once per session: the id dedupes a resumed replay.
    id: `dm:${message.id}`,
    platform: 'discord',
    workspaceId: DM_WORKSPACE,
    actor: actorOf(message.author, null),
    conversation,
    receivedAt,
    text: (message.content ?? '').replace(/<@!?\d+>/g, ' ').replace(/\s+/g, ' ').trim(),
    attachments: imagesOfMessage(message),
    message: { ...conversation, messageId: message.id },
  };
}
