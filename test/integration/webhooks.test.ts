/**
 * With PUBLIC_URL set, Krea jobs carry X-Webhook-URL; the webhook wakes the job so completion
 * needs no further poll, and the endpoint accepts only job ids this bot created.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import type { RunningBot } from '../../src/main/compose.js';
import { progressLabel, send, startLocalBot, waitForMessage } from '../helpers/local-bot.js';

let sim: KreaSimulator;
let bot: RunningBot;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  // Flux's average is 7 s, so the first poll would come after ~3.5 s; the job itself takes 0.8 s.
  sim = await startKreaSimulator({ jobDurationMs: 800 });
  const port = await freePort();
  bot = await startLocalBot({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, KREA_API_URL: sim.url, KREA_API_TOKEN: 'krea-key' });
});
afterAll(async () => {
  await bot?.close();
  await sim?.close();
});

describe('Krea webhooks', () => {
  it('completion arrives by webhook, before the first scheduled poll', async () => {
    const started = Date.now();
    await send(bot, '/api/send', { text: '/generate a fox by webhook' });
    const done = await waitForMessage(bot, (m) => progressLabel(m) === 'Done');
    const submit = sim.requests().find((r) => r.path === '/generate/image/bfl/flux-1-dev')!;
    expect(submit.headers['x-webhook-url']).toBe(`${bot.url}/webhooks/krea`);
    expect(Date.now() - started).toBeLessThan(3500);
    expect(done.view?.text).toContain('a fox by webhook');
  });

  it('refuses job ids it did not create and takes duplicates calmly', async () => {
    const forged = await fetch(`${bot.url}/webhooks/krea`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job_id: '00000000-0000-0000-0000-000000000000', status: 'completed', created_at: 'x', result: { urls: ['https://evil.example/x.png'] } }) });
    expect(forged.status).toBe(404);
    expect((await fetch(`${bot.url}/webhooks/krea`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' })).status).toBe(400);
    const job = sim.jobs()[0]!;
    const body = JSON.stringify(sim.jobJson(job.job_id));
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${bot.url}/webhooks/krea`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(200);
    }
  });
});
