import { describe, expect, it } from 'vitest';
import {
  ANIMATE_CONTEXT_MENU,
  actorOf,
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
} from '../../adapters/discord/parse.js';
import { PERMISSION } from '../../adapters/discord/permissions.js';
import { encodeButtonId } from '../../src/view.js';

const perms = (bits: bigint) => ({ has: (p: bigint) => (bits & p) === p });
const ctx = (extra: Partial<InteractionContext> = {}): InteractionContext => ({
  interactionId: '900',
  guildId: 'g1',
  channelId: 'c1',
  user: { id: 'u1', username: 'alice', globalName: 'Alice' },
  permissions: perms(0n),
  receivedAt: 1000,
  ...extra,
});
const png = { url: 'https://cdn.discordapp.com/attachments/c1/1/cat.png?ex=1', name: 'cat.png', contentType: 'image/png', size: 1234, width: 64, height: 32 };
const message = (over: Partial<MessageLike> = {}): MessageLike => ({ id: 'm1', content: 'my cat', author: { id: 'u9' }, attachments: new Map([['1', png]]), embeds: [], ...over });

describe('Discord interactions → Invocations', () => {
  it('a chat-input command: typed options, attachments as Discord MediaRefs, the member as actor', () => {
    const inv = parseChatInput(ctx(), 'generate', [
      { name: 'prompt', value: 'a red fox' },
      { name: 'count', value: 2 },
      { name: 'video', value: false },
      { name: 'image', value: '1', attachment: png },
      { name: 'image2', value: '2', attachment: { url: 'https://cdn.discordapp.com/b.jpg', name: 'b.jpg', contentType: 'image/jpeg; charset=binary', size: 9 } },
    ]);
    expect(inv).toEqual({
      kind: 'command', id: 'int:900', platform: 'discord', workspaceId: 'g1', receivedAt: 1000,
      actor: { userId: 'u1', displayName: 'Alice', isAdmin: false },
      conversation: { platform: 'discord', workspaceId: 'g1', channelId: 'c1' },
      command: 'generate',
      options: { prompt: 'a red fox', count: 2, video: false },
      attachments: [
        { url: png.url, source: 'discord', name: 'cat.png', mimeType: 'image/png', sizeBytes: 1234, width: 64, height: 32 },
        { url: 'https://cdn.discordapp.com/b.jpg', source: 'discord', name: 'b.jpg', mimeType: 'image/jpeg', sizeBytes: 9 },
      ],
    });
  });

  it('in a thread, replies go to the thread under its parent; Manage Server makes an admin', () => {
    const inv = parseChatInput(ctx({ channelId: 't1', threadParentId: 'c1', permissions: perms(PERMISSION.MANAGE_GUILD | 1024n) }), 'credits', []);
    expect(inv.conversation).toEqual({ platform: 'discord', workspaceId: 'g1', channelId: 'c1', threadId: 't1' });
    expect(inv.actor.isAdmin).toBe(true);
  });

  it('admin = Manage Server or Administrator; Manage Messages alone (a moderator) is not, nor unknown permissions', () => {
    const user = { id: 'u1', username: 'alice' };
    expect(actorOf(user, perms(PERMISSION.MANAGE_GUILD)).isAdmin).toBe(true);
    // A plain bit set: Administrator must count on its own (discord.js's `has` would include it anyway).
    expect(actorOf(user, perms(PERMISSION.ADMINISTRATOR)).isAdmin).toBe(true);
    expect(actorOf(user, perms(PERMISSION.MANAGE_MESSAGES | PERMISSION.VIEW_CHANNEL | PERMISSION.READ_MESSAGE_HISTORY)).isAdmin).toBe(false);
    expect(actorOf(user, null).isAdmin).toBe(false);
    expect(actorOf(user, undefined).isAdmin).toBe(false);
  });

  it('autocomplete carries the focused option and what was typed', () => {
    expect(parseAutocomplete(ctx(), 'generate', { name: 'model', value: 'flu' })).toMatchObject({ kind: 'autocomplete', command: 'generate', option: 'model', partial: 'flu' });
  });

  it('autocomplete carries the other options already chosen (a provider narrows the models), never the focused one or odd values', () => {
    const filled = [{ name: 'prompt', value: 'a fox' }, { name: 'provider', value: 'krev' }, { name: 'video', value: true }, { name: 'model', value: 'flu' }, { name: 'image', value: null }];
    const inv = parseAutocomplete(ctx(), 'generate', { name: 'model', value: 'flu' }, filled);
    expect(inv.options).toEqual({ prompt: 'a fox', provider: 'krev', video: true });
    expect(parseAutocomplete(ctx(), 'generate', { name: 'model', value: 'flu' }).options).toBeUndefined();
  });

  it('a button of ours is decoded; anyone else\'s is not ours', () => {
    const inv = parseButton(ctx(), encodeButtonId({ action: 'upscale', jobId: 'job-7', arg: '1' }), 'm5');
    expect(inv).toMatchObject({ kind: 'action', action: { action: 'upscale', jobId: 'job-7', arg: '1' }, message: { channelId: 'c1', messageId: 'm5' } });
    expect(parseButton(ctx(), 'some-other-bot:click', 'm5')).toBeUndefined();
  });

  it('"Animate image" takes the target message\'s images (attachments, then embeds) but not its other files', () => {
    const target = message({
      attachments: new Map<string, AttachmentLike>([
        ['1', png],
        ['2', { url: 'https://cdn.discordapp.com/doc.pdf', name: 'doc.pdf', contentType: 'application/pdf', size: 5 }],
      ]),
      embeds: [{ image: { url: 'https://media.discordapp.net/e.png' } }, { thumbnail: { url: 'https://example.com/t.jpg' } }, { image: { url: png.url } }, {}],
    });
    const inv = parseMessageContextMenu(ctx(), ANIMATE_CONTEXT_MENU, target);
    expect(inv).toMatchObject({ kind: 'shortcut', shortcut: 'animate', messageText: 'my cat', message: { messageId: 'm1' } });
    expect(inv!.media.map((m) => [m.url, m.source])).toEqual([
      [png.url, 'discord'],
      ['https://media.discordapp.net/e.png', 'discord'],
      ['https://example.com/t.jpg', 'url'],
    ]);
    expect(parseMessageContextMenu(ctx(), 'Something else', target)).toBeUndefined();
  });

  it('a modal submit becomes a submit with its fields', () => {
    expect(parseModalSubmit(ctx(), 'connect:krea', [{ customId: 'api_key', value: 'k-123' }])).toMatchObject({ kind: 'submit', form: 'connect:krea', values: { api_key: 'k-123' } });
  });
});

