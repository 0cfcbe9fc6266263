/**
 * A KPainter OpenAPI simulator: a real HTTP server on loopback speaking the API the client assumes
 * (see the assumptions atop ../client.ts): GET /health, /me, /catalog, POST /creations, GET
 * /creations/jobs/{job_id}, GET /creations/{id}, with FastAPI-style errors. Keys come in
 * `X-KGP-Api-Key` (or `Authorization: Bearer`). Creations move queued → processing → ready over a
 * set time with progress; results are real PNG/MP4 bytes under /cdn/ (no key, like a CDN);
 * failures are scriptable programmatically or under /__sim/. The optional `/openapi/v1` prefix of
 * the real base URL is accepted too.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { previewSize, renderMp4, renderPng } from '../../krea/simulator/media.js';
import { INSUFFICIENT_CREDITS_DETAIL, KPainterSimControl, type KPainterScriptedFailure, type KPainterSimRoute } from './control.js';

export interface KPainterSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Accepted keys; default: any non-empty key. */
  keys?: string[];
  /** Milliseconds from create to ready, or a function of the type. Default: average seconds × 25 ms, at least 300 ms. */
  jobDurationMs?: number | ((type: string) => number);
  /** Who /me names. */
  account?: { name: string; email: string };
}

export interface KPainterRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers; `x-kgp-api-key` and `authorization` are always `[redacted]`. */
  headers: Record<string, string>;
  body: unknown;
}

export interface KPainterSimJob {
  jobId: string;
  creationId: string;
  type: string;
  output: 'image' | 'video';
  body: Record<string, unknown>;
  createdAt: number;
  durationMs: number;
  ends: 'ready' | 'failed' | 'invalid';
  failReason?: string;
  credits: number;
}

export interface KPainterSimulator {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  control: KPainterSimControl;
  requests(): KPainterRecordedRequest[];
  jobs(): KPainterSimJob[];
  close(): Promise<void>;
}

type SimType = { type: string; name: string; output: string; aspect_ratios?: string[]; average_seconds: number; credits: number } & Record<string, unknown>;

/** What GET /catalog answers; two types are no image or video, as on the real service. */
export const SIM_CATALOG: { content_types: SimType[]; languages: string[]; voices: Array<{ id: string; name: string }>; styles: Array<{ id: string; name: string }> } = {
  content_types: [
    { type: 'image', name: 'Image', output: 'image', aspect_ratios: ['1:1', '16:9', '9:16', '4:3', '3:4'], qualities: ['standard', 'hd'], max_count: 4, supports_seed: true, supports_negative_prompt: true, max_input_images: 2, prompt_max_length: 2000, average_seconds: 15, credits: 10 },
    { type: 'explainer_video', name: 'Explainer Video', output: 'video', aspect_ratios: ['16:9', '9:16'], duration_seconds: [15, 30, 60], supports_style: true, average_seconds: 240, credits: 60 },
    { type: 'slides_video', name: 'Explainer Video (slide-based)', output: 'video', aspect_ratios: ['16:9', '9:16'], scene_count: { min: 3, max: 12 }, supports_style: true, average_seconds: 180, credits: 40 },
    { type: 'vector_animation', name: 'Vector Animation', output: 'video', aspect_ratios: ['16:9', '1:1'], max_input_images: 1, average_seconds: 120, credits: 30 },
    { type: 'slide_deck', name: 'Slide Deck', output: 'document', scene_count: { min: 3, max: 30 }, average_seconds: 90, credits: 20 },
    { type: 'interactive_lesson', name: 'Interactive Lesson', output: 'web', average_seconds: 300, credits: 50 },
  ],
  languages: ['en', 'zh', 'ja', 'es'],
  voices: [{ id: 'v_narrator', name: 'Narrator' }],
  styles: [{ id: 'chalkboard', name: 'Chalkboard' }, { id: 'flat', name: 'Flat' }],
};

const stateOf = (job: KPainterSimJob, now: number): { status: string; f: number } => {
  const f = (now - job.createdAt) / job.durationMs;
  if (f >= 1) return { status: job.ends, f: 1 };
  return { status: f < 0.15 ? 'queued' : 'processing', f };
};

type Issue = { loc: string[]; msg: string; type: string };
const issue = (field: string, msg: string, type = 'value_error'): Issue => ({ loc: ['body', field], msg, type });

