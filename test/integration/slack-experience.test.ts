/**
 * Slack as its users meet it, through the real Bolt app (HTTP mode) against the loopback fake of
 * Slack, the Krea simulator and the real pipeline on Redis: help and errors that name only
 * Slack's syntax, a generation from a direct message, the App Home for a member and for an admin
 * (its Cancel, connect and settings forms), and what the bot says when it is not in a channel.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import type { RunningBot } from '../../src/main/compose.js';
import { FakeSlack, signSlackRequest, type SlackCall } from '../fakes/slack/server.js';
import { uniquePrefix } from '../helpers/redis-url.js';
import { startSlackTestBot } from '../helpers/platform-bot.js';

const SECRET = 'experience-signing-secret';
let fake: FakeSlack;
let sim: KreaSimulator;
let bot: RunningBot;

type Maybe<T> = T | undefined | null | false;
async function until<T>(fn: () => Maybe<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last calls: ${JSON.stringify(fake.calls.slice(-5).map((c) => c.method))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const post = (body: string, contentType: string) => fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...signSlackRequest(SECRET, body) }, body });
const form = (fields: Record<string, string>) => post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
const interactive = (payload: Record<string, unknown>) => form({ payload: JSON.stringify(payload) });
let n = 0;
const trigger = (label: string) => `${label}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
const event = (e: Record<string, unknown>) => post(JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: `Ev${trigger('x')}`, event_time: 1, event: e }), 'application/json');

/** A slash command; resolves with what the user read through the response_url. */
async function slash(command: '/generate' | '/animate' | '/genbot', text: string, user = 'UALICE', channel = 'C1'): Promise<string> {
  const id = trigger('cmd');
  await form({ command, text, team_id: 'T1', channel_id: channel, user_id: user, user_name: user.toLowerCase(), trigger_id: id, response_url: `${fake.url}/respond/${id}`, api_app_id: 'A1' });
  const answer = await until(() => fake.responses.find((r) => r.id === id), `the answer to ${command} ${text}`);
  return JSON.stringify(answer.body);
}
/** A slash command whose answer is a job, not a reply. */
async function start(command: '/generate', text: string, user = 'UALICE', channel = 'C1'): Promise<void> {
  const id = trigger('cmd');
  expect((await form({ command, text, team_id: 'T1', channel_id: channel, user_id: user, user_name: user.toLowerCase(), trigger_id: id, response_url: `${fake.url}/respond/${id}`, api_app_id: 'A1' })).status).toBe(200);
}

const blocksText = (c: SlackCall) => JSON.stringify(c.args['blocks'] ?? '');
/** Discord's way of writing commands and options: never shown on Slack. */
const DISCORD_SYNTAX = /(?<!genbot )\/models\b|\b(prompt|aspect_ratio|search|setting|provider|command):\S|video:True|Apps → /;
const homeOf = (user: string) => fake.homeViews.filter((v) => v.user_id === user);
const openHome = (user: string, channel: string) => event({ type: 'app_home_opened', user, channel, tab: 'home', event_ts: '1' });

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  // The app's DMs with two people; channels the bot was not invited to (a public and a private one).
  fake.channels.set('DALICE', { is_private: true, is_im: true, members: ['UALICE'] });
  fake.channels.set('DADMIN', { is_private: true, is_im: true, members: ['UADMIN'] });
  fake.channels.set('C9', { is_private: false, members: ['UALICE'], botMember: false });
  fake.channels.set('C8', { is_private: false, members: ['UALICE'], botMember: false });
  fake.channels.set('G7', { is_private: true, members: ['UALICE'], botMember: false });
  fake.admins.add('UADMIN');
  // Videos run long enough to be cancelled while running; images finish at once.
  sim = await startKreaSimulator({ jobDurationMs: (model) => (model.startsWith('video/') ? 30_000 : 500) });
  bot = await startSlackTestBot(fake, sim, { prefix: uniquePrefix('slack-exp'), signingSecret: SECRET, env: { BOT_ENCRYPTION_KEY: randomBytes(32).toString('hex') } });
}, 30_000);

afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
});

