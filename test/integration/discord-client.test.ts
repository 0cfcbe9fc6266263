/**
 * The real discord.js client (createDiscordAdapter) against the loopback fake of Discord, with a
 * recording dispatcher: what users see of the adapter on its own (acks, choices, modals, what
 * reaches the core), independent of the commands and the job pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/client.js';
import { ANIMATE_CONTEXT_MENU, toApplicationCommands } from '../../adapters/discord/commands-json.js';
import type { CommandSpec } from '../../src/command.js';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import type { Invocation } from '../../src/invocation.js';
import { silentLogger } from '../../src/logger.js';
import type { Responder } from '../../src/ports.js';
import { encodeButtonId, textView } from '../../src/view.js';
import { ADMIN_ROLE_ID, ADMINISTRATOR_BITS, apiMessage, APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, MANAGE_GUILD_BITS, MANAGE_MESSAGES_BITS, MOD_ROLE_ID } from '../fakes/discord/server.js';

const ALICE = '200000000000000011';
const BOB = '200000000000000012';
const CAROL = '200000000000000013';

const specs: CommandSpec[] = [
  {
    name: 'generate',
    description: 'Generate images',
    examples: [],
    params: [
      { name: 'prompt', kind: 'string', description: 'What to make', required: true, rest: true },
      { name: 'model', kind: 'string', description: 'Model', autocomplete: true },
      { name: 'count', kind: 'integer', description: 'How many', min: 1, max: 4 },
      { name: 'image', kind: 'attachment', description: 'Input image', multiple: 2 },
    ],
  },
  { name: 'connect', description: 'Connect a key', examples: [], params: [{ name: 'provider', kind: 'string', description: 'Provider' }] },
];

/** Records every invocation; each test decides how the "core" answers through `behave`. */
function recordingDispatcher() {
  const seen: Array<{ invocation: Invocation; responder: Responder }> = [];
  let behave: (invocation: Invocation, responder: Responder) => Promise<void> = async () => undefined;
  const dispatcher: Dispatcher = {
    async dispatch(invocation, responder) {
      seen.push({ invocation, responder });
      await behave(invocation, responder);
    },
  };
  return { dispatcher, seen, set: (fn: typeof behave) => (behave = fn) };
}

let fake: FakeDiscord;
let adapter: DiscordAdapter;
const rec = recordingDispatcher();

async function until<T>(fn: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last calls: ${JSON.stringify(fake.calls.slice(-4).map((c) => [c.method, c.path]))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
/** The edit of an interaction's original (deferred) response; @ is sent percent-encoded. */
const originalEdit = (id: string, content?: string) =>
  fake.calls.find((c) => c.method === 'PATCH' && new RegExp(`^/webhooks/${APP_ID}/tok-${id}/messages/(@|%40)original$`).test(c.path) && (content === undefined || c.body?.['content'] === content));
const invocationOf = (id: string) => rec.seen.find((s) => s.invocation.id === `int:${id}`);

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  adapter = createDiscordAdapter({
    token: 'discord-test-token', applicationId: APP_ID, guildId: GUILD_ID, apiUrl: fake.apiUrl, dispatcher: rec.dispatcher,
    specs, logger: silentLogger(), messageContentIntent: false, ackDeadlineMs: 300,
  });
  await adapter.start();
  await fake.connected();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.stop();
});

