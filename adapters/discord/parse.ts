/**
 * Pure: Discord interactions and reaction events → platform-neutral Invocations.
 *
 * The inputs are small structural types that discord.js objects already satisfy (Message,
 * Attachment, CommandInteractionOption …), so client.ts passes its objects straight in and the
 * unit tests pass plain literals. Nothing here does I/O or reads a clock: the caller gives
 * `receivedAt`.
 *
 * Every exported parser checks what it reads first, with the small zod schemas below: input with a
 * field missing or of another type is refused with a ZodError, never half-read into a TypeError.
 * The checks read only the fields the parser uses, straight off the discord.js objects (getters
 * and Collections included), and the parser goes on with the objects it was given: nothing is
 * copied, and a Collection's values are read once. They run on the ack path of every interaction,
 * so they stay that small.
 */
import { z } from 'zod';
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

// ---- The checks (module-level schemas, built once) ----

const str = z.string();
const optStr = str.nullish();
/** Any number (NaN too): a size or a clock reading is passed on as is, never a reason to refuse. */
const num = z.custom<number>((v) => typeof v === 'number', 'Expected a number');
const UserCheck = z.object({ id: str, username: optStr, globalName: optStr });
const PermissionsCheck = z.custom<PermissionsLike>((p) => typeof (p as { has?: unknown } | null | undefined)?.has === 'function', 'Expected permissions with has()').nullish();
const ContextCheck = z.object({ interactionId: str, guildId: str, channelId: str, threadParentId: optStr, user: UserCheck, permissions: PermissionsCheck, receivedAt: num });
const AttachmentCheck = z.object({ url: str, name: optStr, contentType: optStr, size: num.nullish(), width: num.nullish(), height: num.nullish() });
const AttachmentsCheck = z.array(AttachmentCheck);
const EmbedImageCheck = z.object({ url: str }).nullish();
/** What imagesOfMessage reads of a message (its attachments Collection is read separately, once). */
const MessageMediaCheck = z.object({
  attachments: z.custom<{ values(): unknown }>((c) => typeof (c as { values?: unknown } | null | undefined)?.values === 'function', 'Expected a collection with values()'),
  embeds: z.array(z.object({ image: EmbedImageCheck, thumbnail: EmbedImageCheck })),
});
const IterableCheck = z.custom<Iterable<unknown>>((v) => typeof (v as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator] === 'function', 'Expected an iterable');
const OptionCheck: z.ZodType<OptionLike> = z.object({
  name: str,
  value: z.union([str, num, z.boolean()]).nullish(),
  attachment: AttachmentCheck.nullish(),
  get options() {
    return z.array(OptionCheck).optional();
  },
});
const OptionsCheck = z.array(OptionCheck);
const FocusedCheck = z.object({ name: str, value: z.unknown().optional() });
const FieldsCheck = z.array(z.object({ customId: str, value: z.unknown().optional() }));
const EmojiCheck = z.object({ name: optStr, id: optStr });
const ReactionCheck = z.object({
  guildId: str,
  channelId: str,
  threadParentId: optStr,
  messageId: str,
  emoji: EmojiCheck,
  user: UserCheck,
  permissions: PermissionsCheck,
  // The message's author; its media are checked by imagesOfMessage.
  message: z.object({ author: z.object({ id: str }).nullish() }).optional(),
  receivedAt: num,
});
const TargetMessageCheck = z.object({ id: str, content: optStr });
const DirectMessageCheck = z.object({ id: str, channelId: str, content: optStr, author: UserCheck.extend({ bot: z.boolean().nullish() }).nullable() });

/** Every parser of an interaction starts here. */
function checkContext(ctx: InteractionContext): void {
  ContextCheck.parse(ctx);
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
  MessageMediaCheck.parse(message);
  const list = [...IterableCheck.parse(message.attachments.values())];
  AttachmentsCheck.parse(list);
  const attachments = (list as AttachmentLike[]).map(attachmentMedia).filter((m) => !m.mimeType || isImageMime(m.mimeType));
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
  checkContext(ctx);
  str.parse(commandName);
  OptionsCheck.parse(options);
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

/**
 * What was typed so far. Discord sends it as a string (a number for a number option); any other
 * value (null, an object, a bigint …) is taken as nothing typed, an empty partial, rather than
 * refused: an autocomplete always gets its list of choices.
 */
function partialOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

export function parseAutocomplete(ctx: InteractionContext, commandName: string, focused: { name: string; value: unknown }, filled: readonly OptionLike[] = []): AutocompleteInvocation {
  checkContext(ctx);
  str.parse(commandName);
  FocusedCheck.parse(focused);
  // Only plain values of other top-level options; anything else is not something to filter by.
  const options: Record<string, string | number | boolean> = {};
  for (const o of Array.isArray(filled) ? filled : []) {
    const value: unknown = o?.value;
    if (typeof o?.name === 'string' && o.name !== focused.name && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) options[o.name] = value;
  }
  return { ...base(ctx), kind: 'autocomplete', command: commandName, option: focused.name, partial: partialOf(focused.value), ...(Object.keys(options).length > 0 ? { options } : {}) };
}

/** undefined for buttons this bot did not make (another bot's, an older codec). */
export function parseButton(ctx: InteractionContext, customId: string, messageId: string): ActionInvocation | undefined {
  checkContext(ctx);
  str.parse(customId);
  str.parse(messageId);
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
  checkContext(ctx);
  str.parse(commandName);
  TargetMessageCheck.parse(target);
  const media = imagesOfMessage(target);
  if (commandName !== ANIMATE_CONTEXT_MENU) return undefined;
  const b = base(ctx);
  return { ...b, kind: 'shortcut', shortcut: 'animate', message: { ...b.conversation, messageId: target.id }, messageText: target.content ?? '', media };
}

export function parseModalSubmit(ctx: InteractionContext, customId: string, fields: Iterable<{ customId: string; value?: unknown }>): SubmitInvocation {
  checkContext(ctx);
  str.parse(customId);
  // Read once: `fields` may be a one-shot iterator.
  const list = [...IterableCheck.parse(fields)] as Array<{ customId: string; value?: unknown }>;
  FieldsCheck.parse(list);
  const values: Record<string, string> = {};
  for (const f of list) values[f.customId] = typeof f.value === 'string' ? f.value : '';
  return { ...base(ctx), kind: 'submit', form: customId, values };
}

// Discord sends some emoji with the variation selector U+FE0F and some without: compare without it.
const withoutVariation = (s: string) => s.replace(/\uFE0F/g, '');
const EMOJI_BY_BARE = new Map(Object.entries(EMOJI_NAMES).map(([k, v]) => [withoutVariation(k), v]));

/** Unicode emoji → its short name; custom emoji keep their name. */
export function emojiName(emoji: { name?: string | null; id?: string | null }): string {
  EmojiCheck.parse(emoji);
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
  ReactionCheck.parse(event);
  const media = event.message ? imagesOfMessage(event.message) : [];
  const emoji = emojiName(event.emoji);
  const conversation = conversationOf(event.guildId, event.channelId, event.threadParentId);
  const message: MessageRef = { ...conversation, messageId: event.messageId };
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
  DirectMessageCheck.parse(message);
  num.parse(receivedAt);
  const attachments = imagesOfMessage(message);
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
    attachments,
    message: { ...conversation, messageId: message.id },
  };
}