describe('one voice: Slack users read only Slack syntax', () => {
  it('help names /genbot commands and flags; in a thread it says how to mention the bot', async () => {
    const help = await slash('/genbot', 'help');
    expect(help).toContain('/genbot models');
    expect(help).toContain('/genbot help generate');
    expect(help).not.toMatch(DISCORD_SYNTAX);
    const generate = await slash('/genbot', 'help generate');
    expect(generate).toContain('`--ar` (also `--aspect_ratio`, `--aspect`) Aspect ratio');
    expect(generate).toContain('/generate a red fox at dawn --ar 16:9');
    expect(generate).not.toMatch(/\(1-4\)/);
    expect(generate).not.toMatch(DISCORD_SYNTAX);
    const parent = fake.addMessage({ channel: 'C1', user: 'UALICE', text: 'ideas' });
    await event({ type: 'app_mention', user: 'UALICE', text: '<@UBOT> help', channel: 'C1', ts: fake.nextTs(), thread_ts: parent.ts });
    const inThread = await until(() => fake.callsTo('chat.postEphemeral').find((c) => c.args['thread_ts'] === parent.ts), 'the help in the thread');
    expect(blocksText(inThread)).toContain('@genbot a paper boat --seed 3');
    expect(blocksText(inThread)).not.toMatch(DISCORD_SYNTAX);
  });

  it('three errors, each naming Slack’s commands and flags', async () => {
    const unknownModel = await slash('/generate', 'a fox --model image/bfl/flux-dev');
    expect(unknownModel).toContain('See them all with `/genbot models`');
    const notVideo = await slash('/generate', 'waves --duration 4');
    expect(notVideo).toContain('`--duration` is for videos: add `--video`.');
    const noValue = await slash('/genbot', 'settings image_model', 'UADMIN');
    expect(noValue).toContain('/genbot settings image_model');
    const badFlag = await slash('/generate', 'a fox --arr 16:9');
    expect(badFlag).toContain('Did you mean `--ar`?');
    for (const text of [unknownModel, notVideo, noValue, badFlag]) expect(text).not.toMatch(DISCORD_SYNTAX);
  });
});

describe('direct messages', () => {
  it('a prompt sent to the bot in a DM becomes a generation in that DM’s thread', async () => {
    const ts = fake.nextTs();
    fake.addMessage({ channel: 'DALICE', user: 'UALICE', text: 'a red fox in a DM --ar 16:9', ts });
    await event({ type: 'message', channel_type: 'im', channel: 'DALICE', user: 'UALICE', text: 'a red fox in a DM --ar 16:9', ts, event_ts: ts });
    const status = await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'DALICE' && blocksText(c).includes('a red fox in a DM')), 'the status message in the DM');
    expect(status.args['thread_ts']).toBe(ts);
    const upload = await until(() => fake.callsTo('files.completeUploadExternal').find((c) => c.args['channel_id'] === 'DALICE'), 'the result in the DM');
    expect(upload.args['thread_ts']).toBe(ts);
    // The first message the bot posted in that DM thread is the status message.
    const statusTs = await until(() => fake.messages.find((m) => m.channel === 'DALICE' && m.thread_ts === ts && m.user === 'UBOT')?.ts, 'the status ts');
    await until(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === statusTs && blocksText(c).includes('gb1|variations|')), 'the finished status');
    // No files.info per upload: a 🎬 on the result reads that message when it happens, and animates its image there.
    expect(fake.callsTo('files.info')).toHaveLength(0);
    const result = await until(() => fake.messages.find((m) => m.channel === 'DALICE' && m.thread_ts === ts && m.files?.length), 'the result message');
    await event({ type: 'reaction_added', user: 'UALICE', reaction: 'clapper', item: { type: 'message', channel: 'DALICE', ts: result.ts }, item_user: 'UBOT', event_ts: fake.nextTs() });
    const video = await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'DALICE' && c.args['thread_ts'] === ts && blocksText(c).includes('video/')), 'the animation of the result');
    expect(blocksText(video)).toContain('Bring this image to life');
  }, 40_000);

  it('`help` in a DM answers in the DM, in Slack’s syntax; the bot’s own DM messages are not prompts', async () => {
    const ts = fake.nextTs();
    await event({ type: 'message', channel_type: 'im', channel: 'DALICE', user: 'UALICE', text: 'help', ts, event_ts: ts });
    const help = await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'DALICE' && c.args['thread_ts'] === ts), 'the help in the DM');
    expect(blocksText(help)).toContain('/genbot models');
    expect(blocksText(help)).not.toMatch(DISCORD_SYNTAX);
    const before = fake.callsTo('chat.postMessage').length;
    await event({ type: 'message', channel_type: 'im', channel: 'DALICE', user: 'UBOT', bot_id: 'BBOT', text: 'a bot echo', ts: fake.nextTs() });
    await event({ type: 'message', subtype: 'message_changed', channel_type: 'im', channel: 'DALICE', text: 'an edit', ts: fake.nextTs() });
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.callsTo('chat.postMessage').length).toBe(before);
  });
});

