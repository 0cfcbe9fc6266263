/**
 * Plain, JSON-safe value types shared by every layer. Everything here may be stored in job data,
 * so nothing here may hold a token, a key or raw bytes.
 */
import { z } from 'zod';

export const PlatformKind = z.enum(['slack', 'discord', 'web']);
export type PlatformKind = z.infer<typeof PlatformKind>;

/** A workspace: a Slack team, a Discord guild, or the local playground ("local"). */
export const WorkspaceRef = z.object({
  platform: PlatformKind,
  workspaceId: z.string().min(1),
});
export type WorkspaceRef = z.infer<typeof WorkspaceRef>;

/**
 * Where messages go. `threadId` is the Slack parent `ts`, or the Discord thread channel id
 * (for Discord, posting "in the thread" means posting to the channel `threadId`).
 */
export const ConversationRef = WorkspaceRef.extend({
  channelId: z.string().min(1),
  threadId: z.string().min(1).optional(),
});
export type ConversationRef = z.infer<typeof ConversationRef>;

/** One message the bot or a user posted. `messageId` is the Slack `ts` or the Discord message id. */
export const MessageRef = ConversationRef.extend({
  messageId: z.string().min(1),
  /** Known to sit at the top of its channel (the bot posted it there): its thread needs no lookup. */
  topLevel: z.boolean().optional(),
});
export type MessageRef = z.infer<typeof MessageRef>;

/** Who did something. `isAdmin` is resolved by the adapter (Slack admin/owner from users.info, Discord Manage Server or Administrator). */
export const Actor = z.object({
  userId: z.string().min(1),
  displayName: z.string().optional(),
  isAdmin: z.boolean().default(false),
});
export type Actor = z.infer<typeof Actor>;

/**
 * A piece of media somewhere else, to be downloaded later by a worker. `source` says whose
 * credentials the download needs: a platform's (Slack private files need the bot token),
 * or none ("url": a plain public link the user pasted).
 */
export const MediaRef = z.object({
  url: z.string().url(),
  source: z.enum(['slack', 'discord', 'web', 'url', 'provider']),
  name: z.string().optional(),
  mimeType: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type MediaRef = z.infer<typeof MediaRef>;

/** Bytes in memory, never in job data. Width and height when the bytes were read as an image. */
export interface MediaFile {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
  width?: number;
  height?: number;
}

export const MediaKind = z.enum(['image', 'video', 'enhance']);
export type MediaKind = z.infer<typeof MediaKind>;

export function isImageMime(mime: string | undefined): boolean {
  return !!mime && /^image\/(png|jpe?g|webp|gif|heic|heif|avif)$/i.test(mime);
}

export function isVideoMime(mime: string | undefined): boolean {
  return !!mime && /^video\/(mp4|quicktime|webm)$/i.test(mime);
}
