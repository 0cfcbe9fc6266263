/**
 * The fake Discord's objects: fixed ids, permission bits, the shapes the tests set up (roles,
 * overwrites, channels, messages) and the JSON Discord answers with (members, messages).
 */
export interface DiscordCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  files: Array<{ name: string; size: number; bytes: Buffer }>;
  /** When the fake received it (ms since the epoch), for latency figures. */
  at: number;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  author: { id: string; username: string; bot?: boolean };
  attachments: Array<Record<string, unknown>>;
  embeds: Array<Record<string, unknown>>;
  components?: unknown;
  timestamp: string;
}

export const GUILD_ID = '100000000000000001';
export const CHANNEL_ID = '100000000000000002';
export const APP_ID = '100000000000000003';
export const BOT_ID = '100000000000000004';
/** A role holding Manage Messages (plus View Channel): moderators, but not bot admins. */
export const MOD_ROLE_ID = '100000000000000005';
export const MANAGE_MESSAGES_BITS = String(1n << 13n);
/** A role holding Manage Server (Manage Guild): bot admins. */
export const ADMIN_ROLE_ID = '100000000000000006';
export const MANAGE_GUILD_BITS = String(1n << 5n);
export const ADMINISTRATOR_BITS = String(1n << 3n);
export const GUILD_OWNER_ID = '200000000000000009';
/** The bot's managed role: what the invite link granted (see BOT_ROLE_BITS). */
export const BOT_ROLE_ID = '100000000000000007';
/** The bot's DM channel with each user is this prefix plus the user's id's last digits. */
export const DM_CHANNEL_PREFIX = '3000000000';
/** View Channel, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links, Attach Files, Read Message History. */
export const BOT_ROLE_BITS = String((1n << 10n) | (1n << 11n) | (1n << 38n) | (1n << 35n) | (1n << 14n) | (1n << 15n) | (1n << 16n));
export const INTENT_DIRECT_MESSAGES = 1 << 12;
export const INTENT_MESSAGE_CONTENT = 1 << 15;
export const VIEW_CHANNEL = 1n << 10n;
export const SEND_MESSAGES = 1n << 11n;
export const READ_MESSAGE_HISTORY = 1n << 16n;
export const CREATE_PUBLIC_THREADS = 1n << 35n;
/** @everyone: View Channel + Read Message History, as a new server has them. */
export const EVERYONE_BITS = String((1n << 10n) | (1n << 16n));

export interface FakeRole {
  id: string;
  name: string;
  permissions: string;
}

export interface FakeOverwrite {
  id: string;
  /** 0 role, 1 member. */
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  parent_id?: string;
  permission_overwrites: FakeOverwrite[];
}

export interface InteractionInit {
  /** 2 application command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  data: Record<string, unknown>;
  userId?: string;
  /** The member's computed permissions in the channel (a decimal bit string). */
  permissions?: string;
  /** A channel object as Discord includes it (defaults to #general); a thread has type 11 and parent_id. */
  channel?: Record<string, unknown>;
  /** For components: the message holding the button. */
  message?: FakeMessage;
}

let snowflake = BigInt(Date.now() - 1420070400000) << 22n;
export function nextSnowflake(): string {
  snowflake += 1n;
  return snowflake.toString();
}

export function member(userId: string, permissions?: string, roles: string[] = []) {
  return {
    user: { id: userId, username: `u${userId.slice(-4)}`, discriminator: '0', avatar: null, global_name: null },
    roles, joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0,
    // Only interactions carry computed permissions; gateway member objects do not.
    ...(permissions !== undefined ? { permissions } : {}),
  };
}

/** A stored message as the API returns it (the fields discord.js needs to build a Message). */
export function apiMessage(m: FakeMessage): Record<string, unknown> {
  return { type: 0, flags: 0, tts: false, pinned: false, mention_everyone: false, mentions: [], mention_roles: [], components: [], edited_timestamp: null, ...m, author: { discriminator: '0', avatar: null, ...m.author } };
}
