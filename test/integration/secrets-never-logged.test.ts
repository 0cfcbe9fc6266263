/**
 * The whole bot at LOG_LEVEL=debug with every secret set to a recognisable value: Slack (signed
 * HTTP requests against the real Bolt app, OAuth install), Discord (gateway interactions), the
 * three providers, a revoked Krea key, the admin dashboard. Nothing it logs may contain a secret.
 *
 * The logger here gets no `secrets` list and the values match no token pattern on purpose: the
 * exact-value net of src/logger.ts would hide a code path that logs a secret; this test must see it.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKPainterSimulator, type KPainterSimulator } from '../../adapters/providers/kpainter/simulator/server.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { startKrevSimulator, type KrevSimulator } from '../../adapters/providers/krev/simulator/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, scrubSecrets } from '../../src/logger.js';
import { startBot, type RunningBot } from '../../src/main/compose.js';
import { APP_ID, FakeDiscord, GUILD_ID } from '../fakes/discord/server.js';
import { FakeSlack, signSlackRequest, type SlackCall } from '../fakes/slack/server.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';

const ENCRYPTION_KEY = randomBytes(32);
const PREVIOUS_KEY = randomBytes(32);
/** Every SECRET_VARIABLES value but SLACK_APP_TOKEN (Socket Mode excludes HTTP mode and OAuth). */
const SECRETS = {
  KREA_API_TOKEN: 'krea-LEAKCHECK-7c1e9a40',
  KREV_API_KEY: 'krev-LEAKCHECK-2b8d4f51',
  KPAINTER_API_KEY: 'kpainter-LEAKCHECK-5a3c0e62',
  BOT_ENCRYPTION_KEY: ENCRYPTION_KEY.toString('hex'),
  BOT_ENCRYPTION_KEY_PREVIOUS: PREVIOUS_KEY.toString('base64'),
  SLACK_BOT_TOKEN: 'slackbot-LEAKCHECK-9e2f1a73',
  SLACK_SIGNING_SECRET: 'signing-LEAKCHECK-4d7b3c84',
  SLACK_CLIENT_SECRET: 'oauthclient-LEAKCHECK-8f0a6d95',
  SLACK_STATE_SECRET: 'oauthstate-LEAKCHECK-1c5e9ba6',
  DISCORD_TOKEN: 'discord-LEAKCHECK-3a9f7eb7',
  ADMIN_PASSWORD: 'admin-LEAKCHECK-6b2d8cc8',
};
/** A key an admin connects for their workspace: as secret as the configured ones. */
const WORKSPACE_KEY = 'workspace-krea-LEAKCHECK-0d4e2f19';
const FORBIDDEN = [...Object.values(SECRETS), WORKSPACE_KEY, ...[ENCRYPTION_KEY, PREVIOUS_KEY].flatMap((k) => [k.toString('hex'), k.toString('base64'), k.toString('base64url')])];

const lines: string[] = [];
let slack: FakeSlack;
let discord: FakeDiscord;
let krea: KreaSimulator;
let krev: KrevSimulator;
let kpainter: KPainterSimulator;
let bot: RunningBot;
const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });

/** A bot on the shared fakes and simulators, logging into `lines`. Bolt takes a bot token or OAuth, not both: two bots. */
function startWith(env: Record<string, string>): Promise<RunningBot> {
  const config = loadConfig({
    KREA_API_TOKEN: SECRETS.KREA_API_TOKEN, KREV_API_KEY: SECRETS.KREV_API_KEY, KPAINTER_API_KEY: SECRETS.KPAINTER_API_KEY,
    BOT_ENCRYPTION_KEY: SECRETS.BOT_ENCRYPTION_KEY, BOT_ENCRYPTION_KEY_PREVIOUS: SECRETS.BOT_ENCRYPTION_KEY_PREVIOUS, SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
    REDIS_URL: testRedisUrl(), REDIS_PREFIX: uniquePrefix('secrets'), PORT: '0', LOG_LEVEL: 'debug', POLL_SCALE: '0.05',
    SLACK_API_URL: slack.apiUrl, KREA_API_URL: krea.url, KREV_API_URL: krev.url, KPAINTER_API_URL: kpainter.url,
    ...env,
  });
  return startBot({ config, logger: createLogger({ level: 'debug', destination: sink }), banner: false });
}

