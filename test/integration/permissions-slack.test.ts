/**
 * One permission model, on Slack. First the adapter alone (the real Bolt app against the fake,
 * with a recording dispatcher): every entry point carries "is a workspace admin" from users.info,
 * cached, after the ack. Then the whole bot (Bolt, the commands, the pipeline on Redis, the Krea
 * simulator): settings and keys for admins only, keys through a private modal, Cancel and Delete
 * for the requester or an admin, follow-ups that belong to whoever clicked, and /animate links
 * that only reach channels the user can read.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKeys } from '../../jobs/keys.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/app.js';
import type { Invocation } from '../../src/invocation.js';
import type { RunningBot } from '../../src/main/compose.js';
import { encodeButtonId } from '../../src/view.js';
import { FakeSlack, signSlackRequest, type SlackCall } from '../fakes/slack/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';
import { startSlackTestBot } from '../helpers/platform-bot.js';

const SECRET = 'perm-signing-secret';
let fake: FakeSlack;

type Maybe<T> = T | undefined | null | false;
async function until<T>(fn: () => Maybe<T> | Promise<Maybe<T>>, what = 'a condition', timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Signed like Slack, to whichever server the test talks to. */
function signedPost(base: string, body: string, contentType: string) {
  return fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...signSlackRequest(SECRET, body) }, body });
}
const form = (base: string, fields: Record<string, string>) => signedPost(base, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
const interactive = (base: string, payload: Record<string, unknown>) => form(base, { payload: JSON.stringify(payload) });
const event = (base: string, e: Record<string, unknown>, eventId: string) =>
  signedPost(base, JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: eventId, event_time: 1, event: e }), 'application/json');

