/** The Krea simulator, exercised over real HTTP the way a Krea client would use Krea. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaValidator } from '../../adapters/providers/krea/openapi.js';
import { OUT_OF_BALANCE_MESSAGE, PLAN_REQUIRED_MESSAGE } from '../../adapters/providers/krea/simulator/control.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';

const FLUX = 'image/bfl/flux-1-dev';
const KLING = 'video/kling/kling-1';
const TOKEN = 'sim-secret-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a JSON document of unknown shape
type Json = Record<string, any>;

const doc = JSON.parse(readFileSync(new URL('../fixtures/krea-openapi.json', import.meta.url), 'utf8')) as Json;
const validator = createSchemaValidator();
const documented = (path: string, method: string) => validator(doc['paths'][path][method]['responses']['200']['content']['application/json']['schema']);

async function call(sim: KreaSimulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

const submit = (sim: KreaSimulator, body: Json = { prompt: 'a red fox', width: 1024, height: 512 }, model = FLUX, headers: Record<string, string> = {}) =>
  call(sim, 'POST', `/generate/${model}`, body, headers);

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 15));
  }
}

const bytesOf = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

/** Top-level MP4 boxes as [type, size]; throws if the sizes do not add up to the file. */
function mp4Boxes(b: Buffer): Array<[string, number]> {
  const boxes: Array<[string, number]> = [];
  for (let i = 0; i < b.length; ) {
    const size = b.readUInt32BE(i);
    if (size < 8 || i + size > b.length) throw new Error(`bad box at ${i}`);
    boxes.push([b.subarray(i + 4, i + 8).toString('latin1'), size]);
    i += size;
  }
  return boxes;
}

let sim: KreaSimulator;
beforeAll(async () => {
  sim = await startKreaSimulator({ jobDurationMs: 400 });
});
afterEach(() => sim.control.reset());
afterAll(() => sim.close());

describe('authentication', () => {
  it('serves the OpenAPI document without a token, refuses everything else without one', async () => {
    const openapi = await fetch(`${sim.url}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as Json)['paths']['/generate/image/bfl/flux-1-dev']).toBeDefined();
    for (const [method, path] of [['POST', `/generate/${FLUX}`], ['GET', '/jobs'], ['GET', '/jobs/x'], ['POST', '/assets']] as const) {
      const res = await fetch(`${sim.url}${path}`, { method });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: expect.any(String) });
    }
  });

  it('accepts only the configured tokens, and a token revoked at runtime stops working', async () => {
    const strict = await startKreaSimulator({ tokens: ['good-token', 'other-token'] });
    try {
      const get = (token: string) => fetch(`${strict.url}/jobs`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      expect(await get('good-token')).toBe(200);
      expect(await get('unknown')).toBe(401);
      strict.control.revoke('good-token');
      expect(await get('good-token')).toBe(401);
      await fetch(`${strict.url}/__sim/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'other-token' }) });
      expect(await get('other-token')).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it('records requests with the Authorization header redacted', async () => {
    await submit(sim, { prompt: 'recorded' });
    const rec = sim.requests().find((r) => r.method === 'POST' && (r.body as Json | undefined)?.['prompt'] === 'recorded');
    expect(rec).toMatchObject({ path: `/generate/${FLUX}`, headers: { authorization: '[redacted]' } });
    expect(JSON.stringify(sim.requests())).not.toContain(TOKEN);
  });
});

