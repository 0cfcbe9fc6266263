/** The Krev client against the Krev simulator: real HTTP on loopback, the documented shapes. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKrevProvider, type KrevChatHandle, type KrevProvider } from '../../adapters/providers/krev/client.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { startKrevSimulator, type KrevSimulator, type RecordedRequest } from '../../adapters/providers/krev/simulator/server.js';
import { ProviderError } from '../../src/errors.js';
import type { GenerationRequest, Operation, ProviderStatus } from '../../src/generation.js';
import { silentLogger } from '../../src/logger.js';
import type { ProviderSubmitRequest } from '../../src/ports.js';

const KEY = 'sk_live_TestKey123abc';
const ctx = { credentials: { apiKey: KEY } };
let sim: KrevSimulator;
let krev: KrevProvider;
let productA: string;
let productB: string;

const req = (over: Partial<ProviderSubmitRequest> = {}): ProviderSubmitRequest => ({
  provider: 'krev', modelId: 'image/krev/studio', kind: 'image', prompt: 'a leather wallet on marble', inputs: [], params: {}, index: 0, outputs: 1, ...over,
});

async function until(read: () => Promise<ProviderStatus>, done: (s: ProviderStatus) => boolean): Promise<ProviderStatus[]> {
  const seen: ProviderStatus[] = [];
  for (let i = 0; i < 300; i++) {
    const s = await read();
    seen.push(s);
    if (done(s)) return seen;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`never finished; last: ${JSON.stringify(seen.at(-1))}`);
}
const finished = (s: ProviderStatus) => s.state === 'succeeded' || s.state === 'failed' || s.state === 'cancelled';
const follow = (op: Operation) => until(() => krev.status(op, ctx), finished);

function succeeded(s: ProviderStatus | undefined): Extract<ProviderStatus, { state: 'succeeded' }> {
  if (s?.state !== 'succeeded') throw new Error(`expected succeeded, got ${JSON.stringify(s)}`);
  return s;
}

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}
const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isMp4 = (b: Buffer) => b.subarray(4, 8).toString('latin1') === 'ftyp';

async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

const lastRequest = (method: string, path: string): RecordedRequest | undefined => sim.requests().filter((r) => r.method === method && r.path === path).at(-1);

beforeAll(async () => {
  sim = await startKrevSimulator({ jobDurationMs: 400 });
  krev = createKrevProvider({ baseUrl: sim.url, logger: silentLogger(), requestTimeoutMs: 2000 });
  const png = renderPng(64, 64, 'wallet');
  productA = (await krev.createProduct(ctx, { file: { name: 'wallet.png', mimeType: 'image/png', bytes: png }, name: 'Leather Wallet' })).id;
  productB = (await krev.createProduct(ctx, { imageUrl: 'https://example.com/bag.png', name: 'Crossbody Bag' })).id;
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

describe('Krev client: catalog and pricing', () => {
  it('lists the fixed models (three endpoints and the agent) with their documented params', async () => {
    const models = await krev.listModels({});
    expect(models.map((m) => m.id)).toEqual(['image/krev/studio', 'video/krev/studio', 'image/krev/ad', 'chat/krev/agent']);
    const [image, video, ad] = models;
    expect(image).toMatchObject({ provider: 'krev', kind: 'image', params: { aspectRatios: ['1:1', '16:9', '9:16', '4:3', '3:4'], resolutions: ['standard', 'hd'], imageInputs: { max: 4 }, seed: false, negativePrompt: false } });
    expect(video).toMatchObject({ kind: 'video', params: { durations: { min: 4, max: 15 }, startImage: true } });
    expect(ad).toMatchObject({ kind: 'image', params: { prompt: { required: true }, aspectRatios: ['1:1', '4:5', '9:16'] } });
    expect(krev.capabilities).toEqual({ cancel: false, progress: true, balance: true, reconcile: false, webhooks: false });
  });

  it('splits counts into image_count values and prices requests in credits', async () => {
    const [image, video, ad] = await krev.listModels({});
    expect([1, 2, 3, 4].map((n) => krev.batches(n, image!))).toEqual([[1], [2], [2, 1], [4]]);
    expect(krev.batches(3, ad!)).toEqual([2, 1]);
    expect(krev.batches(3, video!)).toEqual([1, 1, 1]);
    const base: GenerationRequest = { provider: 'krev', modelId: 'image/krev/studio', kind: 'image', prompt: 'x', count: 2, inputs: [], params: {} };
    expect(krev.estimateCost(base, image!)).toEqual({ amount: 80, unit: 'credits' });
    expect(krev.estimateCost({ ...base, params: { resolution: 'hd' } }, image!)).toEqual({ amount: 160, unit: 'credits' });
    expect(krev.estimateCost({ ...base, modelId: 'image/krev/ad' }, ad!)).toEqual({ amount: 80, unit: 'credits' });
    expect(krev.estimateCost({ ...base, modelId: 'video/krev/studio', kind: 'video', count: 1, durationSeconds: 10 }, video!)).toEqual({ amount: 800, unit: 'credits' });
    expect(krev.estimateCost({ ...base, modelId: 'video/krev/studio', kind: 'video', count: 1 }, video!)).toEqual({ amount: 400, unit: 'credits' });
  });
});

describe('Krev client: generations', () => {
  it('sends exactly the documented image fields, reports progress and delivers real PNGs with their cost', async () => {
    const op = await krev.submit(req({ aspectRatio: '16:9', outputs: 2, params: { resolution: 'hd', product_ids: [productA, productB], preset_id: 'flat_lay' }, inputs: [{ role: 'image', url: 'https://example.com/ref.png' }] }), ctx);
    const sent = lastRequest('POST', '/images');
    expect(sent?.body).toEqual({ prompt: 'a leather wallet on marble', aspect_ratio: '16:9', product_ids: [productA, productB], preset_id: 'flat_lay', hd: true, image_count: 2, reference_images: ['https://example.com/ref.png'] });
    expect(sent?.headers['content-type']).toBe('application/json');
    const states = await follow(op);
    const percents = states.flatMap((s) => (s.state === 'running' && s.percent !== undefined ? [s.percent] : []));
    expect(new Set(percents).size).toBeGreaterThanOrEqual(2);
    expect(percents.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p >= percents[i - 1]!))).toBe(true);
    expect(states[0]?.state).toMatch(/queued|running/);
    const done = succeeded(states.at(-1));
    expect(done.cost).toEqual({ amount: 160, unit: 'credits' });
    expect(done.outputs).toHaveLength(2);
    expect(done.outputs[0]).toMatchObject({ source: 'provider', mimeType: 'image/png' });
    for (const out of done.outputs) expect(isPng(await download(out.url))).toBe(true);
  });

  it('sends one product as product_id and leaves undocumented or absent options out', async () => {
    await krev.submit(req({ seed: 42, params: { product_ids: [productA], resolution: 'standard' } }), ctx);
    expect(lastRequest('POST', '/images')?.body).toEqual({ prompt: 'a leather wallet on marble', product_id: productA, image_count: 1 });
  });

  it('maps a video with a start image, duration and audio mode, and delivers a real MP4', async () => {
    const op = await krev.submit(req({ modelId: 'video/krev/studio', kind: 'video', aspectRatio: '9:16', durationSeconds: 6, params: { audio_mode: 'off', product_ids: [productA] }, inputs: [{ role: 'start_image', url: 'https://example.com/wallet.png' }] }), ctx);
    expect(lastRequest('POST', '/videos')?.body).toEqual({ prompt: 'a leather wallet on marble', aspect_ratio: '9:16', duration: 6, audio_mode: 'off', product_id: productA, source_image: 'https://example.com/wallet.png' });
    const done = succeeded((await follow(op)).at(-1));
    expect(done.cost).toEqual({ amount: 480, unit: 'credits' });
    expect(done.outputs).toHaveLength(1);
    expect(done.outputs[0]).toMatchObject({ mimeType: 'video/mp4' });
    expect(isMp4(await download(done.outputs[0]!.url))).toBe(true);
  });

  it('sends an ad to /ads and returns its images with the copy as text', async () => {
    const op = await krev.submit(req({ modelId: 'image/krev/ad', prompt: 'Direct response ad for a wallet', aspectRatio: '9:16', outputs: 2, styleId: 'bold', params: { product_ids: [productA] } }), ctx);
    expect(lastRequest('POST', '/ads')?.body).toEqual({ brief: 'Direct response ad for a wallet', product_ids: [productA], aspect_ratio: '9:16', image_count: 2, style_id: 'bold' });
    const done = succeeded((await follow(op)).at(-1));
    expect(done.outputs).toHaveLength(2);
    for (const out of done.outputs) expect(isPng(await download(out.url))).toBe(true);
    expect(done.text).toBe('**Meet Direct response ad for a wallet**\n_Built for long days_\nMade for people who want more from Direct response ad for a wallet.\n**Shop now** →\nStyle: Style bold');
    expect(done.cost).toEqual({ amount: 80, unit: 'credits' });
  });

  it('handles synchronous answers: media and ad copy from the submit answer, no polling call', async () => {
    sim.control.setSyncResults(true);
    const op = await krev.submit(req({ modelId: 'image/krev/ad', prompt: 'Summer sale', params: { product_ids: [productB] } }), ctx);
    const before = sim.requests().length;
    const done = succeeded(await krev.status(op, ctx));
    expect(sim.requests().length).toBe(before);
    expect(done.outputs).toHaveLength(1);
    expect(isPng(await download(done.outputs[0]!.url))).toBe(true);
    expect(done.text).toContain('**Meet Summer sale**');
    expect(done.cost).toEqual({ amount: 40, unit: 'credits' });
    // The Operation is JSON-safe: it survives a trip through Redis.
    expect(succeeded(await krev.status(JSON.parse(JSON.stringify(op)) as Operation, ctx)).outputs).toEqual(done.outputs);
  });

  it('reports a failed generation as not billed, and Krev gives the credits back', async () => {
    const start = sim.credits();
    sim.control.failGenerations(1, 'Upstream model error');
    const op = await krev.submit(req(), ctx);
    expect(sim.credits()).toBe(start - 40);
    const done = (await follow(op)).at(-1);
    expect(done).toMatchObject({ state: 'failed', billed: false, retryable: false });
    expect(done?.state === 'failed' && done.reason).toMatch(/Upstream model error.*refunds the credits/);
    expect(sim.credits()).toBe(start);
  });

  it('refuses requests Krev cannot take before sending anything', async () => {
    const before = sim.requests().length;
    expect(await providerError(krev.submit(req({ modelId: 'image/krev/ad', params: {} }), ctx))).toMatchObject({ code: 'bad_request', retryable: false });
    expect(await providerError(krev.submit(req({ outputs: 3 }), ctx))).toMatchObject({ code: 'bad_request' });
    expect(await providerError(krev.submit(req({ modelId: 'video/krev/studio', kind: 'video', durationSeconds: 20 }), ctx))).toMatchObject({ code: 'bad_request' });
    expect(await providerError(krev.submit(req({ params: { audio_mode: 'loud' } }), ctx))).toMatchObject({ code: 'bad_request' });
    expect(sim.requests().length).toBe(before);
  });
});

describe('Krev client: products, chat, credits', () => {
  it('creates a product from an uploaded file (multipart) and lists it', async () => {
    const png = renderPng(48, 32, 'mug');
    const product = await krev.createProduct(ctx, { file: { name: 'mug.png', mimeType: 'image/png', bytes: png }, name: 'Fox Mug' });
    const sent = lastRequest('POST', '/products');
    expect(sent?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent?.body).toEqual({ fields: { name: 'Fox Mug' }, files: [{ field: 'file', filename: 'mug.png', type: 'image/png', size: png.length }] });
    expect(product).toMatchObject({ name: 'Fox Mug' });
    expect((await download(product.imageUrl!)).equals(png)).toBe(true);
    const listed = await krev.listProducts(ctx, { limit: 10 });
    expect(lastRequest('GET', '/products')?.query).toEqual({ limit: '10' });
    expect(listed.map((p) => p.id)).toContain(product.id);
    await krev.submit(req({ params: { product_ids: [product.id] } }), ctx);
    expect(lastRequest('POST', '/images')?.body).toMatchObject({ product_id: product.id });
  });

  it('creates a product from a URL with JSON and refuses file types Krev does not take', async () => {
    await krev.createProduct(ctx, { imageUrl: 'https://example.com/shoe.jpg', name: 'Shoe', skipSegmentation: true });
    expect(lastRequest('POST', '/products')?.body).toEqual({ image_url: 'https://example.com/shoe.jpg', name: 'Shoe', skip_segmentation: true });
    expect(await providerError(krev.createProduct(ctx, { file: { name: 'a.gif', mimeType: 'image/gif', bytes: new Uint8Array(20) } }))).toMatchObject({ code: 'bad_request' });
  });

  it('starts a chat run and polls it to completion with artifacts and the assistant text', async () => {
    const handle = await krev.startChat(ctx, { message: 'Make an ad concept for this wallet', productIds: [productA], agent: 'asset' });
    expect(lastRequest('POST', '/chat')?.body).toEqual({ message: 'Make an ad concept for this wallet', product_ids: [productA], agent: 'asset' });
    expect(handle.pollUrl).toBe(`${sim.url}/chat/runs/${handle.runId}`);
    expect(JSON.parse(JSON.stringify(handle))).toEqual(handle);
    const states = await until(() => krev.chatStatus(handle, ctx), finished);
    expect(states.some((s) => s.state === 'running')).toBe(true);
    const done = succeeded(states.at(-1));
    expect(done.text).toMatch(/^Here is an image concept for “Make an ad concept/);
    expect(done.outputs).toHaveLength(1);
    expect(isPng(await download(done.outputs[0]!.url))).toBe(true);
  });

  it('never sends the key to a poll URL on another host', async () => {
    const handle = await krev.startChat(ctx, { message: 'A lifestyle shot' });
    const foreign: KrevChatHandle = { ...handle, pollUrl: 'http://collector.invalid/steal' };
    await krev.chatStatus(foreign, ctx);
    expect(lastRequest('GET', `/chat/runs/${handle.runId}`)).toBeDefined();
  });

  it('reads credits, names the plan, and sees them go down by what a generation used', async () => {
    sim.setCredits(1840);
    const next = new Date();
    const resets = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1));
    const month = resets.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    expect(await krev.balance(ctx)).toEqual({ text: `Krev: 1,840 of 2,500 credits left (Pro plan), resets 1 ${month}`, remaining: 1840, unit: 'credits' });
    expect(await krev.checkCredentials(ctx)).toEqual({ account: 'Pro' });
    await krev.submit(req({ params: { resolution: 'hd' } }), ctx);
    expect((await krev.balance(ctx))?.remaining).toBe(1760);
  });
});

describe('Krev client: errors', () => {
  it('maps 401 to unauthorized without the key in any message', async () => {
    sim.control.revoke('sk_live_Revoked999');
    const err = await providerError(krev.submit(req(), { credentials: { apiKey: 'sk_live_Revoked999' } }));
    expect(err).toMatchObject({ code: 'unauthorized', retryable: false, status: 401 });
    expect(err.userMessage).toContain('reconnect the Krev key');
    expect(err.message + err.userMessage).not.toContain('Revoked999');
  });

  it('maps 402 to out_of_balance: final, nothing charged', async () => {
    sim.control.setBalanceEmpty(true);
    const err = await providerError(krev.submit(req(), ctx));
    expect(err).toMatchObject({ code: 'out_of_balance', retryable: false, status: 402 });
    expect(err.userMessage).toMatch(/Krev credits are used up; nothing was charged/);
    expect((await krev.balance(ctx))?.remaining).toBe(0);
  });

  it('maps 429 to a retryable backlog_full that honours Retry-After (scripted over HTTP)', async () => {
    const res = await fetch(`${sim.origin}/__sim/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'images', status: 429, headers: { 'retry-after': '3' } }) });
    expect(res.status).toBe(200);
    expect(await providerError(krev.submit(req(), ctx))).toMatchObject({ code: 'backlog_full', retryable: true, retryAfterMs: 3000, status: 429 });
  });

  it('maps 500/503 to retryable server errors, 404 and 400 to final ones', async () => {
    sim.control.fail('generations', 500);
    expect(await providerError(krev.status({ providerJobId: 'x', modelId: 'image/krev/studio', submittedAt: 0 }, ctx))).toMatchObject({ code: 'server_error', retryable: true });
    sim.control.fail('credits', 503);
    expect(await providerError(krev.balance(ctx))).toMatchObject({ code: 'server_error', retryable: true, status: 503 });
    expect(await providerError(krev.status({ providerJobId: 'no-such-id', modelId: 'image/krev/studio', submittedAt: 0 }, ctx))).toMatchObject({ code: 'not_found', retryable: false });
    expect(await providerError(krev.submit(req({ params: { product_ids: ['not-a-product'] } }), ctx))).toMatchObject({ code: 'not_found', retryable: false });
    sim.control.fail('images', 400, { body: { success: false, error: 'prompt is required' } });
    const bad = await providerError(krev.submit(req(), ctx));
    expect(bad).toMatchObject({ code: 'bad_request', retryable: false });
    expect(bad.userMessage).toBe('Krev rejected the request: prompt is required');
  });

  it('treats malformed JSON, success:false with 200 and unexpected shapes as retryable bad responses', async () => {
    sim.control.fail('images', 200, { raw: '{"success": tru' });
    expect(await providerError(krev.submit(req(), ctx))).toMatchObject({ code: 'bad_response', retryable: true });
    sim.control.fail('images', 200, { body: { success: false, error: 'temporary glitch' } });
    expect(await providerError(krev.submit(req(), ctx))).toMatchObject({ code: 'bad_response', retryable: true });
    sim.control.fail('generations', 200, { body: { success: true, data: { id: 'x', status: 'exploded' } } });
    expect(await providerError(krev.status({ providerJobId: 'x', modelId: 'image/krev/studio', submittedAt: 0 }, ctx))).toMatchObject({ code: 'bad_response', retryable: true });
  });

  it('maps dropped connections and timeouts to retryable network errors', async () => {
    sim.control.dropConnections(1);
    expect(await providerError(krev.submit(req(), ctx))).toMatchObject({ code: 'network', retryable: true });
    const impatient = createKrevProvider({ baseUrl: sim.url, logger: silentLogger(), requestTimeoutMs: 100 });
    sim.control.setLatency(400);
    expect(await providerError(impatient.balance(ctx))).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('never lets the key reach recorded requests or error messages, even when Krev echoes it', async () => {
    sim.control.fail('images', 400, { body: { success: false, error: `bad header Authorization: Bearer ${KEY}` } });
    const err = await providerError(krev.submit(req(), ctx));
    expect(err.message + err.userMessage).not.toContain(KEY);
    expect(err.message).toContain('[redacted]');
    const recorded = sim.requests();
    expect(recorded.length).toBeGreaterThan(10);
    expect(recorded.every((r) => r.headers['authorization'] === '[redacted]')).toBe(true);
    expect(JSON.stringify(recorded)).not.toContain(KEY);
  });
});