let n = 0;
const trigger = (label: string) => `${label}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

function slash(base: string, user: string, text: string, triggerId = trigger('cmd'), command = '/genbot') {
  return form(base, { command, text, team_id: 'T1', channel_id: 'C1', user_id: user, user_name: user.toLowerCase(), trigger_id: triggerId, response_url: `${fake.url}/respond/${triggerId}`, api_app_id: 'A1' });
}

/** A real view_submission, as Slack posts it when the user presses the modal's submit button. */
function viewSubmission(base: string, user: string, values: Record<string, string>, options: { channel?: string; callbackId?: string; viewId?: string } = {}) {
  const viewId = options.viewId ?? `V${++n}`;
  const state = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { [k]: { type: 'plain_text_input', value: v } }]));
  return interactive(base, {
    type: 'view_submission', team: { id: 'T1', domain: 'fake' }, user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1', token: 'legacy-verification-token', trigger_id: trigger('view'), is_enterprise_install: false, enterprise: null, response_urls: [],
    view: {
      id: viewId, team_id: 'T1', type: 'modal', callback_id: options.callbackId ?? 'gb1form|connect:krea', private_metadata: JSON.stringify({ channel: options.channel ?? 'C1' }),
      state: { values: state }, hash: '1700000000.abc', title: { type: 'plain_text', text: 'Connect Krea' }, blocks: [], app_id: 'A1', bot_id: 'BBOT', root_view_id: viewId, previous_view_id: null, clear_on_close: false, notify_on_close: false, external_id: '',
    },
  });
}

const usersInfoCalls = (user: string) => fake.callsTo('users.info').filter((c) => c.args['user'] === user).length;

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
});
afterAll(async () => fake?.stop());

describe('Slack adapter: every entry point knows whether the user is a workspace admin', () => {
  let server: Server;
  let base = '';
  let adapter: SlackAdapter;
  const seen: Invocation[] = [];
  const logs: string[] = [];
  const invocation = (id: string) => until(() => seen.find((i) => i.id === id), `invocation ${id}`);

  beforeAll(async () => {
    const app = express();
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    adapter = createSlackAdapter({
      mode: 'http', apiUrl: fake.apiUrl, logger, signingSecret: SECRET, botToken: 'xoxb-test-token', expressApp: app,
      dispatcher: { dispatch: async (inv) => void seen.push(inv) }, onUninstall: async () => undefined,
    });
    await adapter.start();
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.users.set('UOWNER', { is_owner: true });
    fake.users.set('UMEMBER', {});
  });
  afterAll(async () => {
    await adapter?.stop();
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()) ?? r());
  });

  it('slash commands, mentions, shortcuts, reactions, buttons and form submissions: an owner is an admin, a member is not; users.info once per person', async () => {
    const ids: Record<string, string[]> = {};
    for (const user of ['UOWNER', 'UMEMBER']) {
      const t = trigger('slash');
      await slash(base, user, 'settings', t);
      const ts = fake.nextTs();
      await event(base, { type: 'app_mention', user, text: '<@UBOT> a fox', channel: 'C1', ts }, `Ev-m-${user}`);
      const sc = trigger('sc');
      await interactive(base, { type: 'message_action', callback_id: 'animate_image', trigger_id: sc, team: { id: 'T1', domain: 'fake' }, user: { id: user, name: user.toLowerCase(), team_id: 'T1' }, channel: { id: 'C1', name: 'general' }, message: { type: 'message', ts, text: 'a photo', user: 'UX' }, response_url: `${fake.url}/respond/${sc}` });
      await event(base, { type: 'reaction_added', user, reaction: 'clapper', item: { type: 'message', channel: 'C1', ts }, item_user: 'UX', event_ts: '1' }, `Ev-r-${user}`);
      const act = trigger('act');
      await interactive(base, { type: 'block_actions', trigger_id: act, team: { id: 'T1', domain: 'fake' }, user: { id: user, team_id: 'T1' }, channel: { id: 'C1' }, message: { ts }, container: { type: 'message', channel_id: 'C1', message_ts: ts }, response_url: `${fake.url}/respond/${act}`, actions: [{ type: 'button', action_id: encodeButtonId({ action: 'cancel', jobId: 'job-1' }), block_id: 'b', action_ts: '1' }] });
      const viewId = `V-${user}`;
      await viewSubmission(base, user, { key: 'sk-anything' }, { viewId });
      ids[user] = [`cmd:${t}`, `evt:Ev-m-${user}`, `sc:${sc}`, `evt:Ev-r-${user}`, `act:${act}`, `view:${viewId}`];
    }
    for (const [user, list] of Object.entries(ids)) {
      const kinds: Array<[string, boolean]> = [];
      for (const id of list) {
        const inv = await invocation(id);
        expect(inv.actor.userId).toBe(user);
        kinds.push([inv.kind, inv.actor.isAdmin]);
      }
      const admin = user === 'UOWNER';
      expect(kinds).toEqual(['command', 'mention', 'shortcut', 'reaction', 'action', 'submit'].map((k) => [k, admin]));
    }
    // Six entry points each, one users.info each: the answer is cached per team and user.
    expect(usersInfoCalls('UOWNER')).toBe(1);
    expect(usersInfoCalls('UMEMBER')).toBe(1);
  });

  it('is_admin, is_owner and is_primary_owner make an admin; guests and users of another workspace never do', async () => {
    const cases: Array<[string, Parameters<FakeSlack['users']['set']>[1], boolean]> = [
      ['UADM2', { is_admin: true }, true],
      ['UOWN2', { is_owner: true }, true],
      ['UPRIM', { is_primary_owner: true }, true],
      ['UGUEST', { is_admin: true, is_restricted: true }, false],
      ['UEXT', { is_admin: true, team_id: 'T9' }, false],
      ['UPLAIN', {}, false],
    ];
    for (const [user, info, expected] of cases) {
      fake.users.set(user, info);
      const t = trigger('slash');
      await slash(base, user, 'connect krea', t);
      expect((await invocation(`cmd:${t}`)).actor.isAdmin, user).toBe(expected);
    }
  });

  it('when users.info fails: not an admin, logged, and asked again next time (a failure is not cached)', async () => {
    fake.usersInfoFailures.add('UFLAKY');
    fake.users.set('UFLAKY', { is_admin: true });
    const first = trigger('slash');
    await slash(base, 'UFLAKY', 'settings', first);
    expect((await invocation(`cmd:${first}`)).actor.isAdmin).toBe(false);
    expect(logs.some((l) => l.includes('users.info failed') && l.includes('UFLAKY'))).toBe(true);
    fake.usersInfoFailures.delete('UFLAKY');
    const second = trigger('slash');
    await slash(base, 'UFLAKY', 'settings', second);
    expect((await invocation(`cmd:${second}`)).actor.isAdmin).toBe(true);
    expect(usersInfoCalls('UFLAKY')).toBe(2);
  });

  it('acks before users.info answers: a slow users.info never delays the 3-second ack', async () => {
    fake.users.set('USLOW', { is_admin: true });
    fake.usersInfoDelayMs = 1_500;
    try {
      const t = trigger('slash');
      const started = Date.now();
      const res = await slash(base, 'USLOW', 'settings', t);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(seen.find((i) => i.id === `cmd:${t}`)).toBeUndefined();
      expect((await invocation(`cmd:${t}`)).actor.isAdmin).toBe(true);
    } finally {
      fake.usersInfoDelayMs = 0;
    }
  });

  it('a form submitted with an empty field stays open with the error (response_action: errors) and reaches nobody', async () => {
    const res = await viewSubmission(base, 'UOWNER', { key: '   ' }, { viewId: 'V-empty' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_action: 'errors', errors: { key: 'This cannot be empty.' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.find((i) => i.id === 'view:V-empty')).toBeUndefined();
  });
});

describe('Slack bot: admin-only settings and keys, job control, follow-ups, message links', () => {
  const GOOD_KEY = 'krea-good-key-7f3a';
  const GOOD_KEY2 = 'krea-other-key-91bc';
  const BAD_KEY = 'krea-wrong-key-0000';
  let sim: KreaSimulator;
  let bot: RunningBot;
  let redis: Redis;
  const prefix = uniquePrefix('perm-slack');
  const credentialsKey = `${prefix}:ws:slack:T1:credentials`;
  const blocksText = (c: SlackCall) => JSON.stringify(c.args['blocks'] ?? '');
  const response = (t: string) => until(() => fake.responses.find((r) => r.id === t), `the response to ${t}`);
  const responseText = async (t: string) => JSON.stringify((await response(t)).body);
  const ephemeralTo = (user: string, contains: string) => until(() => fake.callsTo('chat.postEphemeral').find((c) => c.args['user'] === user && blocksText(c).includes(contains)), `an ephemeral to ${user} with “${contains}”`);
  const statusPosts = (prompt: string) => fake.callsTo('chat.postMessage').filter((c) => blocksText(c).includes(prompt));
  const jobIdOf = (c: SlackCall) => /gb1\|cancel\|([^|"]+)\|/.exec(blocksText(c))?.[1];

  beforeAll(async () => {
    sim = await startKreaSimulator({ jobDurationMs: 600, tokens: ['krea-test-key', GOOD_KEY, GOOD_KEY2] });
    redis = new Redis(testRedisUrl());
    bot = await startSlackTestBot(fake, sim, { prefix, signingSecret: SECRET, env: { BOT_ENCRYPTION_KEY: randomBytes(32).toString('hex') } });
    fake.users.set('UADMIN', { is_admin: true });
    fake.users.set('UBOSS', { is_owner: true });
  }, 30_000);
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    redis?.disconnect();
  });

  it('/genbot settings: an admin changes a setting, a member is refused', async () => {
    const asMember = trigger('set');
    await slash(bot.url, 'UBOB', 'settings animate_emoji movie_camera', asMember);
    expect(await responseText(asMember)).toContain('Only workspace admins can change settings.');
    const asAdmin = trigger('set');
    await slash(bot.url, 'UADMIN', 'settings animate_emoji movie_camera', asAdmin);
    const text = await responseText(asAdmin);
    expect(text).toContain('movie_camera');
    expect(text).not.toContain('Only workspace admins');
  });

  it('/genbot connect krea (no key): an admin gets a modal opened with the command\'s trigger_id; a member a refusal and no modal', async () => {
    const asMember = trigger('conn');
    await slash(bot.url, 'UBOB', 'connect krea', asMember);
    expect(await responseText(asMember)).toContain('Only workspace admins can connect a provider key.');
    const asAdmin = trigger('conn');
    await slash(bot.url, 'UADMIN', 'connect krea', asAdmin);
    const opened = await until(() => fake.views.find((v) => v.trigger_id === asAdmin), 'views.open');
    expect(opened.view).toMatchObject({
      type: 'modal', callback_id: 'gb1form|connect:krea', title: { type: 'plain_text', text: 'Connect Krea' },
      blocks: [{ type: 'input', block_id: 'key', element: { type: 'plain_text_input', action_id: 'key' } }],
    });
    expect(JSON.parse(String(opened.view['private_metadata']))).toEqual({ channel: 'C1' });
    expect(fake.views.find((v) => v.trigger_id === asMember)).toBeUndefined();
  });

  it('the modal\'s submission: the key is checked with Krea, stored encrypted, and the admin is told privately with only its last four characters', async () => {
    const checksBefore = sim.requests().filter((r) => r.method === 'GET' && r.path === '/jobs').length;
    const res = await viewSubmission(bot.url, 'UADMIN', { key: GOOD_KEY });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const told = await ephemeralTo('UADMIN', 'Saved: connected *Krea*');
    expect(told.args['channel']).toBe('C1');
    expect(blocksText(told)).toContain('key ending in `7f3a`');
    // Typed into the form: no advice to use the form.
    expect(blocksText(told)).not.toContain('Next time');
    expect(sim.requests().filter((r) => r.method === 'GET' && r.path === '/jobs').length).toBe(checksBefore + 1);
    const sealed = await redis.hget(credentialsKey, 'krea');
    expect(sealed).toBeTruthy();
    expect(sealed).not.toContain(GOOD_KEY);
    // The key never travels back to Slack.
    expect(JSON.stringify(fake.calls)).not.toContain(GOOD_KEY);
  });

  it('a key Krea refuses is not stored, and the admin is told why, privately', async () => {
    const before = await redis.hget(credentialsKey, 'krea');
    await viewSubmission(bot.url, 'UADMIN', { key: BAD_KEY });
    await ephemeralTo('UADMIN', 'The Krea API key was rejected');
    expect(await redis.hget(credentialsKey, 'krea')).toBe(before);
  });

  it('a member who submits the form anyway (a forged submission) is refused and nothing is stored', async () => {
    const before = await redis.hget(credentialsKey, 'krea');
    await viewSubmission(bot.url, 'UCAROL', { key: GOOD_KEY2 });
    await ephemeralTo('UCAROL', 'Only workspace admins can connect a provider key.');
    expect(await redis.hget(credentialsKey, 'krea')).toBe(before);
  });

  it('when the bot cannot post in the form\'s channel, the answer comes by DM', async () => {
    fake.ephemeralFailures.add('CNOBOT');
    await viewSubmission(bot.url, 'UBOSS', { key: GOOD_KEY }, { channel: 'CNOBOT' });
    const dm = await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'UBOSS' && blocksText(c).includes('Saved: connected')), 'the DM');
    expect(blocksText(dm)).toContain('`7f3a`');
  });

  it('a key typed after /genbot connect is still accepted, and the private answer suggests the form next time', async () => {
    const t = trigger('conn');
    await slash(bot.url, 'UADMIN', `connect krea ${GOOD_KEY2}`, t);
    const text = await responseText(t);
    expect((await response(t)).body['response_type']).toBe('ephemeral');
    expect(text).toContain('Saved: connected *Krea*');
    expect(text).toContain('`91bc`');
    expect(text).not.toContain(GOOD_KEY2);
    expect(text).toContain('run `/genbot connect krea` without the key: it opens a private form');
    expect(fake.views.find((v) => v.trigger_id === t)).toBeUndefined();
    expect(await redis.hget(credentialsKey, 'krea')).not.toContain(GOOD_KEY2);
  });

  const click = async (user: string, actionId: string, ts: string) => {
    const t = trigger('click');
    await interactive(bot.url, { type: 'block_actions', trigger_id: t, team: { id: 'T1' }, user: { id: user, team_id: 'T1' }, channel: { id: 'C1' }, message: { ts }, container: { type: 'message', channel_id: 'C1', message_ts: ts }, response_url: `${fake.url}/respond/${t}`, actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }] });
    return t;
  };
  async function started(prompt: string, flags = '', user = 'UALICE') {
    await slash(bot.url, user, `${prompt} ${flags}`.trim(), trigger('gen'), '/generate');
    const status = await until(() => statusPosts(prompt)[0], `the status of ${prompt}`);
    const ts = await until(() => fake.messages.find((m) => m.text === status.args['text'])?.ts, 'its ts');
    return { status, ts };
  }

  it('Cancel: refused to a member who did not ask, honoured for a workspace owner', async () => {
    sim.control.hangJobs(1); // still running when the owner clicks, however slow the machine
    const { status, ts } = await started('a slow glacier for the owner', '--video');
    const cancelId = /"(gb1\|cancel\|[^"]+)"/.exec(blocksText(status))![1]!;
    const cancelKey = jobKeys(prefix).cancel(jobIdOf(status)!);
    const bob = await click('UBOB', cancelId, ts);
    expect(await responseText(bob)).toContain('Only <@UALICE> or an admin can cancel this.');
    expect(await redis.get(cancelKey)).toBeNull();
    const boss = await click('UBOSS', cancelId, ts);
    // What the queue was asked: cancel, by the owner. (How fast the job engine then stops the job
    // is the pipeline's business, tested in slack.test.ts and the pipeline tests.)
    const by = await until(() => redis.get(cancelKey), 'the cancel request');
    expect(JSON.parse(by)).toMatchObject({ userId: 'UBOSS', isAdmin: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.responses.find((r) => r.id === boss && JSON.stringify(r.body).includes('Only <@'))).toBeUndefined();
  });

  it('Delete: refused to a member who did not ask, done for an admin', async () => {
    const { ts } = await started('a small lighthouse to delete');
    const final = await until(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === ts && blocksText(c).includes('gb1|delete|')), 'the result buttons');
    const deleteId = /"(gb1\|delete\|[^"]+)"/.exec(blocksText(final))![1]!;
    const bob = await click('UBOB', deleteId, ts);
    expect(await responseText(bob)).toContain('Only <@UALICE> or an admin can delete this.');
    expect(fake.callsTo('chat.delete').find((c) => c.args['ts'] === ts)).toBeUndefined();
    await click('UADMIN', deleteId, ts);
    await until(() => fake.callsTo('chat.delete').find((c) => c.args['ts'] === ts), 'chat.delete');
  });

  it('Retry on someone else\'s result starts a job that belongs to the person who clicked', async () => {
    const { status, ts } = await started('a paper crane to retry');
    const first = jobIdOf(status)!;
    const final = await until(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === ts && blocksText(c).includes('gb1|retry|')), 'the result buttons');
    const retryId = /"(gb1\|retry\|[^"]+)"/.exec(blocksText(final))![1]!;
    await click('UBOB', retryId, ts);
    const again = await until(() => statusPosts('a paper crane to retry').find((c) => jobIdOf(c) && jobIdOf(c) !== first), 'the retried job');
    const job = await bot.queue.get(jobIdOf(again)!);
    expect(job?.requester.userId).toBe('UBOB');
    expect(job?.parentJobId).toBe(first);
  });

  describe('/animate --link', () => {
    const linkTo = (channel: string, ts: string) => `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
    const photo = (channel: string) => fake.addMessage({ channel, user: 'UCAROL', text: 'a photo', files: [fake.addFile('photo.png', 'image/png', renderPng(32, 24, channel))] });
    const animate = async (user: string, link: string) => {
      const t = trigger('anim');
      await slash(bot.url, user, `--link ${link}`, t, '/animate');
      return t;
    };
    const animationIn = (m: { channel: string; ts: string }) => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === m.channel && c.args['thread_ts'] === m.ts && blocksText(c).includes('video/'));
    const REFUSAL = 'I can only use a link to a message in this channel or in a channel you can read.';

    it('a message in this channel: no lookup needed; a public channel: anyone who is not a guest', async () => {
      const here = photo('C1');
      const infoBefore = fake.callsTo('conversations.info').length;
      await animate('UBOB', linkTo('C1', here.ts));
      await until(() => animationIn(here), 'the animation in C1');
      expect(fake.callsTo('conversations.info').length).toBe(infoBefore);

      fake.channels.set('CPUB', { is_private: false, members: [] });
      const open = photo('CPUB');
      await animate('UBOB', linkTo('CPUB', open.ts));
      await until(() => animationIn(open), 'the animation in CPUB');

      fake.users.set('UGUEST2', { is_restricted: true });
      const guest = await animate('UGUEST2', linkTo('CPUB', open.ts));
      expect(await responseText(guest)).toContain(REFUSAL);
    });

    it('a private channel: only its members (members listed page by page, stopping at the page that has the user)', async () => {
      const others = Array.from({ length: 450 }, (_, i) => `UM${i}`);
      fake.channels.set('CPRIV', { is_private: true, members: [...others.slice(0, 10), 'UALICE', ...others.slice(10, 440), 'UCAROL', ...others.slice(440)] });
      const secret = photo('CPRIV');
      const pages = () => fake.callsTo('conversations.members').filter((c) => c.args['channel'] === 'CPRIV').length;

      await animate('UALICE', linkTo('CPRIV', secret.ts));
      await until(() => animationIn(secret), 'the animation in CPRIV');
      expect(pages()).toBe(1);

      const history = () => fake.callsTo('conversations.history').filter((c) => c.args['channel'] === 'CPRIV').length;
      const read = history();
      const bob = await animate('UBOB', linkTo('CPRIV', secret.ts));
      expect(await responseText(bob)).toContain(REFUSAL);
      // Every page read to the end (450 + 2 members, 200 a page), then no; and nothing read from the channel.
      expect(pages()).toBe(1 + 3);
      expect(history()).toBe(read);
    });

    it('a channel that does not exist gets the very same answer as one the user cannot read', async () => {
      const nowhere = await animate('UBOB', linkTo('CGHOST', '1700000001.000001'));
      const denied = await animate('UDAVE', linkTo('CPRIV', fake.messages.find((m) => m.channel === 'CPRIV')!.ts));
      const a = (await response(nowhere)).body;
      const b = (await response(denied)).body;
      expect(JSON.stringify(a)).toContain(REFUSAL);
      expect(a).toEqual(b);
    });
  });
});