describe('Discord adapter (discord.js against the fake)', () => {
  it('registers the commands from the specs for the guild and identifies with only the intents it needs', () => {
    expect(fake.callsTo('PUT', new RegExp(`^/applications/${APP_ID}/guilds/${GUILD_ID}/commands$`))).toHaveLength(1);
    expect(fake.commands).toEqual(toApplicationCommands(specs));
    // Guilds (1) + GuildMessageReactions (1 << 10) + DirectMessages (1 << 12); no privileged MessageContent.
    expect(fake.identifyPayloads[0]).toMatchObject({ token: 'discord-test-token', intents: 1 | (1 << 10) | (1 << 12) });
    expect(adapter.isReady()).toBe(true);
  });

  it('defers /generate before the core has finished, then hands it the typed options and the attachment', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    rec.set(async (inv, responder) => {
      if (inv.kind !== 'command') return;
      await gate;
      await responder.reply(textView('Queued: **a red fox**'));
    });
    const attachment = fake.addAttachment('fox.png', 'image/png', Buffer.from('png'));
    const id = fake.sendInteraction({
      type: 2, userId: ALICE,
      data: {
        id: '1', name: 'generate', type: 1,
        options: [{ name: 'prompt', type: 3, value: 'a red fox' }, { name: 'count', type: 4, value: 2 }, { name: 'image', type: 11, value: attachment['id'] }],
        resolved: { attachments: { [attachment['id'] as string]: attachment } },
      },
    });
    const deferral = await until(() => fake.callbackOf(id), 'the deferral');
    // Deferred privately while the core is still working: the gate is closed.
    expect(deferral.body).toEqual({ type: 5, data: { flags: 64 } });
    const seen = await until(() => invocationOf(id), 'the invocation');
    expect(seen.invocation).toMatchObject({
      kind: 'command', command: 'generate', workspaceId: GUILD_ID, conversation: { channelId: CHANNEL_ID },
      actor: { userId: ALICE, isAdmin: false },
      options: { prompt: 'a red fox', count: 2 },
      attachments: [{ url: attachment['url'], source: 'discord', name: 'fox.png', mimeType: 'image/png', sizeBytes: 3 }],
    });
    expect(originalEdit(id)).toBeUndefined();
    release();
    await until(() => originalEdit(id, 'Queued: **a red fox**'), 'the reply');
  });

  it('answers autocomplete directly with at most 25 choices', async () => {
    rec.set(async (inv, responder) => {
      if (inv.kind === 'autocomplete') await responder.choices!(Array.from({ length: 40 }, (_, i) => ({ name: `${inv.partial}-${i}`, value: `${inv.partial}-${i}` })));
    });
    const id = fake.sendInteraction({ type: 4, data: { id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'x' }, { name: 'model', type: 3, value: 'flux', focused: true }] } });
    const cb = await until(() => fake.callbackOf(id), 'the autocomplete answer');
    const body = cb.body as { type: number; data: { choices: Array<{ name: string; value: string }> } };
    expect(body.type).toBe(8);
    expect(body.data.choices).toHaveLength(25);
    expect(body.data.choices[0]).toEqual({ name: 'flux-0', value: 'flux-0' });
    expect(invocationOf(id)!.invocation).toMatchObject({ kind: 'autocomplete', option: 'model', partial: 'flux' });
  });

  it('answers autocomplete with an empty list before the deadline when the core is too slow', async () => {
    rec.set(async (inv) => {
      if (inv.kind === 'autocomplete') await new Promise((r) => setTimeout(r, 1_000));
    });
    const id = fake.sendInteraction({ type: 4, data: { id: '1', name: 'generate', type: 1, options: [{ name: 'model', type: 3, value: 'slow', focused: true }] } });
    const cb = await until(() => fake.callbackOf(id), 'the fallback answer');
    expect(cb.body).toEqual({ type: 8, data: { choices: [] } });
  });

  it('decodes a button of ours, with Manage Server or Administrator making an admin (Manage Messages does not); ignores buttons it did not make', async () => {
    rec.set(async () => undefined);
    const status = fake.addMessage(CHANNEL_ID, 'status', [], '100000000000000004');
    const click = (customId: string, permissions = MANAGE_GUILD_BITS) => fake.sendInteraction({ type: 3, userId: BOB, permissions, message: status, data: { custom_id: customId, component_type: 2 } });
    const id = click(encodeButtonId({ action: 'cancel', jobId: 'job-42' }));
    await until(() => fake.callbackOf(id), 'the deferral');
    const seen = await until(() => invocationOf(id), 'the action');
    expect(seen.invocation).toMatchObject({ kind: 'action', action: { action: 'cancel', jobId: 'job-42' }, message: { messageId: status.id }, actor: { userId: BOB, isAdmin: true } });
    const asAdministrator = click(encodeButtonId({ action: 'cancel', jobId: 'job-42' }), ADMINISTRATOR_BITS);
    expect((await until(() => invocationOf(asAdministrator), 'the Administrator click')).invocation.actor.isAdmin).toBe(true);
    const asModerator = click(encodeButtonId({ action: 'cancel', jobId: 'job-42' }), MANAGE_MESSAGES_BITS);
    expect((await until(() => invocationOf(asModerator), 'the moderator click')).invocation.actor.isAdmin).toBe(false);
    const foreign = click('another-bot:do-something');
    const marker = click(encodeButtonId({ action: 'retry', jobId: 'job-43' }));
    await until(() => invocationOf(marker), 'the later click');
    expect(invocationOf(foreign)).toBeUndefined();
    expect(fake.callbackOf(foreign)).toBeUndefined();
  });

  it('🎬 on an uncached message: fetches it and hands the core its image, one invocation per reaction', async () => {
    // Someone else's image is visible only with the MessageContent intent on in the portal.
    fake.messageContentEnabled = true;
    const image = fake.addAttachment('cat.png', 'image/png', Buffer.from('cat'));
    const message = fake.addMessage(CHANNEL_ID, 'my cat', [image]);
    const before = rec.seen.length;
    fake.sendReaction({ userId: ALICE, messageId: message.id, emoji: '🎬' });
    fake.sendReaction({ userId: BOB, messageId: message.id, emoji: '🎬', roles: [ADMIN_ROLE_ID] });
    fake.sendReaction({ userId: CAROL, messageId: message.id, emoji: '🎬', roles: [MOD_ROLE_ID] });
    await until(() => rec.seen.length >= before + 3, 'the three reactions');
    const [a, b, c] = rec.seen.slice(before).map((s) => s.invocation);
    expect(fake.callsTo('GET', new RegExp(`/channels/${CHANNEL_ID}/messages/${message.id}$`)).length).toBeGreaterThanOrEqual(1);
    expect(a).toMatchObject({
      kind: 'reaction', id: expect.stringMatching(new RegExp(`^reaction:${CHANNEL_ID}:${message.id}:clapper:${ALICE}:`)), emoji: 'clapper', authorId: message.author.id,
      message: { channelId: CHANNEL_ID, messageId: message.id }, actor: { userId: ALICE, isAdmin: false },
      media: [{ url: image['url'], source: 'discord', mimeType: 'image/png', name: 'cat.png' }],
    });
    // Each reaction is its own invocation; one job per message is the reaction lock's job (commands/reaction.ts).
    expect(b!.id).not.toBe(a!.id);
    // The reactor's role gives Manage Server: an admin. A moderator's Manage Messages does not.
    expect(b!.actor).toMatchObject({ userId: BOB, isAdmin: true });
    expect(c!.actor).toMatchObject({ userId: CAROL, isAdmin: false });
    fake.messageContentEnabled = false;
  });

  it('a reaction on a message it cannot read still reaches the core, which looks the media up itself', async () => {
    const before = rec.seen.length;
    fake.sendReaction({ userId: ALICE, messageId: '123456789012345678', emoji: '🎬' });
    await until(() => rec.seen.length > before, 'the reaction');
    const inv = rec.seen.at(-1)!.invocation;
    expect(inv).toMatchObject({ kind: 'reaction', emoji: 'clapper', message: { messageId: '123456789012345678' } });
    expect(inv.kind === 'reaction' && inv.media).toBeUndefined();
  });

  it('the "Animate image" context menu hands the core the target message\'s image', async () => {
    const image = fake.addAttachment('dog.png', 'image/png', Buffer.from('dog'));
    const message = fake.addMessage(CHANNEL_ID, 'my dog', [image]);
    const id = fake.sendInteraction({ type: 2, data: { id: '9', name: ANIMATE_CONTEXT_MENU, type: 3, target_id: message.id, resolved: { messages: { [message.id]: apiMessage(message) } } } });
    expect((await until(() => fake.callbackOf(id), 'the deferral')).body).toEqual({ type: 5, data: { flags: 64 } });
    const seen = await until(() => invocationOf(id), 'the shortcut');
    expect(seen.invocation).toMatchObject({ kind: 'shortcut', shortcut: 'animate', messageText: 'my dog', message: { messageId: message.id }, media: [{ url: image['url'], source: 'discord' }] });
  });

  it('/connect answers with a modal first (no deferral), and the submitted form reaches the core', async () => {
    rec.set(async (inv, responder) => {
      if (inv.kind === 'command' && inv.command === 'connect') await responder.openForm!({ id: 'connect:krea', title: 'Connect Krea', fields: [{ id: 'api_key', label: 'API key', secret: true, maxLength: 200 }] });
    });
    const id = fake.sendInteraction({ type: 2, permissions: MANAGE_GUILD_BITS, data: { id: '2', name: 'connect', type: 1, options: [{ name: 'provider', type: 3, value: 'krea' }] } });
    const modal = await until(() => fake.callbackOf(id), 'the modal');
    expect(modal.body).toMatchObject({ type: 9, data: { custom_id: 'connect:krea', title: 'Connect Krea', components: [{ type: 1, components: [{ type: 4, custom_id: 'api_key', label: 'API key', max_length: 200 }] }] } });
    rec.set(async (inv, responder) => {
      if (inv.kind === 'submit') await responder.reply(textView('Connected.'));
    });
    const submit = fake.sendInteraction({ type: 5, data: { custom_id: 'connect:krea', components: [{ type: 1, components: [{ type: 4, custom_id: 'api_key', value: 'krea-secret' }] }] } });
    const seen = await until(() => invocationOf(submit), 'the submit');
    expect(seen.invocation).toMatchObject({ kind: 'submit', form: 'connect:krea', values: { api_key: 'krea-secret' } });
    expect((await until(() => fake.callbackOf(submit), 'the deferral')).body).toEqual({ type: 5, data: { flags: 64 } });
    await until(() => originalEdit(submit, 'Connected.'), 'the private answer');
  });

  it('a form command whose core is slow is deferred before Discord\'s deadline', async () => {
    rec.set(async (inv, responder) => {
      if (inv.kind !== 'command') return;
      await new Promise((r) => setTimeout(r, 800));
      await responder.reply(textView('Only admins can connect a key.'));
    });
    const id = fake.sendInteraction({ type: 2, data: { id: '2', name: 'connect', type: 1, options: [] } });
    expect((await until(() => fake.callbackOf(id), 'the late deferral')).body).toEqual({ type: 5, data: { flags: 64 } });
    await until(() => originalEdit(id, 'Only admins can connect a key.'), 'the answer');
  });

  it('after the gateway connection drops, discord.js reconnects and later interactions still reach the core', async () => {
    rec.set(async () => undefined);
    const sessionsBefore = fake.identifies + fake.resumes;
    fake.dropConnections();
    await fake.connected(20_000);
    const id = fake.sendInteraction({ type: 2, data: { id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'after the drop' }] } });
    const seen = await until(() => invocationOf(id), 'the interaction after the reconnect', 20_000);
    expect(seen.invocation).toMatchObject({ kind: 'command', options: { prompt: 'after the drop' } });
    expect(fake.identifies + fake.resumes).toBeGreaterThan(sessionsBefore);
  }, 30_000);
});
