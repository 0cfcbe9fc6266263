/**
 * The Slack payload parsers, given payloads shaped as the types say (with adversarial values) and
 * payloads that are almost that shape (fields missing, null, of another type) or nothing like it.
 * They return an Invocation (or undefined, or media) or throw a UserError / ZodError; a TypeError
 * on malformed input is a finding (see findings.ts). Input that matches the declared type
 * (declared-shapes.ts) is never refused.
 */
import fc, { type Arbitrary } from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromAppMention,
  fromBlockAction,
  fromMessageShortcut,
  fromReaction,
  fromSlashCommand,
  filesToMedia,
  linkedImages,
  SHORTCUTS,
  SLASH_COMMANDS,
  type BlockActionBody,
  type MentionEvent,
  type MessageShortcutBody,
  type ReactionEvent,
  type SlackFile,
  type SlashCommandBody,
} from '../../adapters/slack/parse.js';
import { encodeButtonId } from '../../src/view.js';
import { anyValue, nastyString, nearly, typed } from './arbitraries.js';
import { parsesConforming } from './contract.js';
import { slackShapes } from './declared-shapes.js';
import { failOnUnhandledRejections, params, TIMEOUT } from './support.js';

failOnUnhandledRejections();

const id = fc.oneof(fc.stringMatching(/^[UWTCFB][A-Z0-9]{2,10}$/), nastyString);
const ts = fc.oneof(fc.stringMatching(/^\d{10}\.\d{6}$/), nastyString);
const url = fc.oneof(fc.webUrl(), fc.constantFrom('https://files.slack.com/a.png', 'http://', 'not a url', ''), nastyString);
const buttonId = fc.oneof(
  fc.record({ action: fc.constantFrom('cancel', 'retry', 'variations', 'upscale', 'animate', 'delete' as const), jobId: fc.stringMatching(/^[A-Za-z0-9:_-]{1,40}$/) }).map((p) => encodeButtonId(p)),
  nastyString,
);
const opt = <T>(arb: Arbitrary<T>) => fc.option(arb, { nil: undefined });

const file: Arbitrary<SlackFile> = typed<SlackFile>({ id, name: nastyString, mimetype: fc.oneof(fc.constantFrom('image/png', 'image/jpeg', 'video/mp4'), nastyString), size: fc.oneof(fc.nat(), fc.double()), url_private_download: url, url_private: url }, ['id', 'name', 'mimetype', 'size', 'url_private_download', 'url_private']);
const files = opt(fc.array(file, { maxLength: 4 }));
const legacyAttachments = opt(fc.array(typed<{ image_url?: string }>({ image_url: url }, ['image_url']), { maxLength: 3 }));

const slash: Arbitrary<SlashCommandBody> = typed<SlashCommandBody>(
  { command: fc.oneof(fc.constantFrom(...SLASH_COMMANDS), nastyString), text: nastyString, team_id: id, channel_id: id, user_id: id, user_name: nastyString, trigger_id: nastyString },
  ['user_name'],
);
const blockAction: Arbitrary<BlockActionBody> = typed<BlockActionBody>(
  {
    trigger_id: nastyString,
    team: fc.option(typed<{ id: string }>({ id })),
    user: typed<BlockActionBody['user']>({ id, team_id: id, name: nastyString }, ['team_id', 'name']),
    channel: typed<{ id: string }>({ id }),
    container: typed<NonNullable<BlockActionBody['container']>>({ channel_id: id, message_ts: ts, thread_ts: ts }, ['channel_id', 'message_ts', 'thread_ts']),
    message: typed<NonNullable<BlockActionBody['message']>>({ ts, thread_ts: ts }, ['thread_ts']),
    actions: fc.array(typed<{ action_id: string }>({ action_id: buttonId }), { maxLength: 3 }),
  },
  ['team', 'channel', 'container', 'message'],
);
const mention: Arbitrary<MentionEvent> = typed<MentionEvent>({ text: nastyString, user: id, channel: id, ts, thread_ts: ts, files: files as Arbitrary<SlackFile[]>, attachments: legacyAttachments as Arbitrary<Array<{ image_url?: string }>> }, ['thread_ts', 'files', 'attachments']);
const reaction: Arbitrary<ReactionEvent> = typed<ReactionEvent>(
  { reaction: nastyString, user: id, item: typed<ReactionEvent['item']>({ type: fc.oneof(fc.constantFrom('message', 'file'), nastyString), channel: id, ts }), item_user: id },
  ['item_user'],
);
const shortcut: Arbitrary<MessageShortcutBody> = typed<MessageShortcutBody>({
  callback_id: fc.oneof(fc.constantFrom(...Object.keys(SHORTCUTS)), nastyString),
  trigger_id: nastyString,
  team: fc.option(typed<{ id: string }>({ id }), { nil: null }),
  user: typed<MessageShortcutBody['user']>({ id, name: nastyString, team_id: id }, ['name', 'team_id']),
  channel: typed<{ id: string }>({ id }),
  message: typed<MessageShortcutBody['message']>({ ts, thread_ts: ts, text: nastyString, files: files as Arbitrary<SlackFile[]>, attachments: legacyAttachments as Arbitrary<Array<{ image_url?: string }>> }, ['thread_ts', 'text', 'files', 'attachments']),
});

