/** The Krea client against the Krea simulator: real HTTP on loopback, the documented shapes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKreaProvider, type KreaProvider } from '../../adapters/providers/krea/client.js';
import { createSchemaValidator } from '../../adapters/providers/krea/openapi.js';
import { PLAN_REQUIRED_MESSAGE } from '../../adapters/providers/krea/simulator/control.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { ProviderError } from '../../src/errors.js';
import type { ProviderStatus } from '../../src/generation.js';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { ProviderSubmitRequest } from '../../src/ports.js';
import { allSpecs } from '../../commands/specs.js';
import { renderHints } from '../../src/hints.js';

let sim: KreaSimulator;
let krea: KreaProvider;
const ctx = { credentials: { apiKey: 'test-token-abc' } };

const req = (over: Partial<ProviderSubmitRequest> = {}): ProviderSubmitRequest => ({
  provider: 'krea', modelId: 'image/bfl/flux-1-dev', kind: 'image', prompt: 'a red fox', inputs: [], params: {}, index: 0, outputs: 1, width: 1360, height: 768, seed: 42, ...over,
});

async function until(op: Parameters<KreaProvider['status']>[0], done: (s: ProviderStatus) => boolean): Promise<ProviderStatus[]> {
  const seen: ProviderStatus[] = [];
  for (let i = 0; i < 200; i++) {
    const s = await krea.status(op, ctx);
    seen.push(s);
    if (done(s)) return seen;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('never finished');
}

async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

beforeAll(async () => {
  sim = await startKreaSimulator({ jobDurationMs: 400 });
  krea = createKreaProvider({ baseUrl: sim.url, logger: silentLogger(), requestTimeoutMs: 2000 });
});
afterAll(() => sim.close());

describe('Krea client', () => {
  it('lists models from /openapi.json with params derived from their schemas', async () => {
    const models = await krea.models();
    const flux = models.find((m) => m.id === 'image/bfl/flux-1-dev')!;
    expect(flux).toMatchObject({ kind: 'image', averageSeconds: 7, deprecated: false });
    expect(flux.params.size).toEqual({ width: { min: 512, max: 2368 }, height: { min: 512, max: 2368 }, required: false });
    const veo = models.find((m) => m.id === 'video/google/veo-3.1')!;
    expect(veo.params).toMatchObject({ aspectRatios: ['16:9', '9:16'], durations: [4, 6, 8], startImage: true });
  });

  it('submits a schema-valid body and follows the job to a real PNG', async () => {
    const op = await krea.submit(req(), ctx);
    const submitted = sim.requests().find((r) => r.method === 'POST' && r.path === '/generate/image/bfl/flux-1-dev');
    expect(submitted?.body).toEqual({ prompt: 'a red fox', width: 1360, height: 768, seed: 42 });
    expect(submitted?.headers['authorization']).toBe('[redacted]');
    const states = await until(op, (s) => s.state === 'succeeded');
    expect(states.map((s) => s.state)).toContain('running');
    const done = states.at(-1)!;
    if (done.state !== 'succeeded') throw new Error('not done');
    const png = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(done.outputs[0]).toMatchObject({ source: 'provider', mimeType: 'image/png' });
  });

  it('maps start images and durations for video models', async () => {
    const op = await krea.submit(req({ modelId: 'video/google/veo-3.1', kind: 'video', width: undefined, height: undefined, seed: undefined, aspectRatio: '16:9', durationSeconds: 6, inputs: [{ role: 'start_image', url: 'https://example.com/fox.png' }] }), ctx);
    expect(sim.requests().at(-1)?.body).toEqual({ prompt: 'a red fox', aspect_ratio: '16:9', duration: 6, start_image: 'https://example.com/fox.png' });
    expect(op.providerJobId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tells out-of-balance from needs-a-higher-plan on 402, neither retryable', async () => {
    sim.control.fail('submit', 402);
    const balance = await providerError(krea.submit(req(), ctx));
    expect(balance).toMatchObject({ code: 'out_of_balance', retryable: false });
    expect(balance.userMessage).toMatch(/balance is used up.*krea\.ai\/app\/api/);
    sim.control.fail('submit', 402, { body: { message: PLAN_REQUIRED_MESSAGE } });
    expect(await providerError(krea.submit(req(), ctx))).toMatchObject({ code: 'plan_required', retryable: false });
  });

  it('names the replacement of a retired model', async () => {
    sim.control.retire('image/bfl/flux-1.1-pro', 'image/bfl/flux-1-dev');
    const err = await providerError(krea.submit(req({ modelId: 'image/bfl/flux-1.1-pro', width: 1024, height: 1024 }), ctx));
    expect(err).toMatchObject({ code: 'model_retired', replacement: 'image/bfl/flux-1-dev', retryable: false });
    expect(renderHints(err.userMessage, 'slack', allSpecs)).toBe('`image/bfl/flux-1.1-pro` was retired by Krea; use `image/bfl/flux-1-dev` instead (add `--model image/bfl/flux-1-dev`).');
  });

  it('marks 429, 5xx and dropped connections retryable; 401 final', async () => {
    sim.control.fail('submit', 429, { headers: { 'retry-after': '2' } });
    expect(await providerError(krea.submit(req(), ctx))).toMatchObject({ code: 'backlog_full', retryable: true, retryAfterMs: 2000 });
    sim.control.fail('status', 503);
    expect(await providerError(krea.status({ providerJobId: 'x', modelId: 'm', submittedAt: 0 }, ctx))).toMatchObject({ code: 'server_error', retryable: true });
    sim.control.dropConnections(1);
    expect(await providerError(krea.submit(req(), ctx))).toMatchObject({ code: 'network', retryable: true });
    sim.control.revoke('revoked-token');
    const err = await providerError(krea.submit(req(), { credentials: { apiKey: 'revoked-token' } }));
    expect(err).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(err.message + err.userMessage).not.toContain('revoked-token');
  });

  it('cancels and reads the job again', async () => {
    const op = await krea.submit(req(), ctx);
    expect(await krea.cancel!(op, ctx)).toEqual({ state: 'cancelled', providerState: 'cancelled' });
    expect(sim.requests().some((r) => r.method === 'DELETE' && r.path === `/jobs/${op.providerJobId}`)).toBe(true);
  });

  it('uploads an input as an asset and gets a URL back', async () => {
    const png = Buffer.from(await (await fetch(`${sim.url}/results/${(await krea.submit(req(), ctx)).providerJobId}/preview.png`)).arrayBuffer());
    const url = await krea.uploadInput!({ name: 'fox.png', mimeType: 'image/png', bytes: png }, ctx);
    const back = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(back.equals(png)).toBe(true);
  });

  it('logs a deprecated model once, not on every call', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }) });
    const client = createKreaProvider({ baseUrl: sim.url, logger, requestTimeoutMs: 2000 });
    sim.control.deprecate('image/bfl/flux-1-dev');
    await client.submit(req(), ctx);
    await client.submit(req(), ctx);
    await new Promise((r) => setTimeout(r, 50));
    const warnings = lines.filter((l) => l.includes('deprecated'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('image/bfl/flux-1-dev');
    expect(warnings[0]).toContain('"sunset"');
    sim.control.deprecated.clear();
  });

  it('parses webhook bodies and ignores anything else', () => {
    expect(krea.parseWebhook!({ job_id: 'j1', status: 'completed', created_at: 'x', result: { urls: [{ type: 'image', url: 'https://x.test/a.png' }] } })).toEqual({
      providerJobId: 'j1',
      status: { state: 'succeeded', providerState: 'completed', outputs: [{ url: 'https://x.test/a.png', source: 'provider', mimeType: 'image/png' }] },
    });
    expect(krea.parseWebhook!({ hello: 'world' })).toBeUndefined();
  });
});

describe('Krea input schemas', () => {
  it('a refreshed catalog that changes a model’s schema is validated by the new schema, not a stale compile', () => {
    const validator = createSchemaValidator();
    const before = { type: 'object', properties: { width: { type: 'number', maximum: 1024 } } };
    const after = { type: 'object', properties: { width: { type: 'number', maximum: 2048 } } };
    expect(validator(before)({ width: 1500 })).toBe(false);
    expect(validator(after)({ width: 1500 })).toBe(true);
    // The same schema object is compiled once.
    expect(validator(after)).toBe(validator(after));
  });
});
