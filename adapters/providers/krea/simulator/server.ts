/**
 * A Krea API simulator: a real HTTP server on loopback speaking Krea's documented API, driven by
 * the OpenAPI document (every request body is checked against the model's input schema). Jobs
 * move through the nine states over a configurable time; results are real PNG/MP4 bytes;
 * webhooks are delivered; failures are scriptable (programmatically or under /__sim/).
 * Used by the tests, local mode and the benchmarks.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchemaValidator, describeSchemaErrors, parseKreaOpenApi, type KreaModelSpec } from '../openapi.js';
import { OUT_OF_BALANCE_MESSAGE, SimulatorControl, type SimRoute } from './control.js';
import { previewSize, renderMp4, renderPng } from './media.js';

export interface KreaSimulatorOptions {
  port?: number;
  host?: string;
  /** Path of the OpenAPI document; defaults to the vendored copy in test/fixtures. */
  openapiPath?: string;
  /** Accepted bearer tokens; default: any non-empty token. */
  tokens?: string[];
  /** Milliseconds from submit to completion, or a function of the model id. Default: average time × 50 ms, at least 300 ms. */
  jobDurationMs?: number | ((modelId: string) => number);
  /** Jobs that may run at once; more wait as `backlogged`. */
  concurrency?: number;
  /** Pads result videos to this many extra bytes (upload-limit tests). */
  videoPadBytes?: number;
  maxAssetBytes?: number;
}

