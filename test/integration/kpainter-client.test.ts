/** The KPainter client against the KPainter simulator: real HTTP on loopback, both API shapes. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKPainterProvider } from '../../adapters/providers/kpainter/client.js';
import { startKPainterSimulator, type KPainterSimulator } from '../../adapters/providers/kpainter/simulator/server.js';
import type { ModelInfo } from '../../src/catalog.js';
import { ProviderError } from '../../src/errors.js';
import type { GenerationRequest, Operation, ProviderStatus } from '../../src/generation.js';
import { silentLogger } from '../../src/logger.js';
import type { GenerationProvider, ProviderSubmitRequest } from '../../src/ports.js';
import { allSpecs } from '../../commands/specs.js';
import { renderHints } from '../../src/hints.js';

const KEY = 'kgp-live-4f9a8b7c6d5e';
const CATALOG_KEY = 'kgp-server-1a2b3c4d5e6f';
const ctx = { credentials: { apiKey: KEY } };

let sim: KPainterSimulator;
/** Read by the simulator at each create: short by default, longer where progress is sampled. */
let jobMs = 300;
let kp: GenerationProvider;
const seenErrors: ProviderError[] = [];

const req = (over: Partial<ProviderSubmitRequest> = {}): ProviderSubmitRequest => ({
  provider: 'kpainter', modelId: 'image/kpainter/image', kind: 'image', prompt: 'a red fox in snow', inputs: [], params: {}, index: 0, outputs: 1, ...over,
});

async function until(op: Operation, done: (s: ProviderStatus) => boolean, provider = kp): Promise<ProviderStatus[]> {
  const seen: ProviderStatus[] = [];
  for (let i = 0; i < 200; i++) {
    const s = await provider.status(op, ctx);
    seen.push(s);
    if (done(s)) return seen;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('never finished');
}
const finished = (s: ProviderStatus) => s.state === 'succeeded' || s.state === 'failed';

async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) {
      seenErrors.push(err);
      return err;
    }
    throw err;
  }
  throw new Error('expected a ProviderError');
}