async function until<T>(fn: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function slackPost(body: string, contentType: string, secret = SECRETS.SLACK_SIGNING_SECRET, base = bot.url) {
  return fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...signSlackRequest(secret, body) }, body });
}

let n = 0;
function slash(command: string, text: string, user = 'UALICE', team = 'T1', base = bot.url) {
  const trigger = `trig-${++n}`;
  const fields = { command, text, team_id: team, channel_id: 'C1', user_id: user, user_name: user.toLowerCase(), trigger_id: trigger, response_url: `${slack.url}/respond/${trigger}`, api_app_id: 'A1' };
  return { trigger, sent: slackPost(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', SECRETS.SLACK_SIGNING_SECRET, base) };
}

const blocksText = (c: SlackCall) => JSON.stringify(c.args['blocks'] ?? '') + String(c.args['text'] ?? '');
/** The status message's last state: an update of the message that shows the prompt. */
const slackFinal = (prompt: string, what: RegExp) => slack.callsTo('chat.update').find((c) => blocksText(c).includes(prompt) && what.test(blocksText(c)));

function discordGenerate(prompt: string, options: Array<Record<string, unknown>> = []) {
  return discord.sendInteraction({ type: 2, data: { id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: prompt }, ...options] } });
}
const discordStatus = (prompt: string) => [...discord.messages.values()].find((m) => m.author.bot && m.content.includes(prompt));

beforeAll(async () => {
  slack = new FakeSlack();
  await slack.start();
  slack.tokens.set(SECRETS.SLACK_BOT_TOKEN, 'T1');
  slack.admins.add('UADMIN');
  discord = new FakeDiscord();
  await discord.start();
  krea = await startKreaSimulator({ jobDurationMs: 400 });
  krev = await startKrevSimulator({ jobDurationMs: 400 });
  kpainter = await startKPainterSimulator({ jobDurationMs: 400, keys: [SECRETS.KPAINTER_API_KEY] });
  bot = await startWith({ SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN, DISCORD_TOKEN: SECRETS.DISCORD_TOKEN, DISCORD_API_URL: discord.apiUrl, DISCORD_APPLICATION_ID: APP_ID, DISCORD_GUILD_ID: GUILD_ID, ADMIN_PASSWORD: SECRETS.ADMIN_PASSWORD });
  await discord.connected();
}, 60_000);

afterAll(async () => {
  await bot?.close();
  await Promise.all([krea?.close(), krev?.close(), kpainter?.close(), slack?.stop(), discord?.stop()]);
});

