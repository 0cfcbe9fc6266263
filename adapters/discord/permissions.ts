/**
 * Discord permissions (pure): the bits this bot cares about, who counts as an admin, and a
 * member's permissions in a channel computed from the guild's roles and the channel's overwrites.
 *
 * Assumption (Discord's "Permissions" topic, permission hierarchy): the guild owner has every
 * permission; base permissions are @everyone's (the role whose id is the guild id) OR-ed with the
 * member's roles; Administrator in the base gives every permission and skips overwrites; then the
 * @everyone overwrite applies, then all of the member's role overwrites together (every deny,
 * then every allow), then the member's own overwrite. Overwrite `type` 0 is a role, 1 a member.
 * Bit values and allow/deny are decimal strings in API v10.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

export const PERMISSION = {
  ADMINISTRATOR: PermissionFlagsBits.Administrator,
  MANAGE_GUILD: PermissionFlagsBits.ManageGuild,
  VIEW_CHANNEL: PermissionFlagsBits.ViewChannel,
  MANAGE_MESSAGES: PermissionFlagsBits.ManageMessages,
  READ_MESSAGE_HISTORY: PermissionFlagsBits.ReadMessageHistory,
  MANAGE_THREADS: PermissionFlagsBits.ManageThreads,
} as const;

/**
 * What the job pipeline needs in a channel, with the names Discord's settings show: see the
 * channel, post the status message, start its thread and post there, embed and attach results,
 * read the message a 🎬 or a link points at.
 */
export const BOT_NEEDS: ReadonlyArray<{ bit: bigint; name: string }> = [
  { bit: PermissionFlagsBits.ViewChannel, name: 'View Channel' },
  { bit: PermissionFlagsBits.SendMessages, name: 'Send Messages' },
  { bit: PermissionFlagsBits.SendMessagesInThreads, name: 'Send Messages in Threads' },
  { bit: PermissionFlagsBits.CreatePublicThreads, name: 'Create Public Threads' },
  { bit: PermissionFlagsBits.EmbedLinks, name: 'Embed Links' },
  { bit: PermissionFlagsBits.AttachFiles, name: 'Attach Files' },
  { bit: PermissionFlagsBits.ReadMessageHistory, name: 'Read Message History' },
];

/** The names of what the bot lacks among BOT_NEEDS, given its permissions in the channel. */
export function missingFor(permissions: bigint): string[] {
  return BOT_NEEDS.filter((p) => (permissions & p.bit) !== p.bit).map((p) => p.name);
}

const ALL = (1n << 64n) - 1n;

/** discord.js PermissionsBitField, or anything with `has` (null: permissions unknown). */
export interface PermissionsLike {
  has(permission: bigint): boolean;
}

/**
 * A bot admin: Manage Guild (Manage Server) or Administrator, the same people Discord lets manage
 * the server's integrations. Both are checked: discord.js's `has` counts Administrator in, a plain
 * bit set does not.
 */
export function isDiscordAdmin(permissions: PermissionsLike | null | undefined): boolean {
  return !!permissions && (permissions.has(PERMISSION.ADMINISTRATOR) || permissions.has(PERMISSION.MANAGE_GUILD));
}

export interface RoleBits {
  id: string;
  permissions: string;
}

export interface OverwriteBits {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

export interface ChannelPermissionInput {
  guildId: string;
  ownerId?: string;
  userId: string;
  /** The member's role ids (without @everyone). */
  memberRoles: readonly string[];
  /** Every role of the guild, @everyone included. */
  roles: readonly RoleBits[];
  /** The channel's permission_overwrites (a thread has none: pass its parent's). */
  overwrites: readonly OverwriteBits[];
}

const bits = (s: string | undefined) => (s && /^\d+$/.test(s) ? BigInt(s) : 0n);

export function basePermissions(input: Omit<ChannelPermissionInput, 'overwrites'>): bigint {
  if (input.ownerId && input.ownerId === input.userId) return ALL;
  const byId = new Map(input.roles.map((r) => [r.id, bits(r.permissions)]));
  let permissions = byId.get(input.guildId) ?? 0n;
  for (const id of input.memberRoles) permissions |= byId.get(id) ?? 0n;
  return permissions & PERMISSION.ADMINISTRATOR ? ALL : permissions;
}

export function channelPermissions(input: ChannelPermissionInput): bigint {
  let permissions = basePermissions(input);
  if (permissions & PERMISSION.ADMINISTRATOR) return ALL;
  const roleOverwrites = input.overwrites.filter((o) => o.type === 0);
  const everyone = roleOverwrites.find((o) => o.id === input.guildId);
  if (everyone) permissions = (permissions & ~bits(everyone.deny)) | bits(everyone.allow);
  const memberRoles = new Set(input.memberRoles);
  let allow = 0n;
  let deny = 0n;
  for (const o of roleOverwrites) {
    if (o.id === input.guildId || !memberRoles.has(o.id)) continue;
    allow |= bits(o.allow);
    deny |= bits(o.deny);
  }
  permissions = (permissions & ~deny) | allow;
  const own = input.overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (own) permissions = (permissions & ~bits(own.deny)) | bits(own.allow);
  return permissions;
}

/** Seeing a channel is not enough to read what was said before: both bits are needed. */
export function canReadHistory(permissions: bigint): boolean {
  const needed = PERMISSION.VIEW_CHANNEL | PERMISSION.READ_MESSAGE_HISTORY;
  return (permissions & needed) === needed;
}
