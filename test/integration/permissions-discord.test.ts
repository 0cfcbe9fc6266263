/**
 * One permission model, on Discord: the whole bot (discord.js against the fake, the commands, the
 * pipeline on Redis, the Krea simulator). Admins are members with Manage Server or Administrator;
 * /connect and /settings are registered for them only; Cancel and Delete are for the requester or
 * an admin; follow-ups belong to whoever clicked; /animate links reach only channels the member
 * can read, computed over REST from roles and overwrites.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKeys } from '../../jobs/keys.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import type { RunningBot } from '../../src/main/compose.js';
import {
  ADMIN_ROLE_ID,
  ADMINISTRATOR_BITS,
  APP_ID,
  CHANNEL_ID,
  FakeDiscord,
  GUILD_ID,
  GUILD_OWNER_ID,
  MANAGE_GUILD_BITS,
  MANAGE_MESSAGES_BITS,
  member,
  MOD_ROLE_ID,
  nextSnowflake,
  type FakeMessage,
} from '../fakes/discord/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';
import { startDiscordTestBot } from '../helpers/platform-bot.js';

const ALICE = '200000000000000021';
const BOB = '200000000000000022';
/** A moderator: Manage Messages, not an admin. */
const CAROL = '200000000000000023';
/** An admin: Manage Server. */
const DAVE = '200000000000000024';
/** Holds the secret role. */
const ERIN = '200000000000000025';
/** Let into the secret channel by a member overwrite. */
const FRANK = '200000000000000026';
/** Administrator. */
const GINA = '200000000000000027';
const SECRET_ROLE = '100000000000000030';
const ADMINISTRATOR_ROLE = '100000000000000031';
const SECRET_CHANNEL = '100000000000000040';
const NO_HISTORY_CHANNEL = '100000000000000041';
const FOREIGN_CHANNEL = '100000000000000042';
const PRIVATE_THREAD = '100000000000000043';
const VIEW = 1n << 10n;
const HISTORY = 1n << 16n;
const REFUSAL = 'I can only use a link to a message in this channel or in a channel you can read.';

let fake: FakeDiscord;
let sim: KreaSimulator;
let bot: RunningBot;
let redis: Redis;
const prefix = uniquePrefix('perm-discord');

