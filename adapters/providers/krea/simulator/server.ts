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
import { createSchemaValidator, describeSchemaErrors, parseKreaOpenApi } from '../openapi.js';
import { assetJson, parseUpload, type SimAsset } from './assets.js';
import { endOf, STATUSES, stateOf, TERMINAL, type SimJob } from './jobs.js';
import { OUT_OF_BALANCE_MESSAGE, SimulatorControl, type SimRoute } from './control.js';
import { previewSize, renderMp4, renderPng, resultSize } from './media.js';

export interface KreaSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Path of the OpenAPI document; defaults to the vendored copy in test/fixtures. */
  openapiPath?: string;
  /** Accepted bearer tokens; default: any non-empty token. */
  tokens?: string[];
  /** Milliseconds from start to completion, or a function of the model id. Default: average time × `msPerSecond`, at least 300 ms. */
  jobDurationMs?: number | ((modelId: string) => number);
  /**
   * How long one second of a model's published average time takes here (default 50 ms): a job of
   * a 7 s model takes 7 × msPerSecond. The bot's ETA scales the same average by its time scale,
   * so in local mode the card's ETA is when the simulated job really ends.
   */
  msPerSecond?: number;
  /** Jobs that may run at once; more wait as `backlogged` until a slot frees. Default: unlimited. */
  concurrency?: number;
  /**
   * Draws each image size once and serves that picture to every job (default: a picture per job,
   * from its prompt and seed). For benchmarks: drawing a 1024×1024 PNG costs the simulator tens of
   * milliseconds, which on a small machine is CPU taken from the bot being measured.
   */
  oneImagePerSize?: boolean;
  /** Pads result videos with this many bytes (a top-level `free` box) for upload-limit tests. */
  videoPadBytes?: number;
  /** Largest accepted upload; default 75 MB as documented. */
  maxAssetBytes?: number;
  /** Deliver every webhook twice (Krea may); also switchable at runtime. */
  duplicateWebhooks?: boolean;
  /** Pause before the one retry of a failed webhook delivery; default 200 ms. */
  webhookRetryDelayMs?: number;
}


export type { SimJob } from './jobs.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers; `authorization` is always `[redacted]`. */
  headers: Record<string, string>;
  /** Parsed JSON, `<N bytes>` for other bodies, undefined when empty. */
  body: unknown;
}

