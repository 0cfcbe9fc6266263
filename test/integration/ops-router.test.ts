/**
 * The ops endpoints as an operator meets them: liveness, readiness that names what is down (and
 * leaks no secret), Prometheus metrics after the bot counted something, and the queue dashboard
 * locked behind ADMIN_PASSWORD (or off entirely).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../adapters/ops/metrics.js';
import { createOpsRouter, type OpsRouterOptions } from '../../adapters/ops/router.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';

const servers: Server[] = [];
async function serve(options: OpsRouterOptions): Promise<string> {
  const app = express();
  app.use(createOpsRouter(options));
  const server = await new Promise<Server>((done) => {
    const s = app.listen(0, '127.0.0.1', () => done(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

let redis: Redis;
let queue: Queue;
beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  queue = new Queue('generation', { connection: redis, prefix: uniquePrefix('ops') });
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
});

describe('ops router', () => {
  it('/healthz answers 200 {ok:true} even when a dependency is down', async () => {
    const url = await serve({ registry: createMetrics().registry, checks: [{ name: 'redis', check: async () => Promise.reject(new Error('down')) }] });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('/readyz is 200 when every check passes, 503 naming the failing and hanging ones, without secrets', async () => {
    const healthy = await serve({ registry: createMetrics().registry, checks: [{ name: 'redis', check: async () => void (await redis.ping()) }] });
    const ok = await fetch(`${healthy}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, checks: [{ name: 'redis', ok: true }] });

    const url = await serve({
      registry: createMetrics().registry,
      readinessTimeoutMs: 100,
      checks: [
        { name: 'redis', check: async () => void (await redis.ping()) },
        { name: 'slack', check: async () => Promise.reject(new Error('connect ECONNREFUSED redis://:hunter2@10.0.0.5:6379 with Bearer xoxb-123456789-abcdef')) },
        // Ignores its signal and never settles: must still be reported, not hang the probe.
        { name: 'discord', check: () => new Promise<void>(() => {}) },
      ],
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ok: boolean; failed: string[]; checks: Array<{ name: string; ok: boolean; error?: string }> };
    expect(body.ok).toBe(false);
    expect(body.failed).toEqual(['slack', 'discord']);
    expect(body.checks.find((c) => c.name === 'redis')?.ok).toBe(true);
    expect(body.checks.find((c) => c.name === 'discord')?.error).toMatch(/no answer within 100 ms/);
    const text = JSON.stringify(body);
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('xoxb-123456789');
  });

  it('/metrics serves Prometheus text with what the bot counted, and the queue depth read at scrape time', async () => {
    const { registry, metrics, setQueueDepthProvider } = createMetrics();
    let depth = 3;
    setQueueDepthProvider(async () => ({ waiting: depth, active: 1 }));
    metrics.jobStarted('krea', 'image');
    metrics.jobFinished('krea', 'succeeded', 12_000);
    metrics.jobFinished('krea', 'failed', 3_000);
    metrics.providerCall('krea', 'submit', '200', 120);
    metrics.providerCall('krea', 'status', '429', 80);
    metrics.platformRateLimited('slack', 'chat.update');
    metrics.editSkipped('slack', 'budget');
    const url = await serve({ registry, checks: [] });
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/genbot_jobs_total\{provider="krea",state="succeeded"\} 1/);
    expect(text).toMatch(/genbot_jobs_total\{provider="krea",state="failed"\} 1/);
    expect(text).toMatch(/genbot_job_duration_seconds_count\{provider="krea",state="succeeded"\} 1/);
    expect(text).toMatch(/genbot_provider_request_seconds_count\{provider="krea",operation="submit",outcome="200"\} 1/);
    expect(text).toMatch(/genbot_provider_errors_total\{provider="krea",operation="status",outcome="429"\} 1/);
    expect(text).not.toMatch(/genbot_provider_errors_total\{[^}]*outcome="200"/);
    expect(text).toMatch(/genbot_platform_rate_limited_total\{platform="slack",method="chat.update"\} 1/);
    expect(text).toMatch(/genbot_status_edits_skipped_total\{platform="slack",reason="budget"\} 1/);
    expect(text).toMatch(/genbot_queue_jobs\{state="waiting"\} 3/);
    depth = 7;
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/genbot_queue_jobs\{state="waiting"\} 7/);
  });

  it('the queue dashboard needs the admin password', async () => {
    const url = await serve({ registry: createMetrics().registry, checks: [], adminPassword: 'correct horse', queues: [queue] });
    const none = await fetch(`${url}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await fetch(`${url}/admin/queues`, { headers: basic('admin', 'wrong') })).status).toBe(401);
    expect((await fetch(`${url}/admin/queues`, { headers: basic('admin', 'correct horse ') })).status).toBe(401);
    expect((await fetch(`${url}/admin/queues/api/queues`, { headers: basic('admin', 'wrong') })).status).toBe(401);
    const page = await fetch(`${url}/admin/queues`, { headers: basic('admin', 'correct horse') });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${url}/admin/queues/api/queues`, { headers: basic('anyone', 'correct horse') });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain('generation');
  });

  it('without a password the dashboard is off: 404, not open', async () => {
    const url = await serve({ registry: createMetrics().registry, checks: [], queues: [queue] });
    expect((await fetch(`${url}/admin/queues`)).status).toBe(404);
    expect((await fetch(`${url}/admin/queues/api/queues`, { headers: basic('admin', '') })).status).toBe(404);
  });
});