/** Each parser, called the way app.ts calls it. */
const PARSERS = {
  fromSlashCommand: { wellTyped: slash, call: (b: unknown, admin: boolean) => fromSlashCommand(b as SlashCommandBody, admin), kind: 'command' },
  fromBlockAction: { wellTyped: blockAction, call: (b: unknown, admin: boolean) => fromBlockAction(b as BlockActionBody, admin), kind: 'action' },
  fromAppMention: { wellTyped: mention, call: (e: unknown, admin: boolean) => fromAppMention(e as MentionEvent, 'Ev1', 'T1', admin), kind: 'mention' },
  fromReaction: { wellTyped: reaction, call: (e: unknown, admin: boolean) => fromReaction(e as ReactionEvent, 'Ev1', 'T1', admin), kind: 'reaction' },
  fromMessageShortcut: { wellTyped: shortcut, call: (b: unknown, admin: boolean) => fromMessageShortcut(b as MessageShortcutBody, admin), kind: 'shortcut' },
} as const;

describe('Slack parsers', () => {
  for (const [name, parser] of Object.entries(PARSERS)) {
    it(`${name}: a well-typed payload with any values gives an Invocation or undefined`, () => {
      fc.assert(
        fc.property(parser.wellTyped as Arbitrary<unknown>, fc.boolean(), (body, admin) => {
          const result = parsesConforming(`slack.${name}`, slackShapes[name as keyof typeof PARSERS], body, () => parser.call(body, admin));
          if (result !== undefined) expect(result).toMatchObject({ kind: parser.kind, platform: 'slack' });
        }),
        params(),
      );
    }, TIMEOUT);

    it(`${name}: an almost-right or arbitrary payload gives an Invocation, undefined, or a UserError/ZodError`, () => {
      fc.assert(
        fc.property(nearly(parser.wellTyped as Arbitrary<unknown>), fc.boolean(), (body, admin) => void parsesConforming(`slack.${name}`, slackShapes[name as keyof typeof PARSERS], body, () => parser.call(body, admin))),
        params(),
      );
    }, TIMEOUT);
  }

  it('filesToMedia and linkedImages: media for any files, text and legacy attachments', () => {
    fc.assert(
      fc.property(files, opt(nastyString), legacyAttachments, (f, text, attachments) => {
        for (const media of [filesToMedia(f), linkedImages(text, attachments)]) {
          expect(Array.isArray(media)).toBe(true);
          for (const m of media) expect(typeof m.url).toBe('string');
        }
      }),
      params(),
    );
  }, TIMEOUT);

  it('filesToMedia and linkedImages: almost-right input', () => {
    fc.assert(
      fc.property(nearly(files as Arbitrary<unknown>), fc.oneof(nastyString, anyValue), nearly(legacyAttachments as Arbitrary<unknown>), (f, text, attachments) => {
        parsesConforming('slack.filesToMedia', slackShapes.filesToMedia, f, () => filesToMedia(f as SlackFile[]));
        parsesConforming('slack.linkedImages', slackShapes.linkedImages, { text, attachments }, () => linkedImages(text as string, attachments as Array<{ image_url?: string }>));
      }),
      params(),
    );
  }, TIMEOUT);
});