describe('secrets never logged (LOG_LEVEL=debug)', () => {
  it('Slack: a signed /generate on each provider runs to the end', async () => {
    const prompts = { 'krea image/bfl/flux-1-dev': 'a LEAKCHECK fox on krea', 'krev image/krev/studio': 'a LEAKCHECK fox on krev', 'kpainter image/kpainter/image': 'a LEAKCHECK fox on kpainter' };
    for (const [how, prompt] of Object.entries(prompts)) {
      const [provider, model] = how.split(' ');
      expect((await slash('/generate', `${prompt} --provider ${provider} --model ${model}`).sent).status).toBe(200);
    }
    for (const prompt of Object.values(prompts)) await until(() => slackFinal(prompt, /gb1\|variations\|/), `the end of "${prompt}"`, 30_000);
    expect(slack.calls.some((c) => c.token === SECRETS.SLACK_BOT_TOKEN)).toBe(true);
  }, 60_000);

  it('Slack: a forged signature is refused; the admin dashboard with a wrong and a right password', async () => {
    expect((await slackPost(new URLSearchParams({ command: '/generate', text: 'forged' }).toString(), 'application/x-www-form-urlencoded', 'not-the-secret')).status).toBe(401);
    const basic = (pw: string) => ({ authorization: `Basic ${Buffer.from(`admin:${pw}`).toString('base64')}` });
    expect((await fetch(`${bot.url}/admin/queues`, { headers: basic('wrong-password') })).status).toBe(401);
    expect((await fetch(`${bot.url}/admin/queues`, { headers: basic(SECRETS.ADMIN_PASSWORD) })).status).toBeLessThan(400);
  });

  it('Slack: an OAuth install (client and state secrets), stored with the encryption key, then a /generate there', async () => {
    const oauthBot = await startWith({ SLACK_CLIENT_ID: '111.222', SLACK_CLIENT_SECRET: SECRETS.SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: SECRETS.SLACK_STATE_SECRET });
    try {
      const install = await fetch(`${oauthBot.url}/slack/install`, { redirect: 'manual' });
      expect(install.status).toBe(302);
      const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
      const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
      const done = await fetch(`${oauthBot.url}/slack/oauth_redirect?code=abc&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
      expect(done.status).toBeLessThan(400);
      expect((await slash('/generate', 'a LEAKCHECK fox in team two', 'UZED', 'T2', oauthBot.url).sent).status).toBe(200);
      await until(() => slackFinal('a LEAKCHECK fox in team two', /gb1\|variations\|/), 'the end of the team-two job', 30_000);
    } finally {
      await oauthBot.close();
    }
  }, 60_000);

  it('Discord: /generate runs to the end', async () => {
    discordGenerate('a LEAKCHECK owl on discord');
    const status = await until(() => discordStatus('a LEAKCHECK owl on discord'), 'the Discord status message');
    await until(() => JSON.stringify(discord.messages.get(status.id)?.components).includes('gb1|variations|'), 'the final Discord buttons', 30_000);
  }, 40_000);

  it('a revoked Krea key: the jobs fail on both platforms, and the user is told', async () => {
    krea.control.revoke(SECRETS.KREA_API_TOKEN);
    expect((await slash('/generate', 'a LEAKCHECK revoked fox').sent).status).toBe(200);
    discordGenerate('a LEAKCHECK revoked owl');
    await until(() => slackFinal('a LEAKCHECK revoked fox', /rejected|revoked/i) || slack.responses.find((r) => /rejected|revoked/i.test(JSON.stringify(r.body))), 'the Slack failure');
    await until(() => [...discord.messages.values()].find((m) => /rejected|revoked/i.test(m.content)) || discord.calls.find((c) => /rejected|revoked/i.test(JSON.stringify(c.body ?? {}))), 'the Discord failure');
  }, 40_000);

  it('an admin connects a workspace key (checked with Krea, stored encrypted)', async () => {
    const { trigger, sent } = slash('/genbot', `connect krea ${WORKSPACE_KEY}`, 'UADMIN');
    expect((await sent).status).toBe(200);
    await until(() => slack.responses.find((r) => r.id === trigger && JSON.stringify(r.body).includes('Saved: connected')), 'the connect answer');
  });

  it('leaves no secret in anything it logged', async () => {
    await new Promise((r) => setTimeout(r, 300));
    // The values were in use, and no pattern of the logger would hide them: only not logging them passes.
    expect(discord.identifyPayloads.some((p) => String(p['token']).includes(SECRETS.DISCORD_TOKEN))).toBe(true);
    for (const secret of FORBIDDEN) expect(scrubSecrets(secret)).toBe(secret);
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(20);
    expect(log).toContain('"level":20');
    const leaks = FORBIDDEN.map((secret) => ({ secret, lines: lines.filter((l) => l.includes(secret)).map((l) => l.slice(0, 400)) })).filter((l) => l.lines.length > 0);
    expect(leaks).toEqual([]);
  });
});