describe('Discord reactions → Invocations', () => {
  const event = (userId: string, extra: Partial<Parameters<typeof parseReaction>[0]> = {}) =>
    parseReaction({ guildId: 'g1', channelId: 'c1', messageId: 'm1', emoji: { name: '🎬', id: null }, user: { id: userId }, permissions: null, receivedAt: 5, ...extra });

  it('each reaction is its own invocation (one job per message is the reaction lock\'s job)', () => {
    const a = event('u1', { message: message() });
    const b = event('u2', { message: message() });
    expect(a.id).toBe('reaction:c1:m1:clapper:u1:5');
    expect(b.id).not.toBe(a.id);
    expect(a).toMatchObject({ kind: 'reaction', emoji: 'clapper', authorId: 'u9', message: { channelId: 'c1', messageId: 'm1' } });
    expect(a.media).toEqual([imagesOfMessage(message())[0]]);
  });

  it('an unreadable message leaves the media to the core to look up', () => {
    const inv = event('u1');
    expect(inv.media).toBeUndefined();
    expect(inv.authorId).toBeUndefined();
  });

  it('names emoji the way settings do', () => {
    expect(emojiName({ name: '🎬' })).toBe('clapper');
    expect(emojiName({ name: '❌' })).toBe('x');
    expect(emojiName({ name: '✖' })).toBe('heavy_multiplication_x');
    expect(emojiName({ name: 'party_parrot', id: '123' })).toBe('party_parrot');
  });
});