/** FastAPI-style validation of POST /creations against the catalog entry of its type. */
function validateCreation(json: unknown): { entry: SimType; body: Record<string, unknown> } | Issue[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }];
  const body = json as Record<string, unknown>;
  const entry = SIM_CATALOG.content_types.find((t) => t.type === body['type']);
  if (!entry) return [issue('type', `Input should be ${SIM_CATALOG.content_types.map((t) => `'${t.type}'`).join(', ')}`, 'enum')];
  const issues: Issue[] = [];
  const allowed = new Set(['type', 'prompt', 'aspect_ratio', 'language', 'voice_id']);
  const has = (k: string) => entry[k] !== undefined && entry[k] !== false && entry[k] !== 0;
  if (has('max_count')) allowed.add('count');
  if (has('supports_seed')) allowed.add('seed');
  if (has('supports_negative_prompt')) allowed.add('negative_prompt');
  if (has('supports_style')) allowed.add('style_id');
  if (has('duration_seconds')) allowed.add('duration_seconds');
  if (has('qualities')) allowed.add('quality');
  if (has('max_input_images')) allowed.add('image_urls');
  if (has('scene_count')) allowed.add('scene_count');
  for (const k of Object.keys(body)) if (!allowed.has(k)) issues.push(issue(k, 'Extra inputs are not permitted', 'extra_forbidden'));
  if (typeof body['prompt'] !== 'string' || body['prompt'].trim() === '') issues.push(issue('prompt', 'Field required', 'missing'));
  const ar = body['aspect_ratio'];
  if (ar !== undefined && !entry.aspect_ratios?.includes(String(ar))) issues.push(issue('aspect_ratio', `unsupported aspect ratio ${String(ar)}`));
  const count = body['count'];
  if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1 || (count as number) > Number(entry['max_count']))) issues.push(issue('count', `count must be 1 to ${String(entry['max_count'])}`));
  const duration = body['duration_seconds'];
  if (duration !== undefined && !(entry['duration_seconds'] as number[] | undefined)?.includes(Number(duration))) issues.push(issue('duration_seconds', 'unsupported duration'));
  const images = body['image_urls'];
  if (images !== undefined && (!Array.isArray(images) || images.length > Number(entry['max_input_images']) || !images.every((u) => typeof u === 'string' && /^https?:\/\//.test(u)))) {
    issues.push(issue('image_urls', `at most ${String(entry['max_input_images'])} http(s) URLs`));
  }
  if (body['style_id'] !== undefined && !SIM_CATALOG.styles.some((s) => s.id === body['style_id'])) issues.push(issue('style_id', 'unknown style'));
  if (entry.output === 'video' && !SIM_CATALOG.languages.includes(String(body['language']))) issues.push(issue('language', 'Field required', 'missing'));
  return issues.length > 0 ? issues : { entry, body };
}

async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw Object.assign(new Error('Request body too large'), { status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startKPainterSimulator(options: KPainterSimulatorOptions = {}): Promise<KPainterSimulator> {
  const control = new KPainterSimControl();
  const jobs = new Map<string, KPainterSimJob>();
  const byCreation = new Map<string, KPainterSimJob>();
  const recorded: KPainterRecordedRequest[] = [];
  const account = options.account ?? { name: 'Simulated Painter', email: 'painter@kpainter.test' };
  let nextCreation = 1001;
  let baseUrl = '';

  const durationFor = (entry: SimType): number => {
    if (typeof options.jobDurationMs === 'function') return options.jobDurationMs(entry.type);
    if (typeof options.jobDurationMs === 'number') return options.jobDurationMs;
    return Math.max(300, entry.average_seconds * 25);
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const sendFailure = (res: ServerResponse, f: KPainterScriptedFailure) => {
    if (f.raw === undefined) return send(res, f.status, f.body, f.headers ?? {});
    res.writeHead(f.status, { 'content-type': 'application/json', ...(f.headers ?? {}) });
    res.end(f.raw);
  };
  const sendBytes = (res: ServerResponse, mime: string, bytes: Buffer) => {
    res.writeHead(200, { 'content-type': mime, 'content-length': String(bytes.length) });
    res.end(bytes);
  };

  function routeOf(method: string, path: string): KPainterSimRoute | 'method' | undefined {
    const known = path === '/me' || path === '/catalog' || path === '/creations' || /^\/creations\/(jobs\/)?[^/]+$/.test(path);
    if (method === 'GET' && path === '/me') return 'me';
    if (method === 'GET' && path === '/catalog') return 'catalog';
    if (method === 'POST' && path === '/creations') return 'create';
    if (method === 'GET' && /^\/creations\/jobs\/[^/]+$/.test(path)) return 'job';
    if (method === 'GET' && /^\/creations\/[^/]+$/.test(path)) return 'creation';
    // No cancel endpoint (DELETE) and no other verbs: FastAPI answers 405.
    return known ? 'method' : undefined;
  }

  const meJson = () =>
    control.legacyShape ? { id: 'u_1', email: account.email, name: account.name } : { user: { id: 'u_1', email: account.email, display_name: account.name }, credits: { balance: control.credits } };

  function jobJson(job: KPainterSimJob, now = Date.now()): Record<string, unknown> {
    const { status, f } = stateOf(job, now);
    const failed = status === 'failed' || status === 'invalid';
    const creationId = control.legacyShape ? Number(job.creationId) : job.creationId;
    if (control.legacyShape) return { job_id: job.jobId, creation_id: creationId, status, ...(failed ? { message: job.failReason } : {}) };
    return {
      job_id: job.jobId,
      creation_id: creationId,
      type: job.type,
      status,
      // 100 only once ready: a running job never claims to be done.
      progress_pct: status === 'processing' || status === 'queued' ? Math.min(99, Math.floor(f * 100)) : 100,
      estimated_remaining_seconds: Math.max(0, Math.ceil((job.durationMs * (1 - f)) / 1000)),
      ...(status === 'queued' ? { queue_position: 1 } : {}),
      ...(failed ? { error: { code: status === 'invalid' ? 'invalid_request' : 'render_failed', message: job.failReason }, credits_refunded: true } : {}),
      created_at: new Date(job.createdAt).toISOString(),
    };
  }

  function creationJson(job: KPainterSimJob): Record<string, unknown> {
    const { status } = stateOf(job, Date.now());
    const count = Number(job.body['count'] ?? 1);
    const ext = job.output === 'video' ? 'mp4' : 'png';
    const file = (name: string) => `${baseUrl}/cdn/${job.creationId}/${name}`;
    const results = Array.from({ length: job.output === 'video' ? 1 : count }, (_, i) => ({ kind: job.output, url: file(`${i}.${ext}`), mime_type: job.output === 'video' ? 'video/mp4' : 'image/png' }));
    const extras = [{ kind: 'thumbnail', url: file('thumb.png'), mime_type: 'image/png' }, ...(job.output === 'video' ? [{ kind: 'subtitles', url: file('subtitles.srt'), mime_type: 'text/plain' }] : [])];
    return {
      id: job.creationId,
      type: job.type,
      status,
      prompt: job.body['prompt'],
      main_url: status === 'ready' ? results[0]!.url : null,
      artifacts: status === 'ready' ? [...results, ...extras] : [],
      credits_used: status === 'ready' ? job.credits : 0,
      created_at: new Date(job.createdAt).toISOString(),
    };
  }

  function create(json: unknown, res: ServerResponse): void {
    const checked = validateCreation(json);
    if (Array.isArray(checked)) return send(res, 422, { detail: checked });
    const { entry, body } = checked;
    const cost = entry.credits * Number(body['count'] ?? 1);
    if (control.credits < cost) return send(res, 402, { detail: INSUFFICIENT_CREDITS_DETAIL });
    const fails = control.failNextJobs > 0;
    if (fails) control.failNextJobs -= 1;
    // Failed and invalid creations are refunded at once; only finished ones keep the charge.
    if (!fails) control.credits -= cost;
    const job: KPainterSimJob = {
      jobId: randomUUID(),
      creationId: String(nextCreation++),
      type: entry.type,
      output: entry.output === 'video' ? 'video' : 'image',
      body,
      createdAt: Date.now(),
      durationMs: durationFor(entry),
      ends: fails ? control.failAs : 'ready',
      ...(fails ? { failReason: control.failReason } : {}),
      credits: cost,
    };
    jobs.set(job.jobId, job);
    byCreation.set(job.creationId, job);
    const creationId = control.legacyShape ? Number(job.creationId) : job.creationId;
    send(res, 201, control.legacyShape ? { job_id: job.jobId, id: creationId } : { job_id: job.jobId, creation_id: creationId, status: 'queued' });
  }

  function serveFile(creationId: string, name: string, res: ServerResponse): void {
    const job = byCreation.get(creationId);
    if (!job || stateOf(job, Date.now()).status !== 'ready') return send(res, 404, { detail: 'Not Found' });
    if (name.endsWith('.mp4')) return sendBytes(res, 'video/mp4', renderMp4());
    if (name.endsWith('.srt')) return sendBytes(res, 'text/plain', Buffer.from('1\n00:00:00,000 --> 00:00:02,000\nSimulated subtitles\n'));
    const size = previewSize(undefined, undefined, job.body['aspect_ratio'] as string | undefined, name === 'thumb.png' ? 64 : 256);
    sendBytes(res, 'image/png', renderPng(size.width, size.height, `${String(job.body['prompt'])}:${String(job.body['seed'] ?? '')}:${job.creationId}:${name}`));
  }

  /** The same knobs as `control`, over HTTP, for a simulator in another process. */
  function handleControl(path: string, body: Record<string, unknown>, res: ServerResponse): void {
    const count = Number(body['count'] ?? 1);
    const route = (body['route'] as KPainterSimRoute | undefined) ?? 'any';
    switch (path) {
      case '/__sim/fail':
        control.fail(route, Number(body['status']), {
          count,
          ...(body['body'] !== undefined ? { body: body['body'] } : {}),
          ...(typeof body['raw'] === 'string' ? { raw: body['raw'] } : {}),
          ...(body['headers'] && typeof body['headers'] === 'object' ? { headers: body['headers'] as Record<string, string> } : {}),
        });
        break;
      case '/__sim/malformed':
        control.malformed(route, count);
        break;
      case '/__sim/drop':
        control.dropConnections(count);
        break;
      case '/__sim/latency':
        control.setLatency(Number(body['ms'] ?? 0));
        break;
      case '/__sim/fail-jobs':
        control.failJobs(count, { as: body['as'] === 'invalid' ? 'invalid' : 'failed', ...(typeof body['reason'] === 'string' ? { reason: body['reason'] } : {}) });
        break;
      case '/__sim/revoke':
        control.revoke(String(body['key']));
        break;
      case '/__sim/credits':
        control.setCredits(Number(body['credits'] ?? 0));
        break;
      case '/__sim/legacy':
        control.legacyShape = body['on'] !== false;
        break;
      case '/__sim/reset':
        control.reset();
        break;
      case '/__sim/requests':
        return send(res, 200, recorded);
      case '/__sim/jobs':
        return send(res, 200, [...jobs.values()].map((j) => jobJson(j)));
      default:
        return send(res, 404, { detail: 'unknown control' });
    }
    send(res, 200, { ok: true });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname.replace(/^\/openapi\/v1(?=\/)/, '');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    let json: unknown = undefined;
    if (raw.length > 0 && (req.headers['content-type'] ?? '').includes('application/json')) {
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 422, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
      }
    }
    if (path.startsWith('/__sim/')) return handleControl(path, (json ?? {}) as Record<string, unknown>, res);
    // Result bytes stand in for KPainter's CDN: no key, not recorded.
    const file = /^\/cdn\/([^/]+)\/([\w.]+)$/.exec(path);
    if (method === 'GET' && file) return serveFile(file[1]!, file[2]!, res);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = k === 'authorization' || k === 'x-kgp-api-key' ? '[redacted]' : v;
    recorded.push({ method, path, query: Object.fromEntries(url.searchParams), headers, body: json ?? (raw.length > 0 ? `<${raw.length} bytes>` : undefined) });
    if (method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });

    const headerKey = req.headers['x-kgp-api-key'];
    const key = (typeof headerKey === 'string' ? headerKey : /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1])?.trim();
    if (!key) return send(res, 401, { detail: 'Missing API key: send X-KGP-Api-Key' });
    if (control.revoked.has(key) || (options.keys && !options.keys.includes(key))) return send(res, 401, { detail: 'Invalid API key' });

    if (control.latencyMs > 0) await new Promise((r) => setTimeout(r, control.latencyMs));
    if (control.dropRemaining > 0) {
      control.dropRemaining -= 1;
      req.socket.destroy();
      return;
    }
    const route = routeOf(method, path);
    if (route === 'method') return send(res, 405, { detail: 'Method Not Allowed' });
    const failure = route ? control.takeFailure(route) : undefined;
    if (failure) return sendFailure(res, failure);

    switch (route) {
      case 'me':
        return send(res, 200, meJson());
      case 'catalog':
        return send(res, 200, SIM_CATALOG);
      case 'create':
        return create(json, res);
      case 'job': {
        const job = jobs.get(decodeURIComponent(path.slice('/creations/jobs/'.length)));
        return job ? send(res, 200, jobJson(job)) : send(res, 404, { detail: 'Job not found' });
      }
      case 'creation': {
        const job = byCreation.get(decodeURIComponent(path.slice('/creations/'.length)));
        return job ? send(res, 200, creationJson(job)) : send(res, 404, { detail: 'Creation not found' });
      }
      default:
        return send(res, 404, { detail: 'Not Found' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: { status?: number; message?: string }) => {
      if (res.headersSent) return void res.destroy();
      send(res, err.status === 413 ? 413 : 500, { detail: err.status === 413 ? 'Request body too large' : (err.message ?? 'Internal Server Error') });
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
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