export interface KreaSimulator {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  control: SimulatorControl;
  requests(): RecordedRequest[];
  jobs(): SimJob[];
  /** The JSON a client would read for this job now. */
  jobJson(id: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

const DEFAULT_OPENAPI = new URL('../../../../test/fixtures/krea-openapi.json', import.meta.url);
const DEPRECATION_HEADERS = { deprecation: 'true', sunset: 'Fri, 19 Jun 2026 00:00:00 GMT', link: '<https://docs.krea.ai/developers/deprecations>; rel="deprecation"' };

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw Object.assign(new Error('Request body too large'), { status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startKreaSimulator(options: KreaSimulatorOptions = {}): Promise<KreaSimulator> {
  const document = JSON.parse(readFileSync(options.openapiPath ?? DEFAULT_OPENAPI, 'utf8')) as unknown;
  const models = new Map(parseKreaOpenApi(document).map((m) => [m.id, m]));
  const validator = createSchemaValidator();
  const control = new SimulatorControl();
  control.duplicateWebhooks = options.duplicateWebhooks ?? false;
  const jobs = new Map<string, SimJob>();
  const assets = new Map<string, SimAsset>();
  const recorded: RecordedRequest[] = [];
  const maxAsset = options.maxAssetBytes ?? 75 * 1024 * 1024;
  const pending = new Set<Promise<void>>();
  // Drawn once per file: the bot downloads a result once, but a page may show a preview many times.
  const drawn = new Map<string, Buffer>();
  const draw = (key: string, make: () => Buffer): Buffer => {
    const hit = drawn.get(key);
    if (hit) return hit;
    const bytes = make();
    drawn.set(key, bytes);
    if (drawn.size > 32) drawn.delete(drawn.keys().next().value!);
    return bytes;
  };
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';

  const durationFor = (modelId: string): number => {
    if (typeof options.jobDurationMs === 'function') return options.jobDurationMs(modelId);
    if (typeof options.jobDurationMs === 'number') return options.jobDurationMs;
    return Math.max(300, (models.get(modelId)?.averageSeconds ?? 20) * (options.msPerSecond ?? 50));
  };

  /** How long a new job waits as `backlogged`: until enough running jobs end to free a slot. */
  const backlogFor = (now: number): number => {
    if (options.concurrency === undefined) return 0;
    const ends = [...jobs.values()].filter((j) => !TERMINAL.includes(stateOf(j, now))).map(endOf).sort((a, b) => a - b);
    if (ends.length < options.concurrency) return 0;
    return Math.max(0, ends[ends.length - options.concurrency]! - now);
  };

  /**
   * The job as Krea shows it. The submit answer is documented with `completed_at: null, result: null`;
   * GET /jobs/{id}, the list and webhooks document both as optional non-null fields, so they are left
   * out there until set (Krea clients must accept either).
   */
  const jobJson = (job: SimJob, now = Date.now(), withNulls = false): Record<string, unknown> => {
    const status = stateOf(job, now);
    const ext = job.kind === 'video' ? 'mp4' : 'png';
    const urls =
      status === 'completed' ? [`${baseUrl}/results/${job.job_id}/0.${ext}`] : status === 'intermediate-complete' && job.kind !== 'video' ? [`${baseUrl}/results/${job.job_id}/preview.png`] : [];
    const completedAt = TERMINAL.includes(status) ? new Date(Math.min(job.cancelledAt ?? Infinity, endOf(job))).toISOString() : null;
    const result = urls.length > 0 ? { urls } : status === 'failed' ? { error: job.failReason ?? 'Generation failed' } : null;
    return {
      job_id: job.job_id,
      status,
      created_at: new Date(job.createdAt).toISOString(),
      ...(completedAt !== null || withNulls ? { completed_at: completedAt } : {}),
      ...(result !== null || withNulls ? { result } : {}),
    };
  };

  /** POSTs the final job JSON; one retry on failure; twice in all when duplicates are switched on. */
  function deliverWebhook(job: SimJob): void {
    if (!job.webhookUrl || job.webhookSent) return;
    job.webhookSent = true;
    const url = job.webhookUrl;
    const body = JSON.stringify(jobJson(job));
    const post = async (): Promise<void> => {
      for (let attempt = 0; attempt < 2; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, options.webhookRetryDelayMs ?? 200));
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
          await res.arrayBuffer().catch(() => undefined);
          if (res.ok) return;
        } catch {
          // unreachable receiver: retried once, then given up, as a real sender would
        }
      }
    };
    const run = (async () => {
      await post();
      if (control.duplicateWebhooks) await post();
    })();
    pending.add(run);
    void run.catch(() => undefined).finally(() => pending.delete(run));
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const sendBytes = (res: ServerResponse, mime: string, bytes: Buffer) => {
    res.writeHead(200, { 'content-type': mime, 'content-length': String(bytes.length) });
    res.end(bytes);
  };

  function routeOf(method: string, path: string): SimRoute | undefined {
    if (method === 'POST' && path.startsWith('/generate/')) return 'submit';
    if (method === 'GET' && /^\/jobs\/[^/]+$/.test(path)) return 'status';
    if (method === 'DELETE' && /^\/jobs\/[^/]+$/.test(path)) return 'cancel';
    if (path === '/assets' || path.startsWith('/assets/')) return 'assets';
    if (method === 'GET' && path === '/jobs') return 'list';
    return undefined;
  }

  /** The same knobs as `control`, over HTTP, for a simulator in another process. */
  function handleControl(path: string, body: Record<string, unknown>, res: ServerResponse): void {
    const count = Number(body['count'] ?? 1);
    switch (path) {
      case '/__sim/fail':
        control.fail((body['route'] as SimRoute | undefined) ?? 'any', Number(body['status']), {
          count,
          ...(body['body'] !== undefined ? { body: body['body'] } : {}),
          ...(body['headers'] && typeof body['headers'] === 'object' ? { headers: body['headers'] as Record<string, string> } : {}),
        });
        break;
      case '/__sim/retire':
        control.retire(String(body['model']), String(body['replacement']), ...(typeof body['sunset_date'] === 'string' ? [body['sunset_date']] : []));
        break;
      case '/__sim/deprecate':
        control.deprecate(String(body['model']));
        break;
      case '/__sim/balance':
        control.setBalanceEmpty(body['empty'] === true);
        break;
      case '/__sim/drop':
        control.dropConnections(count);
        break;
      case '/__sim/latency':
        control.setLatency(Number(body['ms'] ?? 0));
        break;
      case '/__sim/fail-jobs':
        control.failJobs(count, typeof body['reason'] === 'string' ? body['reason'] : undefined);
        break;
      case '/__sim/revoke':
        control.revoke(String(body['token']));
        break;
      case '/__sim/duplicate-webhooks':
        control.setDuplicateWebhooks(body['on'] !== false);
        break;
      case '/__sim/lose-submit-answers':
        control.loseSubmitAnswers(count, typeof body['status'] === 'number' ? body['status'] : 'reset');
        break;
      case '/__sim/malformed':
        control.malformed((body['route'] as SimRoute | undefined) ?? 'status', count);
        break;
      case '/__sim/fail-results':
        control.failResults(...(Array.isArray(body['statuses']) ? body['statuses'].map(Number) : [503]));
        break;
      case '/__sim/lose-results':
        control.loseResults(count);
        break;
      case '/__sim/hang-jobs':
        control.hangJobs(count);
        break;
      case '/__sim/reset':
        control.reset();
        break;
      case '/__sim/requests':
        return send(res, 200, recorded);
      case '/__sim/jobs':
        return send(res, 200, [...jobs.values()].map((j) => ({ ...jobJson(j), model: j.modelId })));
      default:
        return send(res, 404, { error: 'unknown control' });
    }
    send(res, 200, { ok: true });
  }

  function submit(modelId: string, json: unknown, req: IncomingMessage, res: ServerResponse): void {
    const retired = control.retired.get(modelId);
    if (retired) return send(res, 410, { error: 'model_unavailable', replacement: retired.replacement, migration_url: 'https://docs.krea.ai/developers/deprecations', sunset_date: retired.sunset_date });
    const model = models.get(modelId);
    if (!model) return send(res, 404, { error: `Model not found: ${modelId}` });
    if (control.balanceEmpty) return send(res, 402, { error: OUT_OF_BALANCE_MESSAGE });
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return send(res, 400, { error: 'Expected a JSON object body' });
    const validate = validator(model.inputSchema);
    if (!validate(json)) return send(res, 400, { error: `Invalid request body: ${describeSchemaErrors(validate)}` });
    const now = Date.now();
    const fails = control.failNextJobs > 0;
    if (fails) control.failNextJobs -= 1;
    const hook = req.headers['x-webhook-url'];
    const hangs = control.hangNextJobs > 0;
    if (hangs) control.hangNextJobs -= 1;
    const resultsGone = control.goneResultJobs > 0;
    if (resultsGone) control.goneResultJobs -= 1;
    const job: SimJob = {
      job_id: randomUUID(),
      modelId,
      kind: model.kind,
      body: json as Record<string, unknown>,
      createdAt: now,
      durationMs: hangs ? 365 * 24 * 3600_000 : durationFor(modelId),
      ...(resultsGone ? { resultsGone: true } : {}),
      backlogMs: backlogFor(now),
      fails,
      ...(fails ? { failReason: control.failReason } : {}),
      ...(typeof hook === 'string' && hook ? { webhookUrl: hook } : {}),
    };
    jobs.set(job.job_id, job);
    if (job.webhookUrl) {
      const timer = setTimeout(() => (timers.delete(timer), deliverWebhook(job)), endOf(job) - now + 5);
      timer.unref();
      timers.add(timer);
    }
    const lose = control.acceptThenLose.shift();
    // The job exists and will be billed, but the client never learns its id.
    if (lose === 'reset') return void req.socket.destroy();
    if (typeof lose === 'number') return send(res, lose, { error: 'Gateway timeout' });
    send(res, 200, jobJson(job, now, true), control.deprecated.has(modelId) || model.deprecated ? DEPRECATION_HEADERS : {});
  }

  function listJobs(url: URL, res: ServerResponse): void {
    // Documented: newest first; `cursor` is an ISO time (jobs created before it); limit 1–1000, default 100.
    const q = url.searchParams;
    const limit = q.has('limit') ? Number(q.get('limit')) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return send(res, 400, { error: 'limit must be an integer from 1 to 1000' });
    const status = q.get('status');
    if (status && !STATUSES.includes(status)) return send(res, 400, { error: `Invalid status: ${status}` });
    const cursor = q.get('cursor');
    const before = cursor ? Date.parse(cursor) : Infinity;
    if (Number.isNaN(before)) return send(res, 400, { error: 'cursor must be an ISO 8601 date-time' });
    const now = Date.now();
    const all = [...jobs.values()]
      .filter((j) => j.createdAt < before)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((j) => jobJson(j, now))
      .filter((j) => !status || j['status'] === status);
    const page = all.slice(0, limit);
    send(res, 200, { items: page, next_cursor: all.length > limit ? String(page[page.length - 1]!['created_at']) : null });
  }

  async function handleAssets(method: string, path: string, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (method === 'POST' && path === '/assets') {
      const parsed = await parseUpload(raw, req.headers['content-type'] ?? '', maxAsset);
      if (!parsed.ok) return send(res, 400, { error: parsed.error });
      assets.set(parsed.asset.id, parsed.asset);
      return send(res, 200, assetJson(parsed.asset, baseUrl));
    }
    if (method === 'GET' && path === '/assets') {
      return send(res, 200, { items: [...assets.values()].reverse().map((a) => assetJson(a, baseUrl)), next_cursor: null });
    }
    const asset = assets.get(decodeURIComponent(path.slice('/assets/'.length)));
    if (method === 'GET' && asset) return send(res, 200, assetJson(asset, baseUrl));
    if (method === 'DELETE' && asset) {
      assets.delete(asset.id);
      return send(res, 200, { success: true, message: 'Asset deleted' });
    }
    send(res, 404, { error: 'Asset not found' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    // Uploads are read whole (≤ the asset limit plus multipart framing) so 400 "too large" can be answered.
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

    // Result and asset bytes stand in for Krea's public CDN URLs: no token needed, not recorded.
    const result = /^\/results\/([^/]+)\/(\d+|preview)\.(png|mp4)$/.exec(path);
    if (method === 'GET' && result) {
      const job = jobs.get(result[1]!);
      if (!job || job.resultsGone) return send(res, 404, { error: 'Not found' });
      const status = control.resultFailures.shift();
      if (status !== undefined) return send(res, status, { error: 'Simulated CDN failure' });
      if (control.resultDelayMs > 0) await new Promise((r) => setTimeout(r, control.resultDelayMs));
      const b = job.body;
      const width = typeof b['width'] === 'number' ? b['width'] : undefined;
      const height = typeof b['height'] === 'number' ? b['height'] : undefined;
      const aspect = typeof b['aspect_ratio'] === 'string' ? b['aspect_ratio'] : width && height ? `${width}:${height}` : undefined;
      // The shape the request asked for: a 16:9 video is 16:9 (the nearest of the shipped clips).
      if (result[3] === 'mp4') return sendBytes(res, 'video/mp4', renderMp4(options.videoPadBytes ?? 0, aspect ?? '16:9'));
      // The size the status card announces (the preview: the same picture, smaller).
      const size = result[2] === 'preview' ? previewSize(width, height, aspect, 384) : resultSize(width, height, typeof b['aspect_ratio'] === 'string' ? b['aspect_ratio'] : undefined);
      const seedText = `${String(b['prompt'] ?? '')}:${String(b['seed'] ?? '')}:${job.job_id}`;
      const key = options.oneImagePerSize ? `size/${size.width}x${size.height}` : `${job.job_id}/${result[2]}`;
      return sendBytes(res, 'image/png', draw(key, () => renderPng(size.width, size.height, options.oneImagePerSize ? 'bench' : seedText)));
    }
    const file = /^\/assets\/([^/]+)\/file$/.exec(path);
    if (method === 'GET' && file) {
      const a = assets.get(file[1]!);
      return a ? sendBytes(res, a.mime, a.bytes) : send(res, 404, { error: 'Not found' });
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
    if (route && control.takeMalformed(route)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"job_id": "oops", "status": <html>');
    }

    if (route === 'submit') return submit(decodeURIComponent(path.slice('/generate/'.length)), json, req, res);
    if (route === 'status' || route === 'cancel') {
      const job = jobs.get(decodeURIComponent(path.slice('/jobs/'.length)));
      if (!job) return send(res, 404, { error: 'Job not found' });
      if (route === 'cancel' && !TERMINAL.includes(stateOf(job, Date.now()))) {
        job.cancelledAt = Date.now();
        deliverWebhook(job);
      }
      // DELETE's 200 has no documented body; the job as it now stands is the most useful answer.
      return send(res, 200, jobJson(job));
    }
    if (route === 'list') return listJobs(url, res);
    if (route === 'assets') return handleAssets(method, path, raw, req, res);
    send(res, 404, { error: 'Not found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: { status?: number; message?: string }) => {
      if (res.headersSent) return void res.destroy();
      // Krea documents an oversized upload as a 400 "Invalid file type or size".
      if (err.status === 413) return send(res, 400, { error: `File too large (max ${Math.floor(maxAsset / (1024 * 1024))}MB)` }, { connection: 'close' });
      send(res, 500, { error: err.message ?? 'Internal error' });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    control,
    requests: () => recorded.slice(),
    jobs: () => [...jobs.values()],
    jobJson: (id) => {
      const job = jobs.get(id);
      return job ? jobJson(job) : undefined;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...pending]);
    },
  };
}