describe('App Home', () => {
  it('a member sees their running and finished generations with links, Cancel works from there, and no admin section', async () => {
    await start('/generate', 'a slow glacier at dusk --video');
    const statusTs = await until(() => fake.messages.find((m) => m.channel === 'C1' && (m.text ?? '').includes('a slow glacier at dusk'))?.ts, 'the video job');
    await openHome('UALICE', 'DALICE');
    const home = await until(() => homeOf('UALICE').at(-1), 'the Home view');
    const view = JSON.stringify(home.view);
    expect(home.view['type']).toBe('home');
    expect(JSON.parse(String(home.view['private_metadata']))).toEqual({ channel: 'DALICE' });
    expect(view).toContain('Your generations');
    // The finished DM job, linked; the running video with a Cancel button.
    expect(view).toContain('a red fox in a DM');
    expect(view).toMatch(/https:\/\/slack\.com\/archives\/DALICE\/p\d+/);
    expect(view).toContain('a slow glacier at dusk');
    // The glacier's own Cancel (other jobs of hers may be running too).
    const cancelId = /Cancel “a slow glacier[^"]*"\},"action_id":"(gb1\|cancel\|[^"]+)"/.exec(view)![1]!;
    expect(view).not.toContain('Workspace (admins)');
    expect(view).not.toContain('gb1home|connect');
    expect(view).not.toMatch(DISCORD_SYNTAX);

    const published = homeOf('UALICE').length;
    await interactive({
      type: 'block_actions', trigger_id: trigger('home-cancel'), team: { id: 'T1', domain: 'fake' }, user: { id: 'UALICE', team_id: 'T1' }, api_app_id: 'A1',
      container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home', private_metadata: home.view['private_metadata'], blocks: [] },
      actions: [{ type: 'button', action_id: cancelId, block_id: 'b', action_ts: '1' }],
    });
    await until(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === statusTs && blocksText(c).includes('Cancelled by')), 'the cancelled status');
    // The Home is shown again after the click.
    await until(() => homeOf('UALICE').length > published, 'the refreshed Home');
  }, 60_000);

  it('an admin also sees settings and provider keys, connects a key and changes a setting through private forms', async () => {
    await openHome('UADMIN', 'DADMIN');
    const home = await until(() => homeOf('UADMIN').at(-1), 'the admin’s Home');
    const view = JSON.stringify(home.view);
    expect(view).toContain('Workspace (admins)');
    expect(view).toContain('Workspace settings');
    expect(view).toContain('Credits and spend');
    expect(view).toContain('gb1home|connect|krea');
    expect(view).not.toMatch(DISCORD_SYNTAX);

    // Connect Krea: the same private form as /genbot connect krea.
    const click = (actionId: string, extra: Record<string, unknown> = {}) => {
      const t = trigger('home');
      return interactive({
        type: 'block_actions', trigger_id: t, team: { id: 'T1', domain: 'fake' }, user: { id: 'UADMIN', team_id: 'T1' }, api_app_id: 'A1',
        container: { type: 'view', view_id: 'VADMIN' }, view: { id: 'VADMIN', type: 'home', private_metadata: home.view['private_metadata'], blocks: [] },
        actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1', ...extra }],
      }).then(() => t);
    };
    const connectTrigger = await click('gb1home|connect|krea');
    const modal = await until(() => fake.views.find((v) => v.trigger_id === connectTrigger), 'the connect form');
    expect(modal.view['callback_id']).toBe('gb1form|connect:krea');
    expect(JSON.parse(String(modal.view['private_metadata']))).toEqual({ channel: 'DADMIN', home: true });
    const submit = (callbackId: string, values: Record<string, string>, metadata: string) =>
      interactive({
        type: 'view_submission', team: { id: 'T1', domain: 'fake' }, user: { id: 'UADMIN', name: 'uadmin', team_id: 'T1' }, api_app_id: 'A1', trigger_id: trigger('view'),
        view: { id: `V${trigger('v')}`, type: 'modal', callback_id: callbackId, private_metadata: metadata, state: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { [k]: { type: 'plain_text_input', value: v } }])) }, hash: '1' },
      });
    const homes = homeOf('UADMIN').length;
    await submit('gb1form|connect:krea', { key: 'krea-admin-key-1234' }, String(modal.view['private_metadata']));
    const saved = await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'DADMIN' && blocksText(c).includes('Saved: connected')), 'the private answer in the DM');
    expect(blocksText(saved)).toContain('1234');
    await until(() => homeOf('UADMIN').length > homes, 'the Home after connecting');

    // Change a setting: a form, then the `settings` command with its text.
    const settingTrigger = await click('gb1home|setting');
    const settingModal = await until(() => fake.views.find((v) => v.trigger_id === settingTrigger), 'the setting form');
    expect(settingModal.view['callback_id']).toBe('gb1form|setting');
    await submit('gb1form|setting', { setting: 'reactions', value: 'off' }, String(settingModal.view['private_metadata']));
    await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'DADMIN' && blocksText(c).includes('reactions') && blocksText(c).includes('off')), 'the new settings');
    await until(() => JSON.stringify(homeOf('UADMIN').at(-1)?.view).includes('`reactions` off'), 'the Home showing reactions off');
  }, 40_000);

  it('a member cannot change settings from a forged setting form', async () => {
    const before = fake.callsTo('chat.postMessage').length;
    await interactive({
      type: 'view_submission', team: { id: 'T1', domain: 'fake' }, user: { id: 'UALICE', name: 'ualice', team_id: 'T1' }, api_app_id: 'A1', trigger_id: trigger('view'),
      view: { id: `V${trigger('v')}`, type: 'modal', callback_id: 'gb1form|setting:reactions', private_metadata: JSON.stringify({ channel: 'DALICE', home: true }), state: { values: { value: { value: { type: 'plain_text_input', value: 'on' } } } }, hash: '1' },
    });
    const refused = await until(() => fake.callsTo('chat.postMessage').slice(before).find((c) => c.args['channel'] === 'DALICE'), 'the refusal');
    expect(blocksText(refused)).toContain('Only workspace admins can change settings.');
  });
});