describe('jobs', () => {
  it('answers a submit with the documented pending job, then walks the states to a real PNG of the requested shape', async () => {
    // Its own simulator, slow enough that polls every 15 ms see each state even on a busy machine.
    const slow = await startKreaSimulator({ jobDurationMs: 2500 });
    try {
      await walksTheStates(slow);
    } finally {
      await slow.close();
    }
  });

  async function walksTheStates(sim: KreaSimulator): Promise<void> {
    const submitted = await submit(sim);
    expect(submitted.status).toBe(200);
    expect(documented(`/generate/${FLUX}`, 'post')(submitted.body)).toBe(true);
    expect(submitted.body).toMatchObject({ status: 'queued', completed_at: null, result: null });
    expect(submitted.body['job_id']).toMatch(/^[0-9a-f-]{36}$/);

    const order = ['queued', 'scheduled', 'processing', 'sampling', 'intermediate-complete', 'completed'];
    const seen: string[] = [];
    let preview: string | undefined;
    const undocumented: Json[] = [];
    const final = await until(
      () => call(sim, 'GET', `/jobs/${submitted.body['job_id']}`),
      (r) => {
        if (!documented('/jobs/{id}', 'get')(r.body)) undocumented.push(r.body);
        if (seen.at(-1) !== r.body['status']) seen.push(r.body['status']);
        if (r.body['status'] === 'intermediate-complete') preview = r.body['result']['urls'][0];
        return r.body['status'] === 'completed';
      },
    );
    expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort((a, b) => a - b));
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(undocumented).toEqual([]);
    expect(final.body['completed_at']).toEqual(expect.any(String));

    const png = await bytesOf(final.body['result']['urls'][0]);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    // The size the request asked for (what the bot's status card announces).
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 512]);
    if (preview) expect((await bytesOf(preview)).subarray(1, 4).toString('latin1')).toBe('PNG');
  }

  it('makes different pictures for different prompts', async () => {
    const a = await submit(sim, { prompt: 'sunset', seed: 1 });
    const b = await submit(sim, { prompt: 'forest', seed: 1 });
    await new Promise((r) => setTimeout(r, 450));
    const [pa, pb] = await Promise.all([bytesOf(`${sim.url}/results/${a.body['job_id']}/0.png`), bytesOf(`${sim.url}/results/${b.body['job_id']}/0.png`)]);
    expect(pa.equals(pb)).toBe(false);
  });

  it('finishes a video job with a real MP4', async () => {
    const job = await submit(sim, { prompt: 'waves', aspect_ratio: '16:9' }, KLING);
    expect(job.status).toBe(200);
    const done = await until(() => call(sim, 'GET', `/jobs/${job.body['job_id']}`), (r) => r.body['status'] === 'completed');
    const url: string = done.body['result']['urls'][0];
    expect(url).toMatch(/\.mp4$/);
    const mp4 = await bytesOf(url);
    expect(mp4Boxes(mp4)[0]![0]).toBe('ftyp');
    expect(mp4Boxes(mp4).map(([t]) => t)).toContain('moov');
  });

  it('pads videos with a free box so they stay valid MP4s yet exceed a size limit', async () => {
    const big = await startKreaSimulator({ jobDurationMs: 300, videoPadBytes: 11 * 1024 * 1024 });
    try {
      const job = await submit(big, { prompt: 'big' }, KLING);
      const done = await until(() => call(big, 'GET', `/jobs/${job.body['job_id']}`), (r) => r.body['status'] === 'completed');
      const mp4 = await bytesOf(done.body['result']['urls'][0]);
      expect(mp4.length).toBeGreaterThan(10 * 1024 * 1024);
      const boxes = mp4Boxes(mp4);
      expect(boxes[0]![0]).toBe('ftyp');
      expect(boxes.at(-1)).toEqual(['free', 11 * 1024 * 1024]);
    } finally {
      await big.close();
    }
  });

  it('rejects an unknown body key naming it, a missing prompt, and an unknown model', async () => {
    const unknownKey = await submit(sim, { prompt: 'x', colour: 'blue' });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body['error']).toContain('colour');
    expect((await submit(sim, { width: 1024 })).status).toBe(400);
    const unknownModel = await submit(sim, { prompt: 'x' }, 'image/nobody/nothing');
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.body['error']).toEqual(expect.any(String));
    expect(sim.jobs().some((j) => j.body['colour'] !== undefined)).toBe(false);
  });

  it('cancels a running job, leaves a finished one alone, and 404s an unknown one', async () => {
    const job = await submit(sim);
    const cancel = await call(sim, 'DELETE', `/jobs/${job.body['job_id']}`);
    expect(cancel.status).toBe(200);
    const read = await call(sim, 'GET', `/jobs/${job.body['job_id']}`);
    expect(read.body).toMatchObject({ status: 'cancelled', completed_at: expect.any(String) });
    expect(read.body['result']).toBeUndefined();
    await new Promise((r) => setTimeout(r, 450));
    expect((await call(sim, 'GET', `/jobs/${job.body['job_id']}`)).body['status']).toBe('cancelled');

    const other = await submit(sim);
    await until(() => call(sim, 'GET', `/jobs/${other.body['job_id']}`), (r) => r.body['status'] === 'completed');
    await call(sim, 'DELETE', `/jobs/${other.body['job_id']}`);
    expect((await call(sim, 'GET', `/jobs/${other.body['job_id']}`)).body['status']).toBe('completed');

    expect((await call(sim, 'DELETE', '/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call(sim, 'GET', '/jobs/00000000-0000-4000-8000-000000000000')).body).toEqual({ error: expect.any(String) });
  });

  it('lists jobs newest first, pages with a time cursor, filters by status', async () => {
    const fresh = await startKreaSimulator({ jobDurationMs: 5000 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push((await submit(fresh, { prompt: `p${i}` })).body['job_id']);
        await new Promise((r) => setTimeout(r, 5));
      }
      await call(fresh, 'DELETE', `/jobs/${ids[0]}`);
      const page1 = await call(fresh, 'GET', '/jobs?limit=2');
      expect(documented('/jobs', 'get')(page1.body)).toBe(true);
      expect(page1.body['items'].map((j: Json) => j['job_id'])).toEqual([ids[2], ids[1]]);
      const page2 = await call(fresh, 'GET', `/jobs?limit=2&cursor=${encodeURIComponent(page1.body['next_cursor'])}`);
      expect(page2.body).toMatchObject({ items: [{ job_id: ids[0] }], next_cursor: null });
      expect((await call(fresh, 'GET', '/jobs?status=cancelled')).body['items'].map((j: Json) => j['job_id'])).toEqual([ids[0]]);
      expect((await call(fresh, 'GET', '/jobs?limit=0')).status).toBe(400);
      expect((await call(fresh, 'GET', '/jobs?status=done')).status).toBe(400);
    } finally {
      await fresh.close();
    }
  });

  it('keeps jobs over the concurrency limit backlogged until a slot frees', async () => {
    const limited = await startKreaSimulator({ jobDurationMs: 300, concurrency: 1 });
    try {
      const first = await submit(limited);
      const second = await submit(limited);
      expect(first.body['status']).toBe('queued');
      expect(second.body['status']).toBe('backlogged');
      const firstDone = await until(() => call(limited, 'GET', `/jobs/${first.body['job_id']}`), (r) => r.body['status'] === 'completed');
      expect(firstDone.body['status']).toBe('completed');
      const secondDone = await until(() => call(limited, 'GET', `/jobs/${second.body['job_id']}`), (r) => r.body['status'] === 'completed');
      expect(secondDone.body['status']).toBe('completed');
    } finally {
      await limited.close();
    }
  });
});

describe('failure controls', () => {
  it('fails the next N requests on a route with the given status and body, then recovers', async () => {
    const cases: Array<[number, Json | undefined, Json]> = [
      [400, undefined, { error: expect.any(String) }],
      [401, undefined, { error: 'Unauthorized' }],
      [402, undefined, { error: OUT_OF_BALANCE_MESSAGE }],
      [402, { message: PLAN_REQUIRED_MESSAGE }, { message: PLAN_REQUIRED_MESSAGE }],
      [404, undefined, { error: expect.any(String) }],
      [422, undefined, { error: 'Invalid asset URL' }],
      [429, undefined, { error: expect.stringMatching(/backlog/i) }],
      [500, undefined, { error: expect.any(String) }],
      [502, undefined, { error: expect.any(String) }],
      [503, undefined, { error: expect.any(String) }],
    ];
    for (const [status, body, expected] of cases) {
      sim.control.fail('submit', status, { count: 2, ...(body ? { body } : {}) });
      for (let i = 0; i < 2; i++) {
        const res = await submit(sim);
        expect(res.status).toBe(status);
        expect(res.body).toEqual(expected);
      }
      expect((await submit(sim)).status).toBe(200);
    }
  });

  it('scopes a failure to its route and sends scripted headers', async () => {
    const job = await submit(sim);
    sim.control.fail('status', 503, { headers: { 'retry-after': '3' } });
    expect((await submit(sim)).status).toBe(200);
    const failed = await call(sim, 'GET', `/jobs/${job.body['job_id']}`);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('3');
    expect((await call(sim, 'GET', `/jobs/${job.body['job_id']}`)).status).toBe(200);
  });

  it('retires a model with the documented 410 body', async () => {
    sim.control.retire(FLUX, 'image/krea/krea-2/medium', '2026-06-19');
    const res = await submit(sim);
    expect(res.status).toBe(410);
    expect(res.body).toEqual({ error: 'model_unavailable', replacement: 'image/krea/krea-2/medium', migration_url: expect.stringMatching(/^https:/), sunset_date: '2026-06-19' });
    expect((await submit(sim, { prompt: 'waves' }, KLING)).status).toBe(200);
  });

  it('marks a deprecated model with Deprecation, Sunset and Link headers', async () => {
    expect((await submit(sim)).headers.get('deprecation')).toBeNull();
    sim.control.deprecate(FLUX);
    const res = await submit(sim);
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toBe('true');
    expect(Date.parse(res.headers.get('sunset')!)).not.toBeNaN();
    expect(res.headers.get('link')).toContain('rel="deprecation"');
  });

  it('makes the next job fail', async () => {
    sim.control.failJobs(1, 'NSFW content detected');
    const doomed = await submit(sim);
    const fine = await submit(sim);
    const end = await until(() => call(sim, 'GET', `/jobs/${doomed.body['job_id']}`), (r) => r.body['status'] === 'failed');
    expect(end.body).toMatchObject({ status: 'failed', completed_at: expect.any(String), result: { error: 'NSFW content detected' } });
    expect((await until(() => call(sim, 'GET', `/jobs/${fine.body['job_id']}`), (r) => r.body['status'] === 'completed')).body['status']).toBe('completed');
  });

  it('drops connections without answering, then answers again', async () => {
    sim.control.dropConnections(1);
    await expect(fetch(`${sim.url}/jobs`, { headers: auth })).rejects.toThrow();
    expect((await fetch(`${sim.url}/jobs`, { headers: auth })).status).toBe(200);
  });

  it('adds latency to answers', async () => {
    sim.control.setLatency(150);
    const started = Date.now();
    expect((await call(sim, 'GET', '/jobs')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('refuses every submit with 402 while the balance is empty, until refilled', async () => {
    sim.control.setBalanceEmpty(true);
    for (const model of [FLUX, KLING]) expect(await submit(sim, { prompt: 'x' }, model)).toMatchObject({ status: 402, body: { error: OUT_OF_BALANCE_MESSAGE } });
    expect((await call(sim, 'GET', '/jobs')).status).toBe(200);
    sim.control.setBalanceEmpty(false);
    expect((await submit(sim)).status).toBe(200);
  });

  it('offers the same controls over HTTP for a simulator in another process', async () => {
    const ctl = (path: string, body: Json = {}) =>
      fetch(`${sim.url}/__sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
    expect(await ctl('fail', { route: 'submit', status: 429, count: 1 })).toBe(200);
    expect((await submit(sim)).status).toBe(429);
    expect(await ctl('balance', { empty: true })).toBe(200);
    expect((await submit(sim)).status).toBe(402);
    await ctl('balance', { empty: false });
    await ctl('retire', { model: FLUX, replacement: 'image/krea/krea-2/medium' });
    expect((await submit(sim)).body).toMatchObject({ error: 'model_unavailable', replacement: 'image/krea/krea-2/medium' });
    await ctl('reset');
    expect((await submit(sim)).status).toBe(200);
    await ctl('drop', { count: 1 });
    await expect(fetch(`${sim.url}/jobs`, { headers: auth })).rejects.toThrow();
    await ctl('fail-jobs', { count: 1 });
    const job = await submit(sim);
    expect((await until(() => call(sim, 'GET', `/jobs/${job.body['job_id']}`), (r) => r.body['status'] === 'failed')).body['status']).toBe('failed');
    const jobs = (await (await fetch(`${sim.url}/__sim/jobs`)).json()) as Json[];
    expect(jobs.some((j) => j['job_id'] === job.body['job_id'] && j['status'] === 'failed')).toBe(true);
    const recorded = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as Json[];
    expect(recorded.length).toBeGreaterThan(0);
    expect(await ctl('no-such-knob')).toBe(404);
  });
});

describe('webhooks', () => {
  let receiver: Server;
  let hookUrl: string;
  const received: Json[] = [];
  let failNext = 0;
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ ...(JSON.parse(text) as Json), _contentType: req.headers['content-type'] });
        res.writeHead(failNext-- > 0 ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/krea`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));
  const deliveries = (id: string) => received.filter((b) => b['job_id'] === id);

  it('POSTs the full job JSON to X-Webhook-URL when the job completes', async () => {
    const job = await submit(sim, { prompt: 'hooked' }, FLUX, { 'x-webhook-url': hookUrl });
    const got = await until(async () => deliveries(job.body['job_id']), (d) => d.length > 0);
    expect(got).toHaveLength(1);
    const { _contentType, ...body } = got[0]!;
    expect(documented('/jobs/{id}', 'get')(body)).toBe(true);
    expect(got[0]).toMatchObject({ job_id: job.body['job_id'], status: 'completed', result: { urls: [expect.stringMatching(/\.png$/)] }, _contentType: 'application/json' });
    await new Promise((r) => setTimeout(r, 100));
    expect(deliveries(job.body['job_id'])).toHaveLength(1);
  });

  it('retries once when the receiver fails, and reports cancellations too', async () => {
    failNext = 1;
    const job = await submit(sim, { prompt: 'retry' }, FLUX, { 'x-webhook-url': hookUrl });
    const got = await until(async () => deliveries(job.body['job_id']), (d) => d.length >= 2);
    expect(got.map((d) => d['status'])).toEqual(['completed', 'completed']);

    const cancelled = await submit(sim, { prompt: 'stop' }, FLUX, { 'x-webhook-url': hookUrl });
    await call(sim, 'DELETE', `/jobs/${cancelled.body['job_id']}`);
    const hook = await until(async () => deliveries(cancelled.body['job_id']), (d) => d.length > 0);
    expect(hook[0]).toMatchObject({ status: 'cancelled' });
  });

  it('sends a duplicate delivery when asked to, as Krea may', async () => {
    sim.control.setDuplicateWebhooks(true);
    const job = await submit(sim, { prompt: 'twice' }, FLUX, { 'x-webhook-url': hookUrl });
    const got = await until(async () => deliveries(job.body['job_id']), (d) => d.length >= 2);
    expect(got).toHaveLength(2);
    expect(got[0]).toEqual(got[1]);
  });
});

describe('assets', () => {
  const upload = (s: KreaSimulator, bytes: Buffer, name: string, type: string) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
    return fetch(`${s.url}/assets`, { method: 'POST', headers: auth, body: form }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));
  };

  it('uploads an image, reports its size and type, and serves the same bytes back', async () => {
    const png = renderPng(40, 30, 'asset');
    const res = await upload(sim, png, 'fox.png', 'image/png');
    expect(res.status).toBe(200);
    expect(documented('/assets', 'post')(res.body)).toBe(true);
    expect(res.body).toMatchObject({ width: 40, height: 30, size_bytes: png.length, mime_type: 'image/png' });
    expect((await bytesOf(res.body['image_url'])).equals(png)).toBe(true);
    expect((await call(sim, 'GET', `/assets/${res.body['id']}`)).body).toEqual(res.body);
  });

  it('identifies a video by its bytes, whatever its name says', async () => {
    const mp4 = readFileSync(new URL('../../adapters/providers/krea/simulator/assets/sample.mp4', import.meta.url));
    const res = await upload(sim, mp4, 'clip.bin', 'application/octet-stream');
    expect(res.body).toMatchObject({ mime_type: 'video/mp4', size_bytes: mp4.length });
  });

  it('refuses files that are not media, a missing file field, and files over the limit', async () => {
    expect(await upload(sim, Buffer.from('just some text, not an image'), 'notes.png', 'image/png')).toMatchObject({ status: 400, body: { error: expect.any(String) } });
    const form = new FormData();
    form.set('description', 'no file');
    expect((await fetch(`${sim.url}/assets`, { method: 'POST', headers: auth, body: form })).status).toBe(400);
    const small = await startKreaSimulator({ maxAssetBytes: 1000 });
    try {
      const big = await upload(small, Buffer.concat([renderPng(10, 10, 'x'), randomBytes(5000)]), 'big.png', 'image/png');
      expect(big.status).toBe(400);
      expect(big.body['error']).toMatch(/too large/i);
    } finally {
      await small.close();
    }
  });
});
