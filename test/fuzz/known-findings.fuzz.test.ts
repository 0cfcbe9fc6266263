/**
 * One example of each finding in findings.ts, asserting the behaviour we want. An open finding's
 * example fails, so it goes in a `describe('known findings (each fails until fixed)')` block
 * marked `it.fails`; when a fix lands the example passes, vitest reports the unexpected pass, and
 * the `.fails` and the finding's entry go together. A fixed finding's example stays below as a
 * plain `it`, so the bug cannot come back unnoticed. No finding is open today.
 */
import { MockAgent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { emojiName, imagesOfMessage, parseAutocomplete, parseButton, parseChatInput, parseDirectMessage, parseMessageContextMenu, parseModalSubmit, parseReaction, type InteractionContext, type MessageLike } from '../../adapters/discord/parse.js';
import { createKPainterProvider } from '../../adapters/providers/kpainter/client.js';
import { mapKPainterError } from '../../adapters/providers/kpainter/errors.js';
import { createKreaProvider } from '../../adapters/providers/krea/client.js';
import { mapKreaError } from '../../adapters/providers/krea/errors.js';
import { KreaJob, toProviderStatus as kreaStatus } from '../../adapters/providers/krea/states.js';
import { createKrevProvider } from '../../adapters/providers/krev/client.js';
import { mapKrevError } from '../../adapters/providers/krev/errors.js';
import { KrevChatRun, KrevGeneration } from '../../adapters/providers/krev/schemas.js';
import { chatRunStatus, toProviderStatus as krevStatus } from '../../adapters/providers/krev/states.js';
import {
  filesToMedia,
  fromAppMention,
  fromBlockAction,
  fromDirectMessage,
  fromMessageShortcut,
  fromReaction,
  fromSlashCommand,
  linkedImages,
  type BlockActionBody,
  type DirectMessageEvent,
  type MentionEvent,
  type MessageShortcutBody,
  type ReactionEvent,
  type SlackFile,
  type SlashCommandBody,
} from '../../adapters/slack/parse.js';
import { generateSpec } from '../../commands/specs.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText } from '../../src/command-text.js';
import { ProviderError, UserError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { messageProblem } from './contract.js';
import { failOnUnhandledRejections } from './support.js';

failOnUnhandledRejections();

/** What `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}
const readable = (err: unknown) => expect(messageProblem((err as UserError | ProviderError).userMessage)).toBeUndefined();
/** `fn` refuses its input with a ZodError. */
const refused = (fn: () => unknown) => expect(thrown(fn)).toBeInstanceOf(ZodError);

const ctx: InteractionContext = { interactionId: '1', guildId: '2', channelId: '3', user: { id: '4' }, permissions: null, receivedAt: 0 };

/** A provider API on an undici MockAgent that answers the scripted bodies in order. */
const agent = new MockAgent();
agent.disableNetConnect();
afterAll(() => agent.close());
let script: Array<{ status: number; body: string }> = [];
agent
  .get('http://findings.test')
  .intercept({ path: () => true, method: () => true })
  .reply(() => {
    const next = script.shift() ?? { status: 500, body: '{}' };
    return { statusCode: next.status, data: next.body, responseOptions: { headers: { 'content-type': 'application/json' } } };
  })
  .persist();
const providerOptions = { baseUrl: 'http://findings.test', logger: silentLogger(), dispatcher: agent, requestTimeoutMs: 2000 };
const call = { credentials: { apiKey: 'k' } };
const op = (providerJobId: string, extra: Record<string, unknown> = {}) => ({ providerJobId, modelId: 'image/x', submittedAt: 0, ...extra });
/** What `p` rejects with; fails if it resolves. */
const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    (value) => expect.fail(`resolved with ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
/** A ProviderError with a readable userMessage and these fields. */
const providerError = (err: unknown, fields: Partial<Pick<ProviderError, 'provider' | 'code' | 'retryable'>>) => {
  expect(err).toBeInstanceOf(ProviderError);
  expect(err).toMatchObject(fields);
  readable(err);
};
/** A failed status whose reason a user can read. */
const readableReason = (status: { state: string; reason?: string }) => {
  expect(status.state).toBe('failed');
  expect(messageProblem(status.reason ?? '')).toBeUndefined();
};

/** Declared one type, given another: what a payload that does not match its type looks like here. */
const as = <T>(value: unknown) => value as T;
const message: MessageLike = { id: 'm1', content: 'hi', author: { id: 'u9' }, attachments: new Map([['1', { url: 'https://cdn.discordapp.com/a.png', contentType: 'image/png' }]]), embeds: [] };

describe('fixed findings (regression examples)', () => {
  it('F3: a Slack payload with a field missing or of another type is refused with a ZodError, not a TypeError', () => {
    refused(() => fromSlashCommand(as<SlashCommandBody>({}), false));
    refused(() => fromSlashCommand(as<SlashCommandBody>({ command: 5, text: '', team_id: 'T', channel_id: 'C', user_id: 'U', trigger_id: 't' }), false));
    refused(() => fromBlockAction(as<BlockActionBody>({ trigger_id: 't', user: { id: 'U' }, actions: [null] }), false));
    refused(() => fromAppMention(as<MentionEvent>({ user: 'U', channel: 'C', ts: '1' }), 'Ev1', 'T1', false));
    refused(() => fromDirectMessage(as<DirectMessageEvent>({ user: 'U', channel: 'D', ts: '1', files: [{ url_private: 7 }] }), 'Ev1', 'T1', false));
    refused(() => fromReaction(as<ReactionEvent>({ reaction: 'clapper', user: 'U', item: { type: 'message' } }), 'Ev1', 'T1', false));
    refused(() => fromMessageShortcut(as<MessageShortcutBody>({ callback_id: 'animate_image', trigger_id: 't', team: null, user: { id: 'U' }, channel: { id: 'C' } }), false));
    refused(() => filesToMedia(as<SlackFile[]>([null])));
    refused(() => linkedImages(as<string>(5)));
    // Well-formed payloads read as before; a reaction to a file (no channel or ts) is simply not for the bot.
    expect(fromSlashCommand({ command: '/genbot', text: 'models', team_id: 'T', channel_id: 'C', user_id: 'U', trigger_id: 't', extra: { kept: true } }, false)).toMatchObject({ command: 'models', text: '', workspaceId: 'T' });
    expect(fromReaction(as<ReactionEvent>({ reaction: 'clapper', user: 'U', item: { type: 'file', file: 'F1' } }), 'Ev1', 'T1', false)).toBeUndefined();
    expect(fromDirectMessage({ channel_type: 'im', subtype: 'file_share', user: 'U', channel: 'D', ts: '1', files: [{ name: null, url_private: 'https://files.slack.com/a.png' }] }, 'Ev1', 'T1', false)).toMatchObject({ text: '', attachments: [{ url: 'https://files.slack.com/a.png' }] });
  });

  it('F4: a Discord context, option list, message or event of the wrong shape is refused with a ZodError, not a TypeError', () => {
    refused(() => parseChatInput(as<InteractionContext>({ ...ctx, user: undefined }), 'generate', []));
    refused(() => parseChatInput(ctx, 'generate', as<[]>({ length: 1 })));
    refused(() => parseChatInput(ctx, 'generate', [{ name: 'prompt', options: as<[]>(null) }]));
    refused(() => parseButton(ctx, as<string>(undefined), 'm1'));
    refused(() => parseMessageContextMenu(ctx, 'Animate image', as<MessageLike>({ id: 'm1', embeds: [] })));
    refused(() => parseModalSubmit(ctx, 'connect:krea', as<[]>(null)));
    refused(() => emojiName(as<{ name: string }>(null)));
    refused(() => parseReaction(as<Parameters<typeof parseReaction>[0]>({ guildId: 'g', channelId: 'c', messageId: 'm', emoji: {}, permissions: null, receivedAt: 1 })));
    refused(() => imagesOfMessage({ attachments: new Map([['1', as<{ url: string }>({})]]), embeds: [] }));
    refused(() => parseDirectMessage(as<Parameters<typeof parseDirectMessage>[0]>({ ...message, author: { username: 'no id' } }), 1));
    // discord.js objects pass as they are: a Collection-like Map, getters on a class.
    class Embed {
      get image() {
        return { url: 'https://media.discordapp.net/e.png' };
      }
      get thumbnail() {
        return null;
      }
    }
    expect(parseMessageContextMenu(ctx, 'Animate image', { ...message, embeds: [new Embed()] })?.media.map((m) => m.url)).toEqual(['https://cdn.discordapp.com/a.png', 'https://media.discordapp.net/e.png']);
  });

  it('F5: an autocomplete value that is no string, number or boolean reads as nothing typed', () => {
    for (const value of [Object.create(null) as unknown, {}, [], 1n, Symbol('x'), null, undefined]) {
      expect(parseAutocomplete(ctx, 'generate', { name: 'model', value }).partial).toBe('');
    }
    expect(parseAutocomplete(ctx, 'generate', { name: 'model', value: 'flu' }).partial).toBe('flu');
    expect(parseAutocomplete(ctx, 'generate', { name: 'count', value: 2 }).partial).toBe('2');
  });

  it('F2: an unknown option name is echoed tamed (no control characters or backticks) and bounded', () => {
    for (const name of ['\t', '`x`', 'a'.repeat(500), '\u0000\u001b[31m']) {
      const err = thrown(() => parseCommandOptions(generateSpec, { [name]: 1 }));
      expect(err).toBeInstanceOf(UserError);
      readable(err);
      expect((err as UserError).userMessage.length).toBeLessThan(60);
    }
  });
  it('F1: an unknown flag is echoed at most 40 characters long, the rest of the message intact', () => {
    const err = thrown(() => parseCommandText(generateSpec, `a fox --${'a--'.repeat(250)}`));
    expect(err).toBeInstanceOf(UserError);
    readable(err);
    const message = (err as UserError).userMessage;
    // 39 characters of the flag and an ellipsis.
    expect(message).toContain(`Unknown flag \`--${'a--'.repeat(13)}…\`. Flags: \`--ar\`, `);
    expect(parseCommandText.bind(null, generateSpec, 'a fox --arr 16:9')).toThrow('Unknown flag `--arr`. Did you mean `--ar`?');
  });

  it('F6: Krea keeps every result URL that parses and drops the rest; with none, a retryable ProviderError', () => {
    const job = KreaJob.parse({ job_id: 'j', status: 'completed', result: { urls: ['https://a b.png', 'https://x.test/ok.png', 'http://'] } });
    expect(kreaStatus(job)).toEqual({ state: 'succeeded', providerState: 'completed', outputs: [{ url: 'https://x.test/ok.png', source: 'provider', mimeType: 'image/png' }] });
    const broken = KreaJob.parse({ job_id: 'j', status: 'completed', result: { urls: ['https://a b.png', { url: 'http://' }] } });
    providerError(thrown(() => kreaStatus(broken)), { provider: 'krea', code: 'bad_response', retryable: true });
    expect(createKreaProvider(providerOptions).parseWebhook!({ job_id: 'j', status: 'completed', result: { urls: ['http://'] } })).toBeUndefined();
  });

  it('F7: Krev keeps every result URL that parses and drops the rest; with none, a retryable ProviderError', () => {
    const gen = KrevGeneration.parse({ id: 'g', status: 'succeeded', output: { urls: ['http:// x', 'https://x.test/ok.png'] } });
    expect(krevStatus(gen)).toMatchObject({ state: 'succeeded', outputs: [{ url: 'https://x.test/ok.png', mimeType: 'image/png' }] });
    const broken = KrevGeneration.parse({ id: 'g', status: 'succeeded', output: { urls: ['http:// x'] } });
    providerError(thrown(() => krevStatus(broken)), { provider: 'krev', code: 'bad_response', retryable: true });
    // Ad copy is a result too: it is delivered even when the image links are broken.
    expect(krevStatus({ ...broken, ad_copy: { headline: 'Buy' } })).toMatchObject({ state: 'succeeded', outputs: [], text: '**Buy**' });
    const run = KrevChatRun.parse({ status: 'completed', media_urls: ['https://a b.png', 'https://x.test/v.mp4'] });
    expect(chatRunStatus(run)).toMatchObject({ state: 'succeeded', outputs: [{ url: 'https://x.test/v.mp4', mimeType: 'video/mp4' }] });
  });

  it('F7: a synchronous Krev answer whose stored URLs do not parse is read from the generation instead', async () => {
    script = [{ status: 200, body: JSON.stringify({ success: true, data: { id: 'g1', status: 'succeeded', output: { urls: ['https://x.test/ok.png'] } } }) }];
    const status = await createKrevProvider(providerOptions).status(op('g1', { krev: { endpoint: 'images', urls: ['http:// x'] } }), call);
    expect(status).toMatchObject({ state: 'succeeded', outputs: [{ url: 'https://x.test/ok.png' }] });
  });

  it('F8: KPainter keeps every result URL that parses; with none, a retryable ProviderError', async () => {
    const kp = createKPainterProvider(providerOptions);
    const ready = { status: 200, body: JSON.stringify({ status: 'ready', creation_id: 'c1' }) };
    script = [ready, { status: 200, body: JSON.stringify({ main_url: 'not a url', artifacts: ['https://a b.png', 'https://x.test/ok.png'] }) }];
    expect(await kp.status(op('j1'), call)).toMatchObject({ state: 'succeeded', outputs: [{ url: 'https://x.test/ok.png', mimeType: 'image/png' }] });
    script = [ready, { status: 200, body: JSON.stringify({ main_url: 'http://' }) }];
    providerError(await rejection(kp.status(op('j1'), call)), { provider: 'kpainter', code: 'bad_response', retryable: true });
  });

  it("F9: Krea's own text reaches the user short and clean; a replacement that is no model id is dropped", () => {
    providerError(mapKreaError(400, { message: `bad\u0007\n${'x'.repeat(1000)}` }, undefined, {}), { code: 'bad_request' });
    expect(mapKreaError(400, { message: 'bad\u0007\nvalue' }, undefined, {}).userMessage).toBe('Krea rejected the request: bad value');
    const job = KreaJob.parse({ job_id: 'j', status: 'failed', result: { error: `bad\u0007${'y'.repeat(1000)}` } });
    readableReason(kreaStatus(job));
    const odd = mapKreaError(410, { replacement: 'image/x` --n 9 \u0007' }, undefined, { modelId: 'image/old' });
    providerError(odd, { code: 'model_retired' });
    expect(odd.replacement).toBeUndefined();
    expect(mapKreaError(410, { replacement: 'image/krea/krea-2/medium' }, undefined, {}).replacement).toBe('image/krea/krea-2/medium');
  });

  it("F10: KPainter's detail and a failed job's error reach the user short and clean", async () => {
    const err = mapKPainterError(422, { detail: 'bad\u0007 value' }, undefined, {});
    providerError(err, { code: 'bad_request' });
    expect(err.userMessage).toBe('KPainter refused these settings: bad value');
    script = [{ status: 200, body: JSON.stringify({ status: 'failed', error: `bad\u001b[31m${'z'.repeat(1000)}` }) }];
    readableReason(await createKPainterProvider(providerOptions).status(op('j1'), call));
  });

  it("F11: Krev's error text and a failed generation's error reach the user short and clean", () => {
    const err = mapKrevError(400, { error: 'bad\u0007 value' }, undefined);
    providerError(err, { code: 'bad_request' });
    expect(err.userMessage).toBe('Krev rejected the request: bad value');
    const gen = KrevGeneration.parse({ id: 'g', status: 'failed', error: { message: `bad\u0085${'w'.repeat(1000)}` } });
    readableReason(krevStatus(gen));
  });

  it('F12: a 2xx Krev answer of `null` is a retryable bad_response', async () => {
    script = [{ status: 200, body: 'null' }];
    providerError(await rejection(createKrevProvider(providerOptions).status(op('g1'), call)), { provider: 'krev', code: 'bad_response', retryable: true });
  });

  it('F13: a job id with a lone surrogate is refused with a ProviderError by all three clients', async () => {
    script = [];
    providerError(await rejection(createKreaProvider(providerOptions).status(op('\ud83e'), call)), { provider: 'krea', code: 'bad_response', retryable: false });
    providerError(await rejection(createKrevProvider(providerOptions).status(op('\ud83e'), call)), { provider: 'krev', code: 'bad_response', retryable: false });
    providerError(await rejection(createKPainterProvider(providerOptions).status(op('\udc00x'), call)), { provider: 'kpainter', code: 'bad_response', retryable: false });
    // KPainter's creation id too: the job is ready, but its creation cannot be named in a URL.
    script = [{ status: 200, body: JSON.stringify({ status: 'ready', creation_id: '\ud83e' }) }];
    providerError(await rejection(createKPainterProvider(providerOptions).status(op('j1'), call)), { provider: 'kpainter', code: 'bad_response', retryable: false });
  });
});