export interface SimJob {
  job_id: string;
  modelId: string;
  kind: KreaModelSpec['kind'];
  body: Record<string, unknown>;
  createdAt: number;
  durationMs: number;
  backlogMs: number;
  cancelledAt?: number;
  fails: boolean;
  webhookUrl?: string;
  webhookSent?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export interface KreaSimulator {
  url: string;
  control: SimulatorControl;
  requests(): RecordedRequest[];
  jobs(): SimJob[];
  /** The JSON a client would read for this job now. */
  jobJson(id: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

const DEFAULT_OPENAPI = new URL('../../../../test/fixtures/krea-openapi.json', import.meta.url);

const ASSET_TYPES: Array<[string, (b: Buffer) => boolean]> = [
  ['image/png', (b) => b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8],
  ['image/webp', (b) => b.subarray(0, 4).toString('ascii') === 'RIFF' && b.subarray(8, 12).toString('ascii') === 'WEBP'],
  ['image/gif', (b) => b.subarray(0, 3).toString('ascii') === 'GIF'],
  ['image/heic', (b) => b.subarray(4, 8).toString('ascii') === 'ftyp' && /hei|mif/.test(b.subarray(8, 12).toString('ascii'))],
  ['video/quicktime', (b) => b.subarray(4, 8).toString('ascii') === 'ftyp' && b.subarray(8, 10).toString('ascii') === 'qt'],
  ['video/mp4', (b) => b.subarray(4, 8).toString('ascii') === 'ftyp'],
  ['video/webm', (b) => b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))],
];

function stateOf(job: SimJob, now: number): string {
  if (job.cancelledAt !== undefined) return 'cancelled';
  const elapsed = now - job.createdAt;
  if (elapsed < job.backlogMs) return 'backlogged';
  const f = (elapsed - job.backlogMs) / job.durationMs;
  if (f >= 1) return job.fails ? 'failed' : 'completed';
  if (f < 0.1) return 'queued';
  if (f < 0.2) return 'scheduled';
  if (f < 0.5) return 'processing';
  if (f < 0.75) return 'sampling';
  return 'intermediate-complete';
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw Object.assign(new Error('too large'), { status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startKreaSimulator(options: KreaSimulatorOptions = {}): Promise<KreaSimulator> {
  const document = JSON.parse(readFileSync(options.openapiPath ?? DEFAULT_OPENAPI, 'utf8')) as unknown;
  const models = new Map(parseKreaOpenApi(document).map((m) => [m.id, m]));
  const validator = createSchemaValidator();
  const control = new SimulatorControl();
  const jobs = new Map<string, SimJob>();
  const assets = new Map<string, { bytes: Buffer; mime: string }>();
  const recorded: RecordedRequest[] = [];
  const maxAsset = options.maxAssetBytes ?? 75 * 1024 * 1024;
  let baseUrl = '';

  const durationFor = (modelId: string): number => {
    if (typeof options.jobDurationMs === 'function') return options.jobDurationMs(modelId);
    if (typeof options.jobDurationMs === 'number') return options.jobDurationMs;
    return Math.max(300, (models.get(modelId)?.averageSeconds ?? 20) * 50);
  };

  const jobJson = (job: SimJob, now = Date.now()): Record<string, unknown> => {
    const status = stateOf(job, now);
    const ext = job.kind === 'video' ? 'mp4' : 'png';
    const urls = status === 'completed' ? [`${baseUrl}/results/${job.job_id}/0.${ext}`] : status === 'intermediate-complete' && job.kind !== 'video' ? [`${baseUrl}/results/${job.job_id}/preview.png`] : [];
    const done = ['completed', 'failed', 'cancelled'].includes(status);
    return {
      job_id: job.job_id,
      status,
      created_at: new Date(job.createdAt).toISOString(),
      completed_at: done ? new Date(job.cancelledAt ?? job.createdAt + job.backlogMs + job.durationMs).toISOString() : null,
      result: urls.length > 0 ? { urls } : status === 'failed' ? { error: control.failReason } : null,
    };
  };

  async function deliverWebhook(job: SimJob): Promise<void> {
    if (!job.webhookUrl || job.webhookSent) return;
    job.webhookSent = true;
    const body = JSON.stringify(jobJson(job));
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const res = await fetch(job.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (res.ok) return;
      } catch {
        // retried once below, as a real sender would
      }
    }
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  function routeOf(method: string, path: string): SimRoute | undefined {
    if (method === 'POST' && path.startsWith('/generate/')) return 'submit';
    if (method === 'GET' && /^\/jobs\/[^/]+$/.test(path)) return 'status';
    if (method === 'DELETE' && /^\/jobs\/[^/]+$/.test(path)) return 'cancel';
    if (method === 'POST' && path === '/assets') return 'assets';
    if (method === 'GET' && path === '/jobs') return 'list';
    return undefined;
  }

  async function handleControl(path: string, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    switch (path) {
      case '/__sim/fail':
        control.fail((body['route'] as SimRoute) ?? 'any', Number(body['status']), { body: body['body'], count: Number(body['count'] ?? 1) });
        break;
      case '/__sim/retire':
        control.retire(String(body['model']), String(body['replacement']));
        break;
      case '/__sim/deprecate':
        control.deprecate(String(body['model']));
        break;
      case '/__sim/balance':
        control.setBalanceEmpty(body['empty'] === true);
        break;
      case '/__sim/drop':
        control.dropConnections(Number(body['count'] ?? 1));
        break;
      case '/__sim/latency':
        control.setLatency(Number(body['ms'] ?? 0));
        break;
      case '/__sim/fail-jobs':
        control.failJobs(Number(body['count'] ?? 1), typeof body['reason'] === 'string' ? body['reason'] : undefined);
        break;
      case '/__sim/reset':
        control.reset();
        break;
      case '/__sim/requests':
        return send(res, 200, recorded);
      case '/__sim/jobs':
        return send(res, 200, [...jobs.values()].map((j) => jobJson(j)));
      default:
        return send(res, 404, { error: 'unknown control' });
    }
    send(res, 200, { ok: true });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const raw = await readBody(req, maxAsset + 1024 * 1024);
    const isJson = (req.headers['content-type'] ?? '').includes('application/json');
    let json: unknown = undefined;
    if (isJson && raw.length > 0) {
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, { error: 'Body is not valid JSON' });
      }
    }

    if (path.startsWith('/__sim/')) return handleControl(path, (json ?? {}) as Record<string, unknown>, res);
    if (method === 'GET' && path === '/openapi.json') return send(res, 200, document);

    const result = /^\/results\/([^/]+)\/(\d+|preview)\.(png|mp4)$/.exec(path);
    if (method === 'GET' && result) {
      const job = jobs.get(result[1]!);
      if (!job) return send(res, 404, { error: 'Not found' });
      if (result[3] === 'mp4') {
        const bytes = renderMp4(options.videoPadBytes ?? 0);
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes.length) });
        return void res.end(bytes);
      }
      const b = job.body;
      const size = previewSize(b['width'] as number | undefined, b['height'] as number | undefined, b['aspect_ratio'] as string | undefined, result[2] === 'preview' ? 64 : 256);
      const bytes = renderPng(size.width, size.height, `${String(b['prompt'] ?? '')}:${String(b['seed'] ?? '')}:${job.job_id}`);
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length) });
      return void res.end(bytes);
    }
    const asset = /^\/assets\/([^/]+)\/file$/.exec(path);
    if (method === 'GET' && asset) {
      const a = assets.get(asset[1]!);
      if (!a) return send(res, 404, { error: 'Not found' });
      res.writeHead(200, { 'content-type': a.mime, 'content-length': String(a.bytes.length) });
      return void res.end(a.bytes);
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = k === 'authorization' ? '[redacted]' : v;
    recorded.push({ method, path, query: Object.fromEntries(url.searchParams), headers, body: json ?? (raw.length > 0 ? `<${raw.length} bytes>` : undefined) });

    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!token || control.revoked.has(token) || (options.tokens && !options.tokens.includes(token))) return send(res, 401, { error: 'Unauthorized' });

    if (control.latencyMs > 0) await new Promise((r) => setTimeout(r, control.latencyMs));
    if (control.dropRemaining > 0) {
      control.dropRemaining -= 1;
      req.socket.destroy();
      return;
    }
    const route = routeOf(method, path);
    const failure = route ? control.takeFailure(route) : undefined;
    if (failure) return send(res, failure.status, failure.body, failure.headers ?? {});

    if (route === 'submit') {
      const modelId = path.slice('/generate/'.length);
      const model = models.get(modelId);
      if (!model) return send(res, 404, { error: `Unknown model ${modelId}` });
      const retired = control.retired.get(modelId);
      if (retired) return send(res, 410, { error: 'model_unavailable', replacement: retired.replacement, migration_url: 'https://docs.krea.ai/developers/deprecations', sunset_date: retired.sunset_date });
      if (control.balanceEmpty) return send(res, 402, { message: OUT_OF_BALANCE_MESSAGE });
      if (!isJson || typeof json !== 'object' || json === null) return send(res, 400, { error: 'Expected a JSON object body' });
      const validate = validator(modelId, model.inputSchema);
      if (!validate(json)) return send(res, 400, { error: `Invalid request body: ${describeSchemaErrors(validate)}` });
      const now = Date.now();
      const running = [...jobs.values()].filter((j) => ['queued', 'scheduled', 'processing', 'sampling', 'intermediate-complete', 'backlogged'].includes(stateOf(j, now))).length;
      const durationMs = durationFor(modelId);
      const job: SimJob = {
        job_id: randomUUID(),
        modelId,
        kind: model.kind,
        body: json as Record<string, unknown>,
        createdAt: now,
        durationMs,
        backlogMs: options.concurrency !== undefined && running >= options.concurrency ? durationMs : 0,
        fails: control.failNextJobs > 0 ? (control.failNextJobs--, true) : false,
        ...(typeof req.headers['x-webhook-url'] === 'string' ? { webhookUrl: req.headers['x-webhook-url'] } : {}),
      };
      jobs.set(job.job_id, job);
      if (job.webhookUrl) setTimeout(() => void deliverWebhook(job), job.backlogMs + job.durationMs + 5).unref();
      const deprecationHeaders: Record<string, string> = control.deprecated.has(modelId) || model.deprecated ? { deprecation: 'true', sunset: 'Fri, 19 Jun 2026 00:00:00 GMT', link: '<https://docs.krea.ai/developers/deprecations>; rel="deprecation"' } : {};
      return send(res, 200, jobJson(job, now), deprecationHeaders);
    }
    if (route === 'status' || route === 'cancel') {
      const job = jobs.get(decodeURIComponent(path.slice('/jobs/'.length)));
      if (!job) return send(res, 404, { error: 'Job not found' });
      if (route === 'status') return send(res, 200, jobJson(job));
      const state = stateOf(job, Date.now());
      if (!['completed', 'failed', 'cancelled'].includes(state)) {
        job.cancelledAt = Date.now();
        void deliverWebhook(job);
      }
      return send(res, 200, { job_id: job.job_id, deleted: true });
    }
    if (route === 'list') {
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 20) || 20);
      const status = url.searchParams.get('status');
      const all = [...jobs.values()].map((j) => jobJson(j)).filter((j) => !status || j['status'] === status);
      const start = Number(url.searchParams.get('cursor') ?? 0) || 0;
      const page = all.slice(start, start + limit);
      return send(res, 200, { items: page, next_cursor: start + limit < all.length ? String(start + limit) : null });
    }
    if (route === 'assets') {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData().catch(() => undefined);
      const file = form?.get('file');
      if (!file || typeof file === 'string') return send(res, 400, { error: 'Expected multipart/form-data with a file field' });
      const bytes = Buffer.from(await file.arrayBuffer());
      if (bytes.length > maxAsset) return send(res, 400, { error: 'File too large (max 75MB)' });
      const mime = ASSET_TYPES.find(([, test]) => test(bytes))?.[0];
      if (!mime) return send(res, 400, { error: 'Unsupported file type' });
      const id = randomUUID();
      assets.set(id, { bytes, mime });
      return send(res, 200, { id, image_url: `${baseUrl}/assets/${id}/file`, uploaded_at: new Date().toISOString(), width: null, height: null, size_bytes: bytes.length, mime_type: mime });
    }
    send(res, 404, { error: 'Not found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: { status?: number; message?: string }) => {
      if (!res.headersSent) send(res, err.status ?? 500, { error: err.message ?? 'Internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url: baseUrl,
    control,
    requests: () => recorded.slice(),
    jobs: () => [...jobs.values()],
    jobJson: (id) => {
      const job = jobs.get(id);
      return job ? jobJson(job) : undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