describe('not in the channel', () => {
  it('a link to a channel the bot was not invited to: "invite me with /invite @genbot"', async () => {
    const file = fake.addFile('there.png', 'image/png', renderPng(32, 24, 'there'));
    const there = fake.addMessage({ channel: 'C9', user: 'UALICE', text: 'a picture', files: [file] });
    const answer = await slash('/animate', `--link https://fake.slack.com/archives/C9/p${there.ts.replace('.', '')}`);
    expect(answer).toContain("I'm not in that channel yet. Invite me with `/invite @genbot` there");
    expect(answer).not.toMatch(/Something went wrong/);
  });

  it('public channels work without an invite (chat:write.public); a private one gets the invite advice by DM', async () => {
    await start('/generate', 'a lantern in the public channel', 'UALICE', 'C8');
    await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'C8' && blocksText(c).includes('a lantern in the public channel')), 'the status in C8');
    await start('/generate', 'a lantern in the private channel', 'UALICE', 'G7');
    const dm = await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['channel'] === 'UALICE' && blocksText(c).includes('/invite @genbot')), 'the DM about the private channel');
    expect(blocksText(dm)).not.toMatch(DISCORD_SYNTAX);
    // Slack refused it: nothing was posted there.
    expect(fake.messages.some((m) => m.channel === 'G7')).toBe(false);
  });
});
