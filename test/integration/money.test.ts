/**
 * Providers and money through the whole bot in local mode (the playground, the three simulators,
 * the real pipeline on Redis): requests routed to each provider with the right fields, a key
 * connected and then used, limits refused with their reset time, a costly request waiting for
 * Confirm, and credits / models / jobs answering.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebMessage } from '../../adapters/web/store.js';
import type { RunningBot } from '../../src/main/compose.js';
import { decodeButtonId } from '../../src/view.js';
import { messages, progressLabel, send, startLocalBot, waitForMessage } from '../helpers/local-bot.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';

let bot: RunningBot;
const prefix = uniquePrefix('money');
const redis = new Redis(testRedisUrl());

beforeAll(async () => {
  bot = await startLocalBot({ REDIS_PREFIX: prefix, BOT_ENCRYPTION_KEY: 'cd'.repeat(32), CONFIRM_SECONDS: '2' });
});
afterAll(async () => {
  await bot?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const textOf = (m: WebMessage) => JSON.stringify(m.view ?? m.text ?? '');
const sim = () => bot.simulators;

/** Sends a command and waits for the bot's reply that matches. */
async function ask(text: string, reply: (m: WebMessage) => boolean): Promise<WebMessage> {
  const before = (await messages(bot)).length;
  await send(bot, '/api/send', { text });
  return waitForMessage(bot, (m, all) => all.indexOf(m) >= before && m.author === 'bot' && reply(m));
}

async function settings(name: string, value: string): Promise<void> {
  await ask(`/settings ${name} ${value}`, (m) => textOf(m).includes('Workspace settings'));
}

describe('providers', () => {
  it('routes --provider krev to Krev with its fields, and shows Krev’s real progress', async () => {
    // Long enough that a poll lands mid-generation however busy the machine is.
    sim().krev!.control.setJobDuration(2500);
    const before = (await messages(bot)).length;
    await send(bot, '/api/send', { text: '/generate a leather wallet on marble --provider krev --n 2 --ar 16:9' });
    // Watch the status message while it runs: Krev reports real percentages, shown without "≈".
    const seen: Array<{ percent?: number; estimated?: boolean }> = [];
    let done: WebMessage | undefined;
    for (let i = 0; i < 400 && !done; i++) {
      const all = await messages(bot);
      const status = all.slice(before).find((m) => m.author === 'bot' && m.view?.blocks.some((b) => b.type === 'progress'));
      const bar = status?.view?.blocks.find((b) => b.type === 'progress');
      if (bar?.type === 'progress' && bar.percent !== undefined && bar.label === 'Generating') seen.push({ percent: bar.percent, ...(bar.estimated ? { estimated: true } : {}) });
      if (status && progressLabel(status) === 'Done') done = status;
      await new Promise((r) => setTimeout(r, 25));
    }
    sim().krev!.control.setJobDuration(undefined);
    expect(done).toBeDefined();
    const submit = sim().krev!.requests().find((r) => r.method === 'POST' && r.path.endsWith('/images'));
    expect(submit?.body).toMatchObject({ prompt: 'a leather wallet on marble', image_count: 2, aspect_ratio: '16:9' });
    expect(textOf(done!)).toContain('image/krev/studio');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => !p.estimated)).toBe(true);
    const all = await messages(bot);
    expect(all.filter((m) => m.threadId === done!.id && m.files.length > 0)).toHaveLength(2);
    expect(textOf(done!)).toMatch(/credits/);
  });

  it('routes --provider kpainter to KPainter and explains that its Cancel cannot stop the job', async () => {
    sim().kpainter!.control.setLatency(1500);
    const before = (await messages(bot)).length;
    await send(bot, '/api/send', { text: '/generate a poster of a lighthouse --provider kpainter' });
    const status = await waitForMessage(bot, (m, all) => all.indexOf(m) >= before && m.author === 'bot' && !!m.view?.blocks.some((b) => b.type === 'actions'));
    const cancel = status.view!.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : [])).find((b) => b.action === 'cancel') as { customId?: string };
    await send(bot, '/api/action', { customId: cancel.customId, messageId: status.id });
    const ended = await waitForMessage(bot, (m) => m.id === status.id && progressLabel(m)?.startsWith('Cancelled') === true, 20_000);
    expect(textOf(ended)).toContain('KPainter cannot stop a job once it has started');
    expect(textOf(ended)).not.toContain('not billed');
    const creation = sim().kpainter!.requests().find((r) => r.method === 'POST' && r.path.endsWith('/creations'));
    expect(creation?.body).toMatchObject({ prompt: 'a poster of a lighthouse' });
    sim().kpainter!.control.setLatency(0);
  });
});

