/**
 * The real Bolt app, in HTTP mode and in Socket Mode, against a loopback fake of Slack and the
 * Krea simulator, with the real pipeline on Redis.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { SLACK_SCOPES } from '../../adapters/slack/app.js';
import { createSlackPlatform } from '../../adapters/slack/platform.js';
import { BOT_EVENTS, SHORTCUTS, SLASH_COMMANDS } from '../../adapters/slack/parse.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startBot, type RunningBot } from '../../src/main/compose.js';
import { FakeSlack, signSlackRequest, type SlackCall } from '../fakes/slack/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';
import { platformFiles } from '../helpers/platform-files.js';

const SECRET = 'test-signing-secret';
let fake: FakeSlack;
let sim: KreaSimulator;
let bot: RunningBot;

async function startSlackBot(env: Record<string, string>): Promise<RunningBot> {
  const config = loadConfig({
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: uniquePrefix('slack'),
    PORT: '0',
    LOG_LEVEL: 'silent',
    SLACK_API_URL: fake.apiUrl,
    KREA_API_URL: sim.url,
    KREA_API_TOKEN: 'krea-test-key', POLL_SCALE: '0.05',
    ...env,
  });
  return startBot({ config, logger: silentLogger(), banner: false });
}

async function until<T>(fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function post(path: string, body: string, contentType: string, headers: Record<string, string> = {}) {
  return fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
}

function signedForm(fields: Record<string, string>, ts?: number) {
  const body = new URLSearchParams(fields).toString();
  return post('/slack/events', body, 'application/x-www-form-urlencoded', signSlackRequest(SECRET, body, ts));
}

function signedEvent(event: Record<string, unknown>, eventId: string, retry = 0, team = 'T1') {
  const body = JSON.stringify({ type: 'event_callback', team_id: team, api_app_id: 'A1', event_id: eventId, event_time: 1, event });
  return post('/slack/events', body, 'application/json', { ...signSlackRequest(SECRET, body), ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}) });
}

const slash = (text: string, user = 'UALICE', trigger = `trig-${Math.random()}`, team = 'T1') => ({
  command: '/generate', text, team_id: team, channel_id: 'C1', user_id: user, user_name: user.toLowerCase(), trigger_id: trigger, response_url: `${fake.url}/respond/${trigger}`, api_app_id: 'A1',
});

const blocksText = (c: SlackCall) => JSON.stringify(c.args['blocks'] ?? '');
const statusPosts = (prompt: string) => fake.callsTo('chat.postMessage').filter((c) => blocksText(c).includes(prompt));

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  sim = await startKreaSimulator({ jobDurationMs: 600 });
  bot = await startSlackBot({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET });
});
afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
});

describe('Slack, HTTP mode', () => {
  it('acks a signed /generate, posts a status message with Cancel, updates it, uploads into the thread, finishes with buttons', async () => {
    const started = Date.now();
    const res = await signedForm(slash('a red fox at dawn --ar 16:9'));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const status = await until(() => statusPosts('a red fox at dawn')[0]);
    expect(blocksText(status)).toContain('gb1|cancel|');
    const ts = await until(() => fake.messages.find((m) => m.text === status.args['text'])?.ts);
    const upload = await until(() => fake.callsTo('files.completeUploadExternal').find((c) => c.args['thread_ts'] === ts));
    expect(upload.args['channel_id']).toBe('C1');
    const uploadedBytes = [...fake.uploads.values()].find((u) => u.bytes.length > 0)!.bytes;
    expect(uploadedBytes.subarray(1, 4).toString()).toBe('PNG');
    const final = await until(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === ts && blocksText(c).includes('gb1|variations|')));
    for (const action of ['retry', 'variations', 'upscale', 'animate', 'delete']) expect(blocksText(final)).toContain(`gb1|${action}|`);
    expect(fake.callsTo('chat.update').filter((c) => c.args['ts'] === ts).length).toBeGreaterThanOrEqual(2);
  });

  it('reports Slack in /readyz', async () => {
    const ready = (await (await fetch(`${bot.url}/readyz`)).json()) as { ok: boolean; checks: Array<{ name: string; ok: boolean }> };
    expect(ready).toMatchObject({ ok: true, checks: [{ name: 'redis', ok: true }, { name: 'slack', ok: true }] });
  });

  it('rejects an unsigned request and one signed 10 minutes ago', async () => {
    const before = fake.callsTo('chat.postMessage').length;
    const body = new URLSearchParams(slash('unsigned fox')).toString();
    expect((await post('/slack/events', body, 'application/x-www-form-urlencoded')).status).toBe(401);
    expect((await signedForm(slash('stale fox'), Math.floor(Date.now() / 1000) - 600)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('chat.postMessage').length).toBe(before);
  });

  it('makes one job from the same event delivered three times', async () => {
    const event = { type: 'app_mention', user: 'UALICE', text: '<@UBOT> a lighthouse in fog', channel: 'C1', ts: fake.nextTs() };
    for (const retry of [0, 1, 2]) expect((await signedEvent(event, 'Ev-dup-1', retry)).status).toBe(200);
    await until(() => statusPosts('a lighthouse in fog')[0]);
    await new Promise((r) => setTimeout(r, 500));
    expect(statusPosts('a lighthouse in fog')).toHaveLength(1);
    expect(statusPosts('a lighthouse in fog')[0]!.args['thread_ts']).toBe(event.ts);
  });

  it('refuses Cancel to someone else and honours it for the requester (the provider cancel is called)', async () => {
    sim.control.setLatency(0);
    sim.control.hangJobs(1); // the job must still be running when the requester clicks, however slow the machine
    await signedForm(slash('a slow glacier --video'));
    const status = await until(() => statusPosts('a slow glacier')[0]);
    const ts = await until(() => fake.messages.find((m) => m.text === status.args['text'])?.ts);
    const cancelId = /"(gb1\|cancel\|[^"]+)"/.exec(blocksText(status))![1]!;
    const click = (user: string, trigger: string) =>
      signedForm({
        payload: JSON.stringify({ type: 'block_actions', trigger_id: trigger, team: { id: 'T1' }, user: { id: user, team_id: 'T1' }, channel: { id: 'C1' }, message: { ts }, container: { type: 'message', channel_id: 'C1', message_ts: ts }, response_url: `${fake.url}/respond/${trigger}`, actions: [{ type: 'button', action_id: cancelId, block_id: 'b', action_ts: '1' }] }),
      });
    expect((await click('UBOB', 'click-bob')).status).toBe(200);
    const refusal = await until(() => fake.responses.find((r) => r.id === 'click-bob'));
    expect(JSON.stringify(refusal.body)).toContain('Only <@UALICE> or an admin can cancel this.');
    expect(refusal.body['response_type']).toBe('ephemeral');
    await click('UALICE', 'click-alice');
    await click('UALICE', 'click-alice-again');
    const final = await until(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === ts && blocksText(c).includes('Cancelled by')));
    expect(blocksText(final)).toContain('not billed');
    expect(sim.requests().filter((r) => r.method === 'DELETE').length).toBeGreaterThanOrEqual(1);
  });

  it('🎬 on a user image starts image-to-video in that thread, with the image uploaded as the start image', async () => {
    const png = renderPng(64, 48, 'user photo');
    const file = fake.addFile('photo.png', 'image/png', png);
    const message = fake.addMessage({ channel: 'C1', user: 'UCAROL', text: 'my photo', files: [file] });
    const assetsBefore = sim.requests().filter((r) => r.path === '/assets').length;
    for (const [user, id] of [['UCAROL', 'Ev-r1'], ['UDAVE', 'Ev-r2']] as const) {
      await signedEvent({ type: 'reaction_added', user, reaction: 'clapper', item: { type: 'message', channel: 'C1', ts: message.ts }, item_user: 'UCAROL', event_ts: '1' }, id);
    }
    const status = await until(() => fake.callsTo('chat.postMessage').find((c) => c.args['thread_ts'] === message.ts && blocksText(c).includes('video/')));
    expect(blocksText(status)).toContain('Bring this image to life');
    const submit = await until(() => sim.requests().find((r) => r.path.startsWith('/generate/video/') && JSON.stringify(r.body).includes('/assets/')));
    expect(sim.requests().filter((r) => r.path === '/assets').length).toBe(assetsBefore + 1);
    expect((submit.body as { start_image: string }).start_image).toMatch(/\/assets\/.+\/file$/);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('chat.postMessage').filter((c) => c.args['thread_ts'] === message.ts && blocksText(c).includes('video/'))).toHaveLength(1);
  });

  it('downloads a Slack file with the bot token only on Slack, reads its type from the bytes, and says so when Slack answers its sign-in page', async () => {
    const png = renderPng(30, 20, 'slack file');
    const file = fake.addFile('photo.png', 'image/png', png);
    const platform = createSlackPlatform({ token: 'xoxb-test-token', apiUrl: fake.apiUrl, teamId: 'T1', logger: silentLogger(), downloadFile: platformFiles(fake.apiUrl) });
    const media = { url: String(file.url_private_download), source: 'slack' as const, name: 'photo.png' };
    expect(await platform.download(media, { maxBytes: 64 * 1024 })).toMatchObject({ name: 'photo.png', mimeType: 'image/png', width: 30, height: 20 });
    expect(await platform.download(media, { maxBytes: 100 }).catch((e: unknown) => e)).toMatchObject({ code: 'too_large', message: expect.stringContaining('`photo.png`') });
    // A revoked token (or a missing files:read scope) gets Slack's HTML sign-in page with a 200.
    const revoked = createSlackPlatform({ token: 'xoxb-revoked', apiUrl: fake.apiUrl, teamId: 'T1', logger: silentLogger(), downloadFile: platformFiles(fake.apiUrl) });
    expect(await revoked.download(media, { maxBytes: 64 * 1024 }).catch((e: unknown) => e)).toMatchObject({ code: 'invalid_auth', message: expect.stringContaining('files:read') });
    // The token is never sent off Slack: a "Slack file" on another host is refused before any request.
    expect(await platform.download({ ...media, url: 'https://example.com/files-pri/T1-x/photo.png' }, { maxBytes: 1024 }).catch((e: unknown) => e)).toMatchObject({ code: 'forbidden' });
  });

  it('an @mention in a thread generates in that thread', async () => {
    const parent = fake.addMessage({ channel: 'C1', user: 'UALICE', text: 'ideas' });
    await signedEvent({ type: 'app_mention', user: 'UALICE', text: '<@UBOT> a paper boat --seed 3', channel: 'C1', ts: fake.nextTs(), thread_ts: parent.ts }, 'Ev-thread-1');
    const status = await until(() => statusPosts('a paper boat')[0]);
    expect(status.args['thread_ts']).toBe(parent.ts);
    await until(() => fake.callsTo('files.completeUploadExternal').find((c) => c.args['thread_ts'] === parent.ts));
  });

  it('a 429 on chat.update the pacing did not foresee (limits tightened) still ends with the final card', async () => {
    // Every edit meets one 429: a progress edit is dropped at once, a final one is retried until it lands.
    fake.rateLimitUpdates = 1;
    await signedForm(slash('a busy harbor'));
    const status = await until(() => statusPosts('a busy harbor')[0]);
    const ts = await until(() => fake.messages.find((m) => m.text === status.args['text'])?.ts);
    await until(() => fake.callsTo('files.completeUploadExternal').find((c) => c.args['thread_ts'] === ts));
    await until(() => fake.callsTo('chat.update').find((c) => c.args['ts'] === ts && blocksText(c).includes('gb1|variations|')));
    expect(fake.rateLimitUpdates).toBe(0);
  });
});

describe('Slack OAuth', () => {
  it('stores an installation and then uses that team’s own token', async () => {
    const oauthBot = await startSlackBot({ SLACK_CLIENT_ID: '111.222', SLACK_CLIENT_SECRET: 'shh', SLACK_STATE_SECRET: 'state-secret', SLACK_SIGNING_SECRET: SECRET, BOT_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    try {
      const install = await fetch(`${oauthBot.url}/slack/install`, { redirect: 'manual' });
      expect(install.status).toBe(302);
      const location = new URL(install.headers.get('location')!);
      expect(location.searchParams.get('scope')).toBe(SLACK_SCOPES.join(','));
      const state = location.searchParams.get('state')!;
      const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
      const done = await fetch(`${oauthBot.url}/slack/oauth_redirect?code=abc&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
      expect(done.status).toBeLessThan(400);
      expect(fake.callsTo('oauth.v2.access')).toHaveLength(1);
      const body = new URLSearchParams(slash('a second-team fox', 'UZED', 'trig-t2', 'T2')).toString();
      const res = await fetch(`${oauthBot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) }, body });
      expect(res.status).toBe(200);
      const status = await until(() => statusPosts('a second-team fox')[0]);
      expect(status.token).toBe('xoxb-team2-token');
    } finally {
      await oauthBot.close();
    }
  });
});

describe('Slack, Socket Mode', () => {
  it('receives a slash command over the websocket, acks it, and posts the status message', async () => {
    const socketBot = await startSlackBot({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_APP_TOKEN: 'xapp-1-test' });
    try {
      await fake.socketConnected();
      const ack = fake.sendEnvelope('slash_commands', slash('a socket-mode owl'));
      await expect(ack).resolves.toBeDefined();
      await until(() => statusPosts('a socket-mode owl')[0]);
    } finally {
      await socketBot.close();
    }
  });
});

describe('manifest.yml', () => {
  it('imports as a manifest and lists every command, shortcut, event and scope the code handles', () => {
    const manifest = parseYaml(readFileSync('manifest.yml', 'utf8')) as {
      features: { slash_commands: Array<{ command: string }>; shortcuts: Array<{ callback_id: string; type: string }> };
      oauth_config: { scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
    };
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...SLASH_COMMANDS].sort());
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual(Object.keys(SHORTCUTS).sort());
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([...SLACK_SCOPES].sort());
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
