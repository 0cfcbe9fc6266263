/**
 * The Discord parsers, given what discord.js hands them (shaped as the types say, adversarial
 * values) and things that are almost that or nothing like it. They return an Invocation (or
 * undefined, or media) or throw a UserError / ZodError; a TypeError is a finding (findings.ts).
 * Input that matches the declared types (declared-shapes.ts) is never refused.
 */
import fc, { type Arbitrary } from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANIMATE_CONTEXT_MENU,
  emojiName,
  imagesOfMessage,
  parseAutocomplete,
  parseButton,
  parseChatInput,
  parseMessageContextMenu,
  parseModalSubmit,
  parseReaction,
  type AttachmentLike,
  type InteractionContext,
  type MessageLike,
  type OptionLike,
  type ReactionEvent,
} from '../../adapters/discord/parse.js';
import { encodeButtonId } from '../../src/view.js';
import { anyValue, nastyString, nearly, special } from './arbitraries.js';
import { parsesConforming } from './contract.js';
import { discordShapes } from './declared-shapes.js';
import { failOnUnhandledRejections, params, TIMEOUT } from './support.js';

failOnUnhandledRejections();

const snowflake = fc.oneof(fc.stringMatching(/^\d{17,19}$/), nastyString);
const maybe = <T>(arb: Arbitrary<T>) => fc.oneof(arb, fc.constantFrom(null, undefined));
const url = fc.oneof(fc.webUrl(), fc.constantFrom('https://cdn.discordapp.com/a/b/c.png', 'https://media.discordapp.net/x.webp', 'http://', ''), nastyString);
/** discord.js PermissionsBitField: any bits, or unknown. */
const permissions = fc.oneof(fc.constantFrom(null, undefined), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((bits) => ({ has: (p: bigint) => (bits & p) === p })));
const user = fc.record({ id: snowflake, username: maybe(nastyString), globalName: maybe(nastyString) }, { requiredKeys: ['id'] });
const ctx: Arbitrary<InteractionContext> = fc.record(
  { interactionId: snowflake, guildId: snowflake, channelId: snowflake, threadParentId: maybe(snowflake), user, permissions, receivedAt: fc.oneof(fc.integer(), fc.double()) },
  { requiredKeys: ['interactionId', 'guildId', 'channelId', 'user', 'permissions', 'receivedAt'] },
);
const attachment: Arbitrary<AttachmentLike> = fc.record(
  { url, name: maybe(nastyString), contentType: maybe(fc.oneof(fc.constantFrom('image/png', 'IMAGE/JPEG; charset=x', 'video/mp4', ';'), nastyString)), size: maybe(fc.oneof(fc.nat(), fc.double())), width: maybe(fc.integer()), height: maybe(fc.integer()) },
  { requiredKeys: ['url'] },
);
const embed = fc.record({ image: maybe(fc.record({ url })), thumbnail: maybe(fc.record({ url })) }, { requiredKeys: [] });
/** A Message as discord.js has it: attachments in a Collection (a Map works the same). */
const message: Arbitrary<MessageLike> = fc.record(
  { id: snowflake, content: maybe(nastyString), author: maybe(fc.record({ id: snowflake })), attachments: fc.array(attachment, { maxLength: 4 }).map((a) => new Map(a.map((x, i) => [String(i), x]))), embeds: fc.array(embed, { maxLength: 3 }) },
  { requiredKeys: ['id', 'attachments', 'embeds'] },
);
const option: Arbitrary<OptionLike> = fc.letrec<{ option: OptionLike }>((tie) => ({
  option: fc.record(
    { name: fc.oneof(fc.constantFrom('prompt', 'image', 'image2', 'model', 'count', 'aspect_ratio'), nastyString), value: maybe(fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean())), attachment: maybe(attachment), options: fc.array(tie('option'), { maxLength: 2 }) },
    { requiredKeys: ['name'] },
  ),
})).option;
const customId = fc.oneof(
  fc.record({ action: fc.constantFrom('cancel', 'retry', 'variations', 'upscale', 'animate', 'delete' as const), jobId: fc.stringMatching(/^[A-Za-z0-9:_-]{1,40}$/), arg: fc.option(fc.stringMatching(/^\w{1,5}$/), { nil: undefined }) }).map((p) => encodeButtonId(p)),
  nastyString,
);
const emoji = fc.record({ name: maybe(fc.oneof(fc.constantFrom('🎬', '❌', '✖️', '✖', '🎥', '📽', '📽️', '🗑️'), special, nastyString)), id: maybe(snowflake) }, { requiredKeys: [] });
const reaction: Arbitrary<ReactionEvent> = fc.record(
  { guildId: snowflake, channelId: snowflake, threadParentId: maybe(snowflake), messageId: snowflake, emoji, user, permissions, message: fc.option(message, { nil: undefined }), receivedAt: fc.integer() },
  { requiredKeys: ['guildId', 'channelId', 'messageId', 'emoji', 'user', 'permissions', 'receivedAt'] },
);