async function model(id: string): Promise<ModelInfo> {
  const client = createKPainterProvider({ baseUrl: sim.url, logger: silentLogger(), catalogKey: CATALOG_KEY });
  const found = (await client.listModels({})).find((m) => m.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
}

beforeAll(async () => {
  sim = await startKPainterSimulator({ jobDurationMs: () => jobMs, keys: [KEY, CATALOG_KEY, 'kgp-doomed-key-0000'] });
  kp = createKPainterProvider({ baseUrl: sim.url, logger: silentLogger(), requestTimeoutMs: 2000 });
});
afterEach(() => {
  sim.control.reset();
  jobMs = 300;
});
afterAll(() => sim.close());

describe('KPainter client: account', () => {
  it('validates the key with GET /me and names the account, in either API shape', async () => {
    expect(await kp.checkCredentials!(ctx)).toEqual({ account: 'Simulated Painter' });
    const me = sim.requests().at(-1)!;
    expect(me).toMatchObject({ method: 'GET', path: '/me' });
    expect(me.headers['x-kgp-api-key']).toBe('[redacted]');
    sim.control.legacyShape = true;
    expect(await kp.checkCredentials!(ctx)).toEqual({ account: 'Simulated Painter' });
  });

  it('rejects a revoked key, an unknown key and a 403 as unauthorized, never retryable', async () => {
    sim.control.revoke('kgp-doomed-key-0000');
    const revoked = await providerError(kp.checkCredentials!({ credentials: { apiKey: 'kgp-doomed-key-0000' } }));
    expect(revoked).toMatchObject({ code: 'unauthorized', retryable: false, status: 401 });
    expect(renderHints(revoked.userMessage, 'slack', allSpecs)).toBe('The KPainter key was rejected; an admin should reconnect it with `/genbot connect kpainter`.');
    expect(await providerError(kp.checkCredentials!({ credentials: { apiKey: 'kgp-never-issued-99' } }))).toMatchObject({ code: 'unauthorized' });
    sim.control.fail('me', 403);
    expect(await providerError(kp.checkCredentials!(ctx))).toMatchObject({ code: 'unauthorized', retryable: false, status: 403 });
  });

  it('reads the credits from /me, and has no balance when the older /me carries none', async () => {
    sim.control.setCredits(1234);
    expect(await kp.balance!(ctx)).toEqual({ text: 'KPainter: 1,234 credits left', remaining: 1234, unit: 'credits' });
    sim.control.legacyShape = true;
    expect(await kp.balance!(ctx)).toBeUndefined();
  });
});

describe('KPainter client: catalog', () => {
  it('maps /catalog types to image and video models with their params, and skips the rest', async () => {
    const before = sim.requests().filter((r) => r.path === '/catalog').length;
    const models = await createKPainterProvider({ baseUrl: sim.url, logger: silentLogger(), catalogKey: CATALOG_KEY }).listModels({});
    expect(models.map((m) => m.id).sort()).toEqual(['image/kpainter/image', 'video/kpainter/explainer_video', 'video/kpainter/slides_video', 'video/kpainter/vector_animation']);
    const image = models.find((m) => m.id === 'image/kpainter/image')!;
    expect(image).toMatchObject({ provider: 'kpainter', kind: 'image', name: 'Image', averageSeconds: 15, deprecated: false });
    expect(image.params).toEqual({
      prompt: { required: true, maxLength: 2000 },
      aspectRatios: ['1:1', '16:9', '9:16', '4:3', '3:4'],
      resolutions: ['standard', 'hd'],
      seed: true,
      negativePrompt: true,
      styles: false,
      imageInputs: { max: 2, required: false },
      startImage: false,
    });
    const explainer = models.find((m) => m.id === 'video/kpainter/explainer_video')!;
    expect(explainer.params).toMatchObject({ aspectRatios: ['16:9', '9:16'], durations: [15, 30, 60], seed: false, negativePrompt: false, styles: true, imageInputs: { max: 0, required: false }, startImage: false });
    expect(models.find((m) => m.id === 'video/kpainter/vector_animation')!.params).toMatchObject({ startImage: true, imageInputs: { max: 1, required: false } });
    expect(sim.requests().filter((r) => r.path === '/catalog')).toHaveLength(before + 1);
  });

  it('serves the built-in catalog without a server-wide key, asking KPainter nothing', async () => {
    const before = sim.requests().length;
    const models = await createKPainterProvider({ baseUrl: sim.url, logger: silentLogger() }).listModels({});
    expect(models.map((m) => m.id)).toEqual(['image/kpainter/image', 'video/kpainter/explainer_video', 'video/kpainter/slides_video', 'video/kpainter/vector_animation']);
    expect(models[0]!.params).toMatchObject({ seed: false, negativePrompt: false, imageInputs: { max: 0, required: false } });
    expect(sim.requests()).toHaveLength(before);
  });

  it('estimates credits from the catalog price and batches by the outputs a creation can make', async () => {
    const image = await model('image/kpainter/image');
    const explainer = await model('video/kpainter/explainer_video');
    const request = { count: 3 } as GenerationRequest;
    expect(kp.estimateCost!(request, image)).toEqual({ amount: 30, unit: 'credits' });
    expect(kp.estimateCost!(request, explainer)).toEqual({ amount: 180, unit: 'credits' });
    expect(kp.batches!(5, image)).toEqual([4, 1]);
    expect(kp.batches!(3, explainer)).toEqual([1, 1, 1]);
  });
});

describe('KPainter client: creations', () => {
  it('sends the documented fields the type takes, polls with progress to ready, and downloads a real PNG', async () => {
    jobMs = 1000;
    const op = await kp.submit(
      req({ aspectRatio: '16:9', seed: 42, negativePrompt: 'blurry', params: { resolution: 'hd' }, outputs: 2, inputs: [{ role: 'image', url: 'https://example.com/fox.png' }] }),
      ctx,
    );
    const created = sim.requests().filter((r) => r.method === 'POST' && r.path === '/creations').at(-1)!;
    expect(created.body).toEqual({ type: 'image', prompt: 'a red fox in snow', aspect_ratio: '16:9', count: 2, seed: 42, negative_prompt: 'blurry', quality: 'hd', image_urls: ['https://example.com/fox.png'] });
    expect(created.headers['x-kgp-api-key']).toBe('[redacted]');
    expect(created.headers['authorization']).toBeUndefined();
    expect(op).toMatchObject({ modelId: 'image/kpainter/image', creationId: sim.jobs().at(-1)!.creationId });
    expect(op.providerJobId).toBe(sim.jobs().at(-1)!.jobId);

    const states = await until(op, finished);
    expect(states[0]).toMatchObject({ state: 'queued', providerState: 'queued', position: 1 });
    const percents = states.flatMap((s) => (s.state === 'running' ? [s.percent] : []));
    // The provider's own figures: rising from 15 (the end of the queue) towards 100.
    expect(new Set(percents).size).toBeGreaterThan(2);
    expect(percents).toEqual([...percents].sort((a, b) => a! - b!));
    expect(Math.min(...percents.map(Number))).toBeGreaterThanOrEqual(15);
    expect(Math.max(...percents.map(Number))).toBeLessThan(100);
    expect(states.find((s) => s.state === 'running')).toMatchObject({ etaSeconds: 1 });
    const done = states.at(-1)!;
    if (done.state !== 'succeeded') throw new Error(`ended ${done.state}`);
    // Two results; the thumbnail artifact is left out.
    expect(done.outputs).toHaveLength(2);
    expect(done.outputs.every((o) => o.source === 'provider' && o.mimeType === 'image/png')).toBe(true);
    expect(done.cost).toEqual({ amount: 20, unit: 'credits' });
    const png = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('leaves out what a video type does not take, adds the language, and delivers only the MP4', async () => {
    const op = await kp.submit(req({ modelId: 'video/kpainter/explainer_video', kind: 'video', aspectRatio: '9:16', durationSeconds: 30, seed: 5, negativePrompt: 'text', styleId: 'chalkboard' }), ctx);
    expect(sim.requests().at(-1)?.body).toEqual({ type: 'explainer_video', prompt: 'a red fox in snow', aspect_ratio: '9:16', duration_seconds: 30, style_id: 'chalkboard', language: 'en' });
    const done = (await until(op, finished)).at(-1)!;
    if (done.state !== 'succeeded') throw new Error(`ended ${done.state}`);
    expect(done.outputs.map((o) => o.mimeType)).toEqual(['video/mp4']);
    const mp4 = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    expect(mp4.subarray(4, 8).toString('ascii')).toBe('ftyp');
  });

  it('follows the older shape too: numeric creation ids, no progress fields', async () => {
    sim.control.legacyShape = true;
    const op = await kp.submit(req(), ctx);
    expect(op['creationId']).toBe(sim.jobs().at(-1)!.creationId);
    const states = await until(op, finished);
    expect(states.filter((s) => s.state === 'running').every((s) => s.state === 'running' && s.percent === undefined && s.etaSeconds === undefined)).toBe(true);
    expect(states.at(-1)).toMatchObject({ state: 'succeeded', outputs: [{ mimeType: 'image/png' }] });
  });

  it('maps creations that end failed or invalid to a failed status, not billed, with the reason', async () => {
    sim.control.failJobs(1, { as: 'failed', reason: 'GPU node lost' });
    const failed = (await until(await kp.submit(req(), ctx), finished)).at(-1);
    expect(failed).toEqual({ state: 'failed', providerState: 'failed', reason: 'KPainter could not finish this job: GPU node lost', retryable: false, billed: false });
    sim.control.failJobs(1, { as: 'invalid', reason: 'prompt violates the content policy' });
    const invalid = (await until(await kp.submit(req(), ctx), finished)).at(-1);
    expect(invalid).toEqual({ state: 'failed', providerState: 'invalid', reason: 'KPainter declined this prompt under its content policy. Try rewording it.', retryable: false, billed: false });
    sim.control.legacyShape = true;
    sim.control.failJobs(1, { as: 'invalid', reason: 'scene_count out of range' });
    const legacy = (await until(await kp.submit(req(), ctx), finished)).at(-1);
    expect(legacy).toMatchObject({ state: 'failed', reason: 'KPainter rejected this request as invalid: scene_count out of range', billed: false });
  });

  it('has no cancel: the capability is off, the method absent, and KPainter has no DELETE', async () => {
    expect(kp.capabilities).toEqual({ cancel: false, progress: true, balance: true, reconcile: false, webhooks: false });
    expect(kp.cancel).toBeUndefined();
    expect(kp.parseWebhook).toBeUndefined();
    const op = await kp.submit(req(), ctx);
    const res = await fetch(`${sim.url}/creations/jobs/${op.providerJobId}`, { method: 'DELETE', headers: { 'x-kgp-api-key': KEY } });
    expect(res.status).toBe(405);
  });
});

describe('KPainter client: errors', () => {
  it('maps 402 and an insufficient-credits detail to out_of_balance with a pointer to the site', async () => {
    sim.control.setCredits(0);
    const broke = await providerError(kp.submit(req(), ctx));
    expect(broke).toMatchObject({ code: 'out_of_balance', retryable: false, status: 402 });
    expect(broke.userMessage).toContain('(https://kpainter.ai)');
    sim.control.reset();
    sim.control.fail('create', 400, { body: { detail: 'Insufficient credits for this creation' } });
    expect(await providerError(kp.submit(req(), ctx))).toMatchObject({ code: 'out_of_balance', retryable: false, status: 400 });
  });

  it('maps a 422 validation list to bad_request naming the field, and a 404 to not_found', async () => {
    const invalid = await providerError(kp.submit(req({ aspectRatio: '21:9' }), ctx));
    expect(invalid).toMatchObject({ code: 'bad_request', retryable: false, status: 422 });
    expect(invalid.userMessage).toBe('KPainter refused these settings: aspect_ratio: unsupported aspect ratio 21:9');
    const missing = await providerError(kp.status({ providerJobId: 'no-such-job', modelId: 'image/kpainter/image', submittedAt: 0 }, ctx));
    expect(missing).toMatchObject({ code: 'not_found', retryable: false, status: 404 });
    expect(await providerError(kp.submit(req({ modelId: 'image/kpainter/nope' }), ctx))).toMatchObject({ code: 'not_found', userMessage: expect.stringContaining('image/kpainter/nope') });
  });

  it('retries 429 (honouring Retry-After), 5xx, malformed JSON, dropped connections and timeouts', async () => {
    sim.control.fail('create', 429, { headers: { 'retry-after': '3' } });
    expect(await providerError(kp.submit(req(), ctx))).toMatchObject({ code: 'backlog_full', retryable: true, retryAfterMs: 3000 });
    sim.control.fail('job', 503);
    expect(await providerError(kp.status({ providerJobId: 'x', modelId: 'image/kpainter/image', submittedAt: 0 }, ctx))).toMatchObject({ code: 'server_error', retryable: true, status: 503 });
    sim.control.malformed('create');
    expect(await providerError(kp.submit(req(), ctx))).toMatchObject({ code: 'bad_response', retryable: true });
    sim.control.fail('me', 500, { raw: '<html>502 Bad Gateway</html>' });
    expect(await providerError(kp.checkCredentials!(ctx))).toMatchObject({ code: 'server_error', retryable: true });
    sim.control.dropConnections(1);
    expect(await providerError(kp.submit(req(), ctx))).toMatchObject({ code: 'network', retryable: true });
    const impatient = createKPainterProvider({ baseUrl: sim.url, logger: silentLogger(), requestTimeoutMs: 100 });
    sim.control.setLatency(400);
    expect(await providerError(impatient.checkCredentials!(ctx))).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('never lets the key reach a recorded request or an error, even when KPainter echoes it', async () => {
    sim.control.fail('create', 422, { body: { detail: `key ${KEY} may not create images` } });
    const echoed = await providerError(kp.submit(req(), ctx));
    expect(echoed.message).toContain('[redacted]');
    const recorded = JSON.stringify(sim.requests());
    expect(recorded.length).toBeGreaterThan(1000);
    for (const secret of [KEY, CATALOG_KEY, 'kgp-doomed-key-0000']) expect(recorded).not.toContain(secret);
    expect(seenErrors.length).toBeGreaterThan(10);
    for (const err of seenErrors) for (const text of [err.message, err.userMessage]) expect(text).not.toContain(KEY);
  });
});