describe('keys', () => {
  it('a key connected for the workspace is checked, stored encrypted, used by the next job, and removed', async () => {
    const reply = await ask('/connect krev sk_live_workspace_key_4242', (m) => textOf(m).includes('connected'));
    expect(textOf(reply)).toContain('4242');
    expect(textOf(reply)).not.toContain('sk_live_workspace_key_4242');
    const stored = await redis.hget(`${prefix}:ws:web:local:credentials`, 'krev');
    expect(stored).toBeTruthy();
    expect(stored).not.toContain('sk_live_workspace_key_4242');
    // With the server-wide (simulator) key revoked, only the workspace's own key can make the next job work.
    sim().krev!.control.revoke('local-simulator');
    const done = await ask('/generate a red bag --provider krev', (m) => ['Done', 'Failed'].includes(progressLabel(m) ?? ''));
    expect(progressLabel(done)).toBe('Done');
    await ask('/connect krev remove', (m) => textOf(m).includes('Removed'));
    expect(await redis.hget(`${prefix}:ws:web:local:credentials`, 'krev')).toBeNull();
    const refused = await ask('/generate a blue bag --provider krev', (m) => ['Done', 'Failed'].includes(progressLabel(m) ?? '') || textOf(m).includes('rejected'));
    expect(progressLabel(refused)).toBe('Failed');
    sim().krev!.control.reset();
  });
});

describe('limits', () => {
  it('refuses a request over the daily jobs per person, saying when it resets', async () => {
    await settings('daily_jobs_per_user', '0');
    const used = Number(JSON.parse((await redis.hget(`${prefix}:ws:web:local:quota:day:${new Date().toISOString().slice(0, 10)}`, 'jobs:local-user')) ?? '0'));
    await settings('daily_jobs_per_user', String(used));
    const refused = await ask('/generate one too many', (m) => textOf(m).includes('daily limit per person'));
    expect(textOf(refused)).toMatch(/resets <time:\d+:time>/);
    await settings('daily_jobs_per_user', '0');
  });

  it('refuses a request that would pass the daily spend, per unit', async () => {
    await settings('daily_spend', '1 credits');
    const refused = await ask('/generate a tote bag --provider krev', (m) => textOf(m).includes("today's spend past"));
    expect(textOf(refused)).toMatch(/~40 credits/);
    await settings('daily_spend', 'off');
  });

  it('a costly request waits for Confirm, and is cancelled when nobody confirms in time', async () => {
    await settings('confirm_above', '10 credits');
    const waiting = await ask('/generate an expensive hat --provider krev', (m) => progressLabel(m)?.startsWith('Waiting for the requester to confirm') ?? false);
    expect(waiting.view!.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons.map((x) => x.action) : []))).toEqual(['confirm', 'cancel']);
    const expired = await waitForMessage(bot, (m) => m.id === waiting.id && progressLabel(m) === 'Cancelled', 15_000);
    expect(textOf(expired)).toContain('Not confirmed in time');
    expect(sim().krev!.requests().filter((r) => JSON.stringify(r.body ?? '').includes('an expensive hat'))).toEqual([]);

    const second = await ask('/generate a confirmed hat --provider krev', (m) => progressLabel(m)?.startsWith('Waiting for the requester to confirm') ?? false);
    const confirm = second.view!.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : [])).find((b) => b.action === 'confirm') as { customId?: string };
    expect(decodeButtonId(confirm.customId!)?.action).toBe('confirm');
    await send(bot, '/api/action', { customId: confirm.customId, messageId: second.id });
    await waitForMessage(bot, (m) => m.id === second.id && progressLabel(m) === 'Done', 20_000);
    await settings('confirm_above', 'off');
  });
});

describe('credits, models, jobs', () => {
  it('credits shows the spend today and the provider balance; models lists every provider; jobs lists mine with costs', async () => {
    await ask('/connect krev sk_live_again_7777', (m) => textOf(m).includes('connected'));
    const credits = await ask('/credits', (m) => textOf(m).includes('Credits and spend'));
    expect(textOf(credits)).toMatch(/Krev: [\d,]+ of [\d,]+ credits left/);
    expect(textOf(credits)).toMatch(/Spent today/);
    const models = await ask('/models', (m) => /\d+ models/.test(textOf(m)));
    for (const id of ['image/bfl/flux-1-dev', 'image/krev/studio']) expect(textOf(models)).toContain(id);
    expect(textOf(models)).toMatch(/credits/);
    const jobs = await ask('/jobs', (m) => textOf(m).includes('Your generations'));
    expect(textOf(jobs)).toMatch(/a leather wallet on marble/);
    expect(textOf(jobs)).toMatch(/credits|not charged/);
  });
});