/**
 * A parser called with its arguments as one tuple. `nearly` now and then replaces the whole tuple
 * with one wrong value: that value is then the first argument (the others missing).
 */
const spread =
  <A extends unknown[]>(parse: (...args: A) => unknown) =>
  (args: unknown) =>
    parse(...((Array.isArray(args) ? args : [args]) as A));
/** A parser of one argument, called with whatever it is given. */
const single =
  <T>(parse: (arg: T) => unknown) =>
  (arg: unknown) =>
    parse(arg as T);

/** Each parser with its arguments as one tuple (so "almost right" can break any of them). */
const PARSERS: Record<keyof typeof discordShapes, { args: Arbitrary<unknown>; call: (args: unknown) => unknown; kind?: string }> = {
  parseChatInput: { args: fc.tuple(ctx, nastyString, fc.array(option, { maxLength: 5 })), call: spread(parseChatInput), kind: 'command' },
  parseAutocomplete: { args: fc.tuple(ctx, nastyString, fc.record({ name: nastyString, value: anyValue })), call: spread(parseAutocomplete), kind: 'autocomplete' },
  parseButton: { args: fc.tuple(ctx, customId, snowflake), call: spread(parseButton), kind: 'action' },
  parseMessageContextMenu: { args: fc.tuple(ctx, fc.oneof(fc.constant(ANIMATE_CONTEXT_MENU), nastyString), message), call: spread(parseMessageContextMenu), kind: 'shortcut' },
  parseModalSubmit: { args: fc.tuple(ctx, nastyString, fc.array(fc.record({ customId: nastyString, value: anyValue }, { requiredKeys: ['customId'] }), { maxLength: 4 })), call: spread(parseModalSubmit), kind: 'submit' },
  emojiName: { args: emoji, call: single(emojiName) },
  parseReaction: { args: reaction, call: single(parseReaction), kind: 'reaction' },
  imagesOfMessage: { args: message, call: single(imagesOfMessage) },
};

describe('Discord parsers', () => {
  for (const [name, parser] of Object.entries(PARSERS)) {
    const call = parser.call;
    const declared = discordShapes[name as keyof typeof discordShapes];
    it(`${name}: well-typed input with any values gives a result`, () => {
      fc.assert(
        fc.property(parser.args, (args) => {
          const result = parsesConforming(`discord.${name}`, declared, args, () => call(args));
          if (parser.kind && result !== undefined) expect(result).toMatchObject({ kind: parser.kind, platform: 'discord' });
        }),
        params(),
      );
    }, TIMEOUT);

    it(`${name}: almost-right or arbitrary input gives a result, or a UserError/ZodError`, () => {
      fc.assert(fc.property(nearly(parser.args), (args) => void parsesConforming(`discord.${name}`, declared, args, () => call(args))), params());
    }, TIMEOUT);
  }
});