type Maybe<T> = T | undefined | null | false;
async function until<T>(fn: () => Maybe<T> | Promise<Maybe<T>>, what = 'a condition', timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last calls: ${JSON.stringify(fake.calls.slice(-5).map((c) => [c.method, c.path]))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** INTERACTION_CREATE in #general; `permissions` are the member's computed permissions there. */
function interaction(data: Record<string, unknown>, user: string, permissions = '0', type = 2, extra: Record<string, unknown> = {}) {
  const id = nextSnowflake();
  fake.dispatch('INTERACTION_CREATE', {
    id, application_id: APP_ID, type, data, guild_id: GUILD_ID, channel_id: CHANNEL_ID, channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'general' },
    member: member(user, permissions), token: `tok-${id}`, version: 1, app_permissions: '8', locale: 'en-US', entitlements: [], authorizing_integration_owners: {}, ...extra,
  });
  return id;
}
const command = (name: string, options: Array<Record<string, unknown>>, user: string, permissions = '0') => interaction({ id: '1', name, type: 1, options }, user, permissions);
const callback = (id: string) => until(() => fake.callbackOf(id), `the answer to ${id}`);
/** What the user read: the first answer, or the edit of the deferred one. */
const answerText = (id: string) =>
  until(() => {
    const edit = fake.calls.find((c) => c.method === 'PATCH' && c.path.includes(`tok-${id}`));
    if (edit) return String(edit.body?.['content'] ?? '');
    const first = fake.callbackOf(id)?.body as { type?: number; data?: { content?: string } } | undefined;
    return first?.type === 4 ? String(first.data?.content ?? '') : undefined;
  }, `the text answer to ${id}`);
const statusMessages = (text: string) => [...fake.messages.values()].filter((m) => m.author.bot && m.content.includes(text));
const jobIdOf = (m: FakeMessage) => /gb1\|cancel\|([^|"]+)\|/.exec(JSON.stringify(m.components))?.[1];
const clickOn = (status: FakeMessage, customId: string, user: string, permissions = '0') =>
  interaction({ custom_id: customId, component_type: 2 }, user, permissions, 3, { message: { ...status, flags: 0, type: 0, mentions: [], mention_roles: [], pinned: false, tts: false, mention_everyone: false } });
const buttonId = (m: FakeMessage, action: string) => new RegExp(`"(gb1\\|${action}\\|[^"]+)"`).exec(JSON.stringify(m.components))?.[1];

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  // Roles and channels for the permission computation (all served over REST by the fake).
  fake.extraRoles.push({ id: SECRET_ROLE, name: 'secret-club', permissions: '0' }, { id: ADMINISTRATOR_ROLE, name: 'owners', permissions: ADMINISTRATOR_BITS });
  for (const [user, roles] of [[ALICE, []], [BOB, []], [CAROL, [MOD_ROLE_ID]], [DAVE, [ADMIN_ROLE_ID]], [ERIN, [SECRET_ROLE]], [FRANK, []], [GINA, [ADMINISTRATOR_ROLE]], [GUILD_OWNER_ID, []]] as const) {
    fake.members.set(user, [...roles]);
  }
  const overwrite = (id: string, type: 0 | 1, allow: bigint, deny: bigint) => ({ id, type, allow: String(allow), deny: String(deny) });
  fake.channels.set(SECRET_CHANNEL, { id: SECRET_CHANNEL, type: 0, guild_id: GUILD_ID, name: 'secret', permission_overwrites: [overwrite(GUILD_ID, 0, 0n, VIEW), overwrite(SECRET_ROLE, 0, VIEW, 0n), overwrite(FRANK, 1, VIEW, 0n)] });
  fake.channels.set(NO_HISTORY_CHANNEL, { id: NO_HISTORY_CHANNEL, type: 0, guild_id: GUILD_ID, name: 'announcements', permission_overwrites: [overwrite(GUILD_ID, 0, 0n, HISTORY)] });
  fake.channels.set(FOREIGN_CHANNEL, { id: FOREIGN_CHANNEL, type: 0, guild_id: '999999999999999999', name: 'elsewhere', permission_overwrites: [] });
  fake.channels.set(PRIVATE_THREAD, { id: PRIVATE_THREAD, type: 12, guild_id: GUILD_ID, name: 'private thread', parent_id: CHANNEL_ID, permission_overwrites: [] });
  fake.threadMembers.set(PRIVATE_THREAD, new Set([ALICE]));

  sim = await startKreaSimulator({ jobDurationMs: 600 });
  bot = await startDiscordTestBot(fake, sim, { prefix });
  redis = new Redis(testRedisUrl());
}, 30_000);

afterAll(async () => {
  redis?.disconnect();
  await bot?.close();
  await sim?.close();
  await fake?.stop();
});

describe('Discord admins: Manage Server or Administrator', () => {
  it('registers /connect and /settings for Manage Server only (default_member_permissions "32"), every command for guild installs in guilds', () => {
    const commands = fake.commands as Array<{ name: string; default_member_permissions?: string; contexts: number[]; integration_types: number[]; dm_permission?: boolean }>;
    const byName = new Map(commands.map((c) => [c.name, c]));
    expect(byName.get('connect')!.default_member_permissions).toBe('32');
    expect(byName.get('settings')!.default_member_permissions).toBe('32');
    for (const name of ['generate', 'animate', 'models', 'credits', 'jobs', 'help', 'Animate image']) expect(byName.get(name)!.default_member_permissions, name).toBeUndefined();
    for (const c of commands) {
      // Admin commands in guilds only (Guild 0); the others also in a DM with the bot (BotDM 1).
      expect(c.contexts).toEqual(['connect', 'settings'].includes(c.name) ? [0] : [0, 1]);
      expect(c.integration_types).toEqual([0]);
      expect(c.dm_permission).toBeUndefined();
    }
  });

  it('/connect: Manage Server and Administrator get the private form; a moderator with Manage Messages is refused', async () => {
    const krea = [{ name: 'provider', type: 3, value: 'krea' }];
    for (const [user, perms] of [[DAVE, MANAGE_GUILD_BITS], [GINA, ADMINISTRATOR_BITS]] as const) {
      const id = command('connect', krea, user, perms);
      expect((await callback(id)).body, user).toMatchObject({ type: 9, data: { custom_id: 'connect:krea' } });
    }
    const mod = command('connect', krea, CAROL, MANAGE_MESSAGES_BITS);
    expect(await answerText(mod)).toContain('Only workspace admins can connect a provider key.');
    expect((await callback(mod)).body).not.toMatchObject({ type: 9 });
  });

  it('/settings: Manage Server changes a setting; Manage Messages is refused', async () => {
    const set = [{ name: 'setting', type: 3, value: 'animate_emoji movie_camera' }];
    const mod = command('settings', set, CAROL, MANAGE_MESSAGES_BITS);
    expect(await answerText(mod)).toContain('Only workspace admins can change settings.');
    const admin = command('settings', set, DAVE, MANAGE_GUILD_BITS);
    const text = await answerText(admin);
    expect(text).toContain('movie_camera');
    expect(text).not.toContain('Only workspace admins');
  });
});

describe('Discord job control', () => {
  async function generated(prompt: string, video = false) {
    command('generate', [{ name: 'prompt', type: 3, value: prompt }, ...(video ? [{ name: 'video', type: 5, value: true }] : [])], ALICE);
    return until(() => statusMessages(prompt).find((m) => JSON.stringify(m.components).includes('gb1|cancel|')), `the status of ${prompt}`);
  }

  it('Cancel: refused to a member and to a moderator who did not ask; honoured for a Manage Server admin', async () => {
    sim.control.hangJobs(1); // still running when the admin clicks, however slow the machine
    const status = await generated('a glacier for the admin to stop', true);
    const cancel = buttonId(status, 'cancel')!;
    const cancelKey = jobKeys(prefix).cancel(jobIdOf(status)!);
    for (const [user, perms] of [[BOB, '0'], [CAROL, MANAGE_MESSAGES_BITS]] as const) {
      const id = clickOn(status, cancel, user, perms);
      expect(await answerText(id), user).toContain(`Only <@${ALICE}> or an admin can cancel this.`);
    }
    expect(await redis.get(cancelKey)).toBeNull();
    const admin = clickOn(status, cancel, DAVE, MANAGE_GUILD_BITS);
    expect(await answerText(admin)).toContain('Cancelling.');
    // What the queue was asked: cancel, by the admin (stopping the job is the pipeline's business).
    expect(JSON.parse(await until(() => redis.get(cancelKey), 'the cancel request'))).toMatchObject({ userId: DAVE, isAdmin: true });
  });

  it('Delete: refused to a moderator who did not ask; done for an Administrator', async () => {
    const status = await generated('a lantern to delete');
    const done = await until(() => (buttonId(fake.messages.get(status.id)!, 'delete') ? fake.messages.get(status.id) : undefined), 'the result buttons');
    const del = buttonId(done, 'delete')!;
    const mod = clickOn(done, del, CAROL, MANAGE_MESSAGES_BITS);
    expect(await answerText(mod)).toContain(`Only <@${ALICE}> or an admin can delete this.`);
    expect(fake.messages.has(status.id)).toBe(true);
    clickOn(done, del, GINA, ADMINISTRATOR_BITS);
    await until(() => !fake.messages.has(status.id), 'the deletion');
  });

  it('Variations on someone else\'s result start a job that belongs to the person who clicked', async () => {
    const status = await generated('a kite for variations');
    const first = jobIdOf(status)!;
    const done = await until(() => (buttonId(fake.messages.get(status.id)!, 'variations') ? fake.messages.get(status.id) : undefined), 'the result buttons');
    clickOn(done, buttonId(done, 'variations')!, BOB);
    const again = await until(() => statusMessages('a kite for variations').find((m) => jobIdOf(m) && jobIdOf(m) !== first), 'the new job');
    const job = await bot.queue.get(jobIdOf(again)!);
    expect(job?.requester.userId).toBe(BOB);
    expect(job?.parentJobId).toBe(first);
  });
});

describe('Discord /animate message_link: only channels the member can read', () => {
  // Someone else's image behind a link is readable only with the MessageContent intent on in the portal.
  beforeAll(() => void (fake.messageContentEnabled = true));
  afterAll(() => void (fake.messageContentEnabled = false));
  const picture = (channel: string) => fake.addMessage(channel, 'a picture', [fake.addAttachment(`p${nextSnowflake()}.png`, 'image/png', renderPng(32, 24, channel))]);
  const link = (channel: string, messageId: string) => `https://discord.com/channels/${GUILD_ID}/${channel}/${messageId}`;
  const animate = (user: string, url: string) => command('animate', [{ name: 'message_link', type: 3, value: url }], user);
  const animated = (message: FakeMessage) =>
    until(() => {
      const thread = fake.threads.get(message.id);
      return thread && [...fake.messages.values()].find((m) => m.channel_id === thread && m.content.includes('video/'));
    }, `the animation of ${message.id}`);
  const memberLookups = (user: string) => fake.callsTo('GET', new RegExp(`^/guilds/${GUILD_ID}/members/${user}$`)).length;

  it('a message in this channel needs no permission lookup', async () => {
    const here = picture(CHANNEL_ID);
    const before = memberLookups(BOB);
    animate(BOB, link(CHANNEL_ID, here.id));
    await animated(here);
    expect(memberLookups(BOB)).toBe(before);
  });

  it('a private channel: @everyone denied, a role or a member overwrite let in, Administrator and the owner see all', async () => {
    const secret = picture(SECRET_CHANNEL);
    const refused = animate(ALICE, link(SECRET_CHANNEL, secret.id));
    expect(await answerText(refused)).toContain(REFUSAL);
    // Manage Server alone does not open a channel.
    expect(await answerText(animate(DAVE, link(SECRET_CHANNEL, secret.id)))).toContain(REFUSAL);
    for (const user of [ERIN, FRANK, GINA, GUILD_OWNER_ID]) {
      const m = picture(SECRET_CHANNEL);
      animate(user, link(SECRET_CHANNEL, m.id));
      await animated(m);
    }
    // Nothing was read from the channel for the refused members.
    expect(fake.callsTo('GET', new RegExp(`/channels/${SECRET_CHANNEL}/messages/${secret.id}$`))).toEqual([]);
  });

  it('seeing a channel is not enough: Read Message History is needed too', async () => {
    const m = picture(NO_HISTORY_CHANNEL);
    expect(await answerText(animate(BOB, link(NO_HISTORY_CHANNEL, m.id)))).toContain(REFUSAL);
  });

  it('a private thread: its members only', async () => {
    const m = picture(PRIVATE_THREAD);
    expect(await answerText(animate(BOB, link(PRIVATE_THREAD, m.id)))).toContain(REFUSAL);
    animate(ALICE, link(PRIVATE_THREAD, m.id));
    await animated(m);
  });

  it('an unknown channel and a channel of another server get the very same answer as a hidden one', async () => {
    const hidden = await answerText(animate(BOB, link(SECRET_CHANNEL, picture(SECRET_CHANNEL).id)));
    const unknown = await answerText(animate(BOB, link('100000000000000099', '100000000000000098')));
    const foreign = await answerText(animate(BOB, link(FOREIGN_CHANNEL, picture(FOREIGN_CHANNEL).id)));
    expect(hidden).toContain(REFUSAL);
    expect(unknown).toBe(hidden);
    expect(foreign).toBe(hidden);
  });

  it('answers are cached briefly: asking again does not look the member up again', async () => {
    const m = picture(SECRET_CHANNEL);
    await answerText(animate(CAROL, link(SECRET_CHANNEL, m.id)));
    const lookups = memberLookups(CAROL);
    expect(lookups).toBe(1);
    expect(await answerText(animate(CAROL, link(SECRET_CHANNEL, m.id)))).toContain(REFUSAL);
    expect(memberLookups(CAROL)).toBe(lookups);
  });
});
