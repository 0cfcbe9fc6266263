/**
 * The Slack payloads parse.ts reads, as zod schemas: checked at the boundary, so a payload with a
 * field missing or of another type is refused with a ZodError instead of failing somewhere inside
 * as a TypeError. The exported types are derived from these schemas.
 *
 * Loose objects throughout: Slack sends many more fields than the bot reads, and they are kept as
 * they are. Only the fields parse.ts reads are described, each as Slack's references (and Bolt's
 * types) give it, and a little more forgiving where the parsers already cope: a slash command or a
 * direct message without `text` reads as empty text, and a file's fields may be null (that file
 * is then read without them, or skipped without a URL).
 */
import { z } from 'zod';

const str = z.string();
/** Any number, as JSON or a test gives it: a file size is passed on as is, never a reason to refuse. */
const num = z.custom<number>((v) => typeof v === 'number', 'Expected a number');
const withId = z.looseObject({ id: str });

export const SlackFile = z.looseObject({
  id: str.nullish(),
  name: str.nullish(),
  mimetype: str.nullish(),
  size: num.nullish(),
  url_private_download: str.nullish(),
  url_private: str.nullish(),
});
export type SlackFile = z.infer<typeof SlackFile>;
export const SlackFiles = z.array(SlackFile);

/** A legacy attachment (an unfurl, another app's message): only its image is read. */
export const LegacyAttachment = z.looseObject({ image_url: str.nullish() });
export type LegacyAttachment = z.infer<typeof LegacyAttachment>;
export const LegacyAttachments = z.array(LegacyAttachment);

export const SlashCommandBody = z.looseObject({
  command: str,
  text: str.optional(),
  team_id: str,
  channel_id: str,
  user_id: str,
  user_name: str.optional(),
  trigger_id: str,
});
export type SlashCommandBody = z.infer<typeof SlashCommandBody>;

export const BlockActionBody = z.looseObject({
  trigger_id: str,
  /** null for an org-wide app on Enterprise Grid: the user's team_id says which workspace. */
  team: withId.nullish(),
  user: z.looseObject({ id: str, team_id: str.optional(), name: str.optional() }),
  channel: withId.optional(),
  container: z.looseObject({ channel_id: str.optional(), message_ts: str.optional(), thread_ts: str.optional() }).optional(),
  message: z.looseObject({ ts: str, thread_ts: str.optional() }).optional(),
  /** Set for clicks in a view (the App Home): no channel or message then. */
  view: z.looseObject({ id: str, type: str, private_metadata: str.optional() }).optional(),
  actions: z.array(z.looseObject({ action_id: str, value: str.optional(), selected_option: z.looseObject({ value: str }).nullish() })),
});
export type BlockActionBody = z.infer<typeof BlockActionBody>;

export const MentionEvent = z.looseObject({
  text: str,
  user: str,
  channel: str,
  ts: str,
  thread_ts: str.optional(),
  files: SlackFiles.optional(),
  attachments: LegacyAttachments.optional(),
});
export type MentionEvent = z.infer<typeof MentionEvent>;

/**
 * A `message.im` event (a user's direct message to the bot). Assumption (Slack's message.im
 * reference): `channel_type: "im"`, `user`, `text`, `ts`, optional `thread_ts` and `files`; a
 * message with files has subtype `file_share`.
 */
export const DirectMessageEvent = MentionEvent.extend({
  text: str.optional(),
  channel_type: str.optional(),
  subtype: str.optional(),
  bot_id: str.optional(),
});
export type DirectMessageEvent = z.infer<typeof DirectMessageEvent>;

/** What every `reaction_added` has; the item of a reaction to a file has no channel or ts. */
export const ReactionHead = z.looseObject({ reaction: str, user: str, item: z.looseObject({ type: str }), item_user: str.optional() });

/** A reaction to a message (item.type "message"): the only kind the bot acts on. */
export const ReactionEvent = ReactionHead.extend({ item: z.looseObject({ type: str, channel: str, ts: str }) });
export type ReactionEvent = z.infer<typeof ReactionEvent>;

export const MessageShortcutBody = z.looseObject({
  callback_id: str,
  trigger_id: str,
  team: withId.nullable(),
  user: z.looseObject({ id: str, name: str.optional(), team_id: str.optional() }),
  channel: withId,
  message: z.looseObject({ ts: str, thread_ts: str.optional(), text: str.optional(), files: SlackFiles.optional(), attachments: LegacyAttachments.optional() }),
});
export type MessageShortcutBody = z.infer<typeof MessageShortcutBody>;
