/**
 * A Krev API simulator: a real HTTP server on loopback speaking Krev's documented API under
 * /api/v1 (images, videos, ads, generations, products with JSON or multipart, chat runs,
 * credits). Generations are asynchronous (or synchronous, switchable), report progress 0→100,
 * take credits at submit and give them back when they fail; results are real PNG/MP4 bytes
 * under /storage/ (no token needed, like signed URLs). Failures are scriptable, programmatically
 * or under /__sim/. Used by the tests and `npm run simulate:krev`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { previewSize, renderMp4, renderPng } from '../../krea/simulator/media.js';
import { AdsBody, ChatBody, HttpError, ImagesBody, META_MUTATION, parseBody, PRICES, VideosBody } from './bodies.js';
import { KREV_SIM_ROUTES, KrevSimulatorControl, type KrevSimRoute } from './control.js';
import { createProductCatalog, type SimProduct } from './products.js';
import { adCopyFor, chargedAt, chatRunJson, generationJson, resultUrls, stateOf, type SimChatRun, type SimGeneration, type SimKind } from './jobs.js';

export interface KrevSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Accepted bearer keys; default: any non-empty key. */
  tokens?: string[];
  /** Milliseconds from submit to the end, or a function of the kind. Default: image 3 s, ad 4 s, video 6 s. */
  jobDurationMs?: number | ((kind: SimKind) => number);
  /** Credits at start (default 2,500 of a 2,500 Pro plan). */
  credits?: number;
  creditLimit?: number;
  /** Generation endpoints answer with finished media (see control.syncResults). */
  syncResults?: boolean;
}

export type { SimProduct } from './products.js';

export interface RecordedRequest {
  method: string;
  /** The path under the API base, e.g. `/images`. */
  path: string;
  query: Record<string, string>;
  /** Request headers; `authorization` is always `[redacted]`. */
  headers: Record<string, string>;
  /** Parsed JSON; for multipart `{fields, files}`; `<N bytes>` for other bodies; undefined when empty. */
  body: unknown;
}

export interface KrevSimulator {
  /** The API base to configure as KREV_API_URL: `http://127.0.0.1:PORT/api/v1`. */
  url: string;
  /** `http://127.0.0.1:PORT`: controls live under `${origin}/__sim/`. */
  origin: string;
  control: KrevSimulatorControl;
  requests(): RecordedRequest[];
  generations(): SimGeneration[];
  products(): SimProduct[];
  /** The balance now, as GET /credits would report it. */
  credits(): number;
  setCredits(current: number): void;
  close(): Promise<void>;
}

const API = '/api/v1';
const MAX_BODY = 25 * 1024 * 1024;
const DEFAULT_MS: Record<SimKind, number> = { image: 3000, ad: 4000, video: 6000 };

