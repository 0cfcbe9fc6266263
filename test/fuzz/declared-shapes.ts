/**
 * The input types the payload parsers declare, as zod schemas: "well-typed" made checkable at run
 * time. Each schema is held to its TypeScript type at compile time (`shape<T>()`), so everything
 * it accepts is a valid T; a parser that throws on such input has a bug of its own.
 */
import { z } from 'zod';
import type { AttachmentLike, EmbedLike, InteractionContext, MessageLike, OptionLike, ReactionEvent as DiscordReactionEvent, UserLike } from '../../adapters/discord/parse.js';
import type { BlockActionBody, MentionEvent, MessageShortcutBody, ReactionEvent, SlackFile, SlashCommandBody } from '../../adapters/slack/parse.js';

/** Compile-time check: the schema's output is assignable to T. */
const shape = <T>() => <S extends z.ZodType<T>>(schema: S): S => schema;

const str = z.string();
const id = z.object({ id: str });
const files = z.array(shape<SlackFile>()(z.object({ id: str.optional(), name: str.optional(), mimetype: str.optional(), size: z.number().optional(), url_private_download: str.optional(), url_private: str.optional() })));
const legacy = z.array(z.object({ image_url: str.optional() }));

export const slackShapes = {
  fromSlashCommand: shape<SlashCommandBody>()(z.object({ command: str, text: str, team_id: str, channel_id: str, user_id: str, user_name: str.optional(), trigger_id: str })),
  fromBlockAction: shape<BlockActionBody>()(
    z.object({
      trigger_id: str,
      team: id.nullable().optional(),
      user: z.object({ id: str, team_id: str.optional(), name: str.optional() }),
      channel: id.optional(),
      container: z.object({ channel_id: str.optional(), message_ts: str.optional(), thread_ts: str.optional() }).optional(),
      message: z.object({ ts: str, thread_ts: str.optional() }).optional(),
      actions: z.array(z.object({ action_id: str })),
    }),
  ),
  fromAppMention: shape<MentionEvent>()(z.object({ text: str, user: str, channel: str, ts: str, thread_ts: str.optional(), files: files.optional(), attachments: legacy.optional() })),
  fromReaction: shape<ReactionEvent>()(z.object({ reaction: str, user: str, item: z.object({ type: str, channel: str, ts: str }), item_user: str.optional() })),
  fromMessageShortcut: shape<MessageShortcutBody>()(
    z.object({
      callback_id: str,
      trigger_id: str,
      team: id.nullable(),
      user: z.object({ id: str, name: str.optional(), team_id: str.optional() }),
      channel: id,
      message: z.object({ ts: str, thread_ts: str.optional(), text: str.optional(), files: files.optional(), attachments: legacy.optional() }),
    }),
  ),
  filesToMedia: files.optional(),
  linkedImages: z.object({ text: str.optional(), attachments: legacy.optional() }),
};

const nullableStr = str.nullable().optional();
const user = shape<UserLike>()(z.object({ id: str, username: nullableStr, globalName: nullableStr }));
// Required key, value may be undefined (the type says `PermissionsLike | null | undefined`).
const permissions = z.union([z.custom<{ has(p: bigint): boolean }>((p) => typeof (p as { has?: unknown } | null)?.has === 'function'), z.null(), z.undefined()]);
const attachment = shape<AttachmentLike>()(z.object({ url: str, name: nullableStr, contentType: nullableStr, size: z.number().nullable().optional(), width: z.number().nullable().optional(), height: z.number().nullable().optional() }));
const embed = shape<EmbedLike>()(z.object({ image: z.object({ url: str }).nullable().optional(), thumbnail: z.object({ url: str }).nullable().optional() }));
const collection = z.custom<{ values(): Iterable<AttachmentLike> }>((c) => {
  const values = (c as { values?: unknown } | null)?.values;
  if (typeof values !== 'function') return false;
  try {
    return [...(values.call(c) as Iterable<unknown>)].every((a) => attachment.safeParse(a).success);
  } catch {
    return false;
  }
});
const message = shape<MessageLike>()(z.object({ id: str, content: nullableStr, author: id.nullable().optional(), attachments: collection, embeds: z.array(embed) }));
const option: z.ZodType<OptionLike> = z.lazy(() => z.object({ name: str, value: z.union([str, z.number(), z.boolean()]).nullable().optional(), attachment: attachment.nullable().optional(), options: z.array(option).optional() }));
export const interactionContext = shape<InteractionContext>()(
  z.object({ interactionId: str, guildId: str, channelId: str, threadParentId: nullableStr, user, permissions, receivedAt: z.number() }),
);
const emoji = z.object({ name: nullableStr, id: nullableStr });

export const discordShapes = {
  parseChatInput: z.tuple([interactionContext, str, z.array(option)]),
  parseAutocomplete: z.tuple([interactionContext, str, z.object({ name: str, value: z.unknown() })]),
  parseButton: z.tuple([interactionContext, str, str]),
  parseMessageContextMenu: z.tuple([interactionContext, str, message]),
  parseModalSubmit: z.tuple([interactionContext, str, z.array(z.object({ customId: str, value: z.unknown().optional() }))]),
  emojiName: emoji,
  parseReaction: shape<DiscordReactionEvent>()(
    z.object({ guildId: str, channelId: str, threadParentId: nullableStr, messageId: str, emoji, user, permissions, message: message.optional(), receivedAt: z.number() }),
  ),
  imagesOfMessage: message.pick({ attachments: true, embeds: true }),
};

/** True when the input is what the parser's signature promises it will get. */
export function conforms(schema: z.ZodType, input: unknown): boolean {
  try {
    return schema.safeParse(input).success;
  } catch {
    return false;
  }
}