const ControlBody = z
  .object({
    route: z.enum(KREV_SIM_ROUTES as [KrevSimRoute, ...KrevSimRoute[]]),
    status: z.number().int().min(100).max(599),
    count: z.number().int().positive(),
    body: z.unknown(),
    raw: z.string(),
    headers: z.record(z.string(), z.string()),
    ms: z.number().nonnegative(),
    reason: z.string(),
    token: z.string().min(1),
    empty: z.boolean(),
    on: z.boolean(),
    current: z.number().int().nonnegative(),
  })
  .partial();

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'Request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startKrevSimulator(options: KrevSimulatorOptions = {}): Promise<KrevSimulator> {
  const control = new KrevSimulatorControl({ syncResults: options.syncResults ?? false });
  const generations = new Map<string, SimGeneration>();
  const runs = new Map<string, SimChatRun>();
  const products = createProductCatalog(() => origin);
  const recorded: RecordedRequest[] = [];
  const creditLimit = options.creditLimit ?? 2500;
  let granted = options.credits ?? creditLimit;
  let origin = '';

  const durationFor = (kind: SimKind) => control.jobDurationMs ?? (typeof options.jobDurationMs === 'function' ? options.jobDurationMs(kind) : (options.jobDurationMs ?? DEFAULT_MS[kind]));
  const spent = (now: number) => [...generations.values()].reduce((sum, g) => sum + chargedAt(g, now), 0);
  const balance = (now = Date.now()) => (control.balanceEmpty ? 0 : Math.max(0, granted - spent(now)));

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const ok = (res: ServerResponse, data: unknown, extra: Record<string, unknown> = {}) => send(res, 200, { success: true, data, ...extra });
  const sendBytes = (res: ServerResponse, mime: string, bytes: Buffer) => {
    res.writeHead(200, { 'content-type': mime, 'content-length': String(bytes.length) });
    res.end(bytes);
  };

  function requireProducts(ids: Array<string | undefined>): void {
    for (const id of ids) if (id !== undefined && !products.has(id)) throw new HttpError(404, `Product not found: ${id}`);
  }
  function charge(cost: number): void {
    const left = balance();
    if (cost > left) throw new HttpError(402, `Insufficient credits: this needs ${cost} credits and ${left} are left`);
  }

  /** Creates the generation, or in synchronous mode finishes it at once (a failure then is a refunded 500). */
  function startGeneration(kind: SimKind, body: Record<string, unknown>, cost: number, outputs: number, aspectRatio: string, extra: { adCopy?: Record<string, string>; sync?: boolean } = {}): SimGeneration {
    charge(cost);
    const sync = extra.sync ?? control.syncResults;
    const fails = control.takeGenerationFailure();
    if (sync && fails) throw new HttpError(500, `${control.failReason}. Credits have been refunded.`);
    const gen: SimGeneration = {
      id: randomUUID(),
      kind,
      body,
      createdAt: Date.now(),
      durationMs: sync ? 0 : durationFor(kind),
      fails,
      credits: cost,
      outputs,
      aspectRatio,
      ...(fails ? { failReason: control.failReason } : {}),
      ...(extra.adCopy ? { adCopy: extra.adCopy } : {}),
    };
    generations.set(gen.id, gen);
    return gen;
  }

  function images(json: unknown, res: ServerResponse): void {
    const b = parseBody(ImagesBody, json);
    requireProducts([b.product_id, ...(b.product_ids ?? [])]);
    const count = b.image_count ?? 1;
    const gen = startGeneration('image', b, (b.hd ? PRICES.hdImage : PRICES.image) * count, count, b.aspect_ratio ?? '1:1');
    if (control.syncResults) return ok(res, { generation_id: gen.id, images: resultUrls(gen, origin), image_count: count, credits_used: gen.credits });
    ok(res, { generation_id: gen.id, status: 'queued', image_count: count, credits_used: gen.credits });
  }

  function videos(json: unknown, res: ServerResponse): void {
    const b = parseBody(VideosBody, json);
    requireProducts([b.product_id]);
    const duration = b.duration ?? PRICES.defaultVideoSeconds;
    const gen = startGeneration('video', b, PRICES.videoSecond * duration, 1, b.aspect_ratio ?? '16:9');
    if (control.syncResults) return ok(res, { generation_id: gen.id, video_url: resultUrls(gen, origin)[0], duration, credits_used: gen.credits });
    ok(res, { generation_id: gen.id, status: 'queued', duration, credits_used: gen.credits });
  }

  function ads(json: unknown, res: ServerResponse): void {
    const b = parseBody(AdsBody, json);
    requireProducts(b.product_ids);
    const count = b.image_count ?? 1;
    const copy = adCopyFor(b.brief, b.style_id);
    const gen = startGeneration('ad', b, PRICES.adImage * count, count, b.aspect_ratio ?? '4:5', { adCopy: copy });
    // Synchronous answers carry the copy (as documented); asynchronous ones show it on the generation.
    if (control.syncResults) return ok(res, { generation_id: gen.id, images: resultUrls(gen, origin), image_count: count, credits_used: gen.credits, ad_copy: copy });
    ok(res, { generation_id: gen.id, status: 'queued', image_count: count, credits_used: gen.credits });
  }

  function startChat(json: unknown, res: ServerResponse): void {
    const b = parseBody(ChatBody, json);
    if (META_MUTATION.test(b.message)) throw new HttpError(403, 'Meta campaign and account changes are not available in the public chat API');
    requireProducts(b.product_ids ?? []);
    // Every simulated run makes one image, charged like any image generation; runs are always asynchronous.
    const gen = startGeneration('image', { prompt: b.message }, PRICES.image, 1, '1:1', { sync: false });
    const run: SimChatRun = {
      id: randomUUID(),
      conversationId: b.conversation_id ?? randomUUID(),
      jobId: randomUUID(),
      userMessageId: randomUUID(),
      assistantMessageId: randomUUID(),
      message: b.message,
      agent: b.agent ?? 'auto',
      productIds: b.product_ids ?? [],
      generationId: gen.id,
      createdAt: gen.createdAt,
      durationMs: gen.durationMs,
    };
    runs.set(run.id, run);
    ok(res, {
      conversation_id: run.conversationId,
      user_message_id: run.userMessageId,
      assistant_message_id: run.assistantMessageId,
      run_id: run.id,
      job_id: run.jobId,
      status: 'queued',
      poll_url: `${origin}${API}/chat/runs/${run.id}`,
    });
  }

  function credits(res: ServerResponse): void {
    const current = balance();
    const fmt = (n: number) => n.toLocaleString('en-US');
    const now = new Date();
    ok(res, {
      plan: 'pro',
      plan_name: 'Pro',
      credits: { current, limit: creditLimit, current_formatted: fmt(current), limit_formatted: fmt(creditLimit) },
      storage: { used_bytes: 524288000, limit_bytes: 2147483648, used_formatted: '500 MB', limit_formatted: '2 GB' },
      resets_at: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    });
  }

  function routeOf(method: string, path: string): KrevSimRoute | undefined {
    if (method === 'POST' && path === '/images') return 'images';
    if (method === 'POST' && path === '/videos') return 'videos';
    if (method === 'POST' && path === '/ads') return 'ads';
    if (method === 'GET' && /^\/generations\/[^/]+$/.test(path)) return 'generations';
    if ((method === 'GET' || method === 'POST') && path === '/products') return 'products';
    if (method === 'POST' && path === '/chat') return 'chat';
    if (method === 'GET' && /^\/chat\/runs\/[^/]+$/.test(path)) return 'chat_runs';
    if (method === 'GET' && path === '/credits') return 'credits';
    return undefined;
  }

  /** The same knobs as `control`, over HTTP, for a simulator in another process. */
  function handleControl(path: string, json: unknown, res: ServerResponse): void {
    const b = parseBody(ControlBody, json ?? {});
    switch (path) {
      case '/__sim/fail':
        if (b.status === undefined) throw new HttpError(400, 'status is required');
        control.fail(b.route ?? 'any', b.status, { ...(b.count ? { count: b.count } : {}), ...(b.body !== undefined ? { body: b.body } : {}), ...(b.raw !== undefined ? { raw: b.raw } : {}), ...(b.headers ? { headers: b.headers } : {}) });
        break;
      case '/__sim/drop':
        control.dropConnections(b.count ?? 1);
        break;
      case '/__sim/latency':
        control.setLatency(b.ms ?? 0);
        break;
      case '/__sim/fail-generations':
        control.failGenerations(b.count ?? 1, b.reason);
        break;
      case '/__sim/revoke':
        if (!b.token) throw new HttpError(400, 'token is required');
        control.revoke(b.token);
        break;
      case '/__sim/balance':
        control.setBalanceEmpty(b.empty !== false);
        break;
      case '/__sim/credits':
        if (b.current === undefined) throw new HttpError(400, 'current is required');
        granted = b.current + spent(Date.now());
        break;
      case '/__sim/sync':
        control.setSyncResults(b.on !== false);
        break;
      case '/__sim/reset':
        control.reset();
        break;
      case '/__sim/requests':
        return send(res, 200, recorded);
      case '/__sim/generations':
        return send(res, 200, [...generations.values()].map((g) => generationJson(g, origin, Date.now())));
      case '/__sim/state':
        return send(res, 200, { credits: balance(), generations: generations.size, products: products.all().length, runs: runs.size });
      default:
        throw new HttpError(404, 'Unknown control');
    }
    send(res, 200, { ok: true });
  }

  /** Result and product bytes stand in for Krev's signed storage URLs: no token, not recorded. */
  function serveStorage(path: string, res: ServerResponse): void {
    const gen = /^\/storage\/gen\/([^/_.]+)(?:_(\d+))?\.(png|mp4)$/.exec(path);
    if (gen) {
      const g = generations.get(gen[1]!);
      if (!g || stateOf(g, Date.now()).status !== 'succeeded' || (gen[3] === 'mp4') !== (g.kind === 'video')) throw new HttpError(404, 'Not found');
      if (g.kind === 'video') return sendBytes(res, 'video/mp4', renderMp4());
      const index = Number(gen[2] ?? 0);
      if (index >= g.outputs) throw new HttpError(404, 'Not found');
      const size = previewSize(undefined, undefined, g.aspectRatio, 256);
      return sendBytes(res, 'image/png', renderPng(size.width, size.height, `${String(g.body['prompt'] ?? g.body['brief'] ?? '')}:${g.id}:${index}`));
    }
    const p = products.file(path);
    if (!p) throw new HttpError(404, 'Not found');
    return sendBytes(res, p.mime, p.bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let json: unknown = undefined;
    let invalidJson = false;
    if (contentType.includes('application/json') && raw.length > 0) {
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        invalidJson = true;
      }
    }
    if (url.pathname.startsWith('/__sim/')) {
      if (invalidJson) throw new HttpError(400, 'Body is not valid JSON');
      return handleControl(url.pathname, json, res);
    }
    if (method === 'GET' && url.pathname.startsWith('/storage/')) return serveStorage(url.pathname, res);
    if (!url.pathname.startsWith(`${API}/`)) throw new HttpError(404, 'Not found');
    const path = url.pathname.slice(API.length);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = k === 'authorization' ? '[redacted]' : v;
    recorded.push({ method, path, query: Object.fromEntries(url.searchParams), headers, body: await recordedBody(raw, json, contentType) });

    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!token || control.revoked.has(token) || (options.tokens && !options.tokens.includes(token))) throw new HttpError(401, 'Invalid or expired API key');
    if (control.latencyMs > 0) await new Promise((r) => setTimeout(r, control.latencyMs));
    if (control.dropRemaining > 0) {
      control.dropRemaining -= 1;
      req.socket.destroy();
      return;
    }
    const route = routeOf(method, path);
    if (!route) throw new HttpError(404, 'Not found');
    const failure = control.takeFailure(route);
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'application/json', ...(failure.headers ?? {}) });
      return void res.end(failure.raw ?? JSON.stringify(failure.body));
    }
    if (invalidJson) throw new HttpError(400, 'Body is not valid JSON');

    switch (route) {
      case 'images':
        return images(json, res);
      case 'videos':
        return videos(json, res);
      case 'ads':
        return ads(json, res);
      case 'generations': {
        const gen = generations.get(decodeURIComponent(path.slice('/generations/'.length)));
        if (!gen) throw new HttpError(404, 'Generation not found');
        return ok(res, generationJson(gen, origin, Date.now()));
      }
      case 'products':
        if (method === 'POST') return ok(res, await products.create(raw, json, contentType));
        const { data, meta } = products.read(url.searchParams);
        return ok(res, data, meta ? { meta } : {});
      case 'chat':
        return startChat(json, res);
      case 'chat_runs': {
        const run = runs.get(decodeURIComponent(path.slice('/chat/runs/'.length)));
        if (!run) throw new HttpError(404, 'Chat run not found');
        return ok(res, chatRunJson(run, generations.get(run.generationId), origin, Date.now()));
      }
      case 'credits':
        return credits(res);
      default:
        throw new HttpError(404, 'Not found');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = err instanceof HttpError ? err.status : 500;
      send(res, status, { success: false, error: err instanceof Error ? err.message : 'Internal error' }, status === 413 ? { connection: 'close' } : {});
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}${API}`,
    origin,
    control,
    requests: () => recorded.slice(),
    generations: () => [...generations.values()],
    products: () => products.all(),
    credits: () => balance(),
    setCredits: (current) => {
      granted = current + spent(Date.now());
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the request log keeps of a body: JSON as is, multipart as fields and file summaries. */
async function recordedBody(raw: Buffer, json: unknown, contentType: string): Promise<unknown> {
  if (json !== undefined) return json;
  if (raw.length === 0) return undefined;
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData().catch(() => undefined);
    if (form) {
      const fields: Record<string, string> = {};
      const files: Array<{ field: string; filename: string; type: string; size: number }> = [];
      form.forEach((value, key) => {
        if (typeof value === 'string') fields[key] = value;
        else files.push({ field: key, filename: value.name, type: value.type, size: value.size });
      });
      return { fields, files };
    }
  }
  return `<${raw.length} bytes>`;
}
