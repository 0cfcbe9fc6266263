/**
 * The KPainter OpenAPI client (https://api.kpainter.ai/openapi/v1): GET /me → GET /catalog →
 * POST /creations → poll GET /creations/jobs/{job_id} → GET /creations/{id}. KPainter cannot stop a
 * job and calls no webhooks, so there is no `cancel` and no `parseWebhook`.
 *
 * What the public docs say (kpainter.ai/docs/openapi, quickstart, authentication, explainer video):
 * the flow above; `X-KGP-Api-Key` on every business endpoint (/health needs none); the catalog's
 * `content_types` with per-type aspect ratios, qualities, durations and page limits, plus languages,
 * voices and styles; create fields `type, prompt, language, aspect_ratio, voice_id, style_id,
 * duration_seconds, scene_count`; the detail's `main_url` and artifacts; "insufficient credits: route
 * the user back to the main site". Types: image, explainer_video, slides_video, vector_animation,
 * slide_deck, interactive_lesson (the last two are no image or video; they are not listed here).
 *
 * ASSUMPTIONS where the docs are silent (every schema below is optional-heavy and passthrough):
 * - Auth: we send `X-KGP-Api-Key`, the only header the docs show; `Authorization: Bearer` is said to
 *   work on newer servers only, and an older server would answer 401 to it.
 * - /me: `{display_name | name | username, email, credits}`, possibly wrapped in `user` or `data`;
 *   `credits` a number or `{balance | remaining | available}`. Absent credits → no balance.
 * - /catalog: `content_types` is a list of entries (or of bare type names, or a record keyed by
 *   type). An entry: `{type, name, description, output: image|video|…, aspect_ratios, qualities,
 *   duration_seconds: [..] | {min,max}, max_count, supports_seed, supports_negative_prompt,
 *   supports_style, max_input_images, input_image_required, prompt_max_length, average_seconds,
 *   credits, credits_per_second}`. A missing flag means "not accepted": we never send a field the
 *   catalog does not announce. `max_count` absent → one output per creation (see `batches`).
 * - POST /creations body: `count` (outputs of one creation), `seed`, `negative_prompt`, `quality`
 *   (our `resolution`), `image_urls` (input images as URLs), `language` (video types; `en` unless
 *   the request's params say otherwise, as every doc example sends one). Answer: `{job_id,
 *   creation_id | id}`; ids may be numbers.
 * - Job: `{status, creation_id, progress_pct, estimated_remaining_seconds, queue_position, error |
 *   message | failure_reason, billed, credits_refunded}`; the last five only on the newer API.
 *   Statuses other than the five seen are matched by meaning; an unknown one counts as running.
 * - Detail: `{main_url, artifacts: [url | {url, kind | type | role, mime_type}], credits_used}`.
 *   Outputs are main_url plus artifacts of the model's kind that are no thumbnail/cover/poster.
 * - Failed and invalid creations are not billed unless the job says `billed: true` or
 *   `credits_refunded: false`.
 * - Not used yet: /capabilities, POST /files (inputs go as URLs), idempotency keys (the port gives
 *   submit no stable job id to derive one from).
 */
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { ModelInfo, ModelParams } from '../../../src/catalog.js';
import { providerText } from '../../../src/errors.js';
import type { Cost, Operation, ProviderStatus } from '../../../src/generation.js';
import type { Logger } from '../../../src/logger.js';
import { noopMetrics, type Metrics } from '../../../src/metrics-port.js';
import type { MediaKind, MediaRef } from '../../../src/model.js';
import type { Clock, GenerationProvider, ProviderCallContext, ProviderSubmitRequest } from '../../../src/ports.js';
import { httpJson, retryAfterMs, type HttpResponse } from '../http.js';
import { badResponse, brokenResultLinks, mapKPainterError, networkError, unusableId } from './errors.js';

export interface KPainterProviderOptions {
  baseUrl: string;
  logger: Logger;
  dispatcher?: Dispatcher;
  clock?: Clock;
  requestTimeoutMs?: number;
  metrics?: Metrics;
  /**
   * The server-wide key, used only to read /catalog in `listModels` (the port passes no
   * credentials there). Without it `listModels` serves the built-in catalog below.
   */
  catalogKey?: string;
  /** How long a catalog read is reused; default 10 minutes. */
  catalogTtlMs?: number;
}

// ---------------------------------------------------------------- wire shapes

const Id = z.union([z.string().min(1), z.number()]).transform(String);
const Range = z.object({ min: z.number().optional(), max: z.number().optional() }).passthrough();
const Durations = z.union([z.array(z.number()), Range]);

export const KPainterType = z
  .object({
    type: z.string().min(1),
    name: z.string().nullish(),
    label: z.string().nullish(),
    description: z.string().nullish(),
    output: z.string().nullish(),
    aspect_ratios: z.array(z.string()).nullish(),
    qualities: z.array(z.string()).nullish(),
    duration_seconds: Durations.nullish(),
    durations: Durations.nullish(),
    max_count: z.number().int().positive().nullish(),
    supports_seed: z.boolean().nullish(),
    supports_negative_prompt: z.boolean().nullish(),
    supports_style: z.boolean().nullish(),
    max_input_images: z.number().int().nonnegative().nullish(),
    input_image_required: z.boolean().nullish(),
    prompt_max_length: z.number().int().positive().nullish(),
    average_seconds: z.number().positive().nullish(),
    credits: z.number().nonnegative().nullish(),
    credits_per_second: z.number().nonnegative().nullish(),
    deprecated: z.boolean().nullish(),
  })
  .passthrough();
export type KPainterType = z.infer<typeof KPainterType>;

const Credits = z.union([z.number(), z.object({ balance: z.number().optional(), remaining: z.number().optional(), available: z.number().optional() }).passthrough()]);
const MeFields = z
  .object({ display_name: z.string().nullish(), name: z.string().nullish(), username: z.string().nullish(), email: z.string().nullish(), credits: Credits.nullish(), credit_balance: z.number().nullish() })
  .passthrough();
const Me = MeFields.extend({ user: MeFields.nullish(), data: MeFields.nullish() });

const Created = z.object({ job_id: Id, creation_id: Id.nullish(), id: Id.nullish() }).passthrough();

const Job = z
  .object({
    status: z.string().min(1),
    creation_id: Id.nullish(),
    progress_pct: z.number().nullish(),
    estimated_remaining_seconds: z.number().nullish(),
    queue_position: z.number().int().nullish(),
    error: z.union([z.string(), z.object({ message: z.string().nullish() }).passthrough()]).nullish(),
    message: z.string().nullish(),
    failure_reason: z.string().nullish(),
    billed: z.boolean().nullish(),
    credits_refunded: z.boolean().nullish(),
  })
  .passthrough();
type Job = z.infer<typeof Job>;

const Artifact = z.union([
  z.string(),
  z.object({ url: z.string(), kind: z.string().nullish(), type: z.string().nullish(), role: z.string().nullish(), mime_type: z.string().nullish() }).passthrough(),
]);
const Creation = z.object({ main_url: z.string().nullish(), artifacts: z.array(Artifact).nullish(), credits_used: z.number().nonnegative().nullish() }).passthrough();

// ---------------------------------------------------------------- catalog → ModelInfo

/**
 * Used when no server-wide key can read /catalog. A guess from the docs' examples, kept narrow on
 * purpose (no seed, negative prompt or inputs): a submit always reads the live catalog first.
 */
export const KPAINTER_BUILTIN_TYPES: KPainterType[] = [
  { type: 'image', name: 'KPainter Image', output: 'image', aspect_ratios: ['1:1', '16:9', '9:16', '4:3', '3:4'] },
  { type: 'explainer_video', name: 'Explainer Video', output: 'video', aspect_ratios: ['16:9', '9:16'], duration_seconds: { min: 15, max: 90 } },
  { type: 'slides_video', name: 'Explainer Video (slide-based)', output: 'video', aspect_ratios: ['16:9', '9:16'] },
  { type: 'vector_animation', name: 'Vector Animation', output: 'video', aspect_ratios: ['16:9', '9:16'] },
];

// KPainter publishes no times in the docs; these guesses only shape the ETA and the first poll.
const DEFAULT_AVERAGE_SECONDS = { image: 20, video: 240 } as const;

function kindOf(entry: KPainterType): 'image' | 'video' | undefined {
  const out = entry.output?.toLowerCase();
  if (out === 'image' || out === 'video') return out;
  if (out) return undefined;
  if (entry.type === 'image' || entry.type.endsWith('_image')) return 'image';
  return /video|animation/.test(entry.type) ? 'video' : undefined;
}

/** `content_types` as entries, whichever of the three shapes it came in; undefined if none. */
export function catalogEntries(body: unknown, log?: Logger): KPainterType[] | undefined {
  const raw = (body as { content_types?: unknown } | undefined)?.content_types;
  const items: unknown[] = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.entries(raw).map(([type, v]) => ({ ...(v as object), type })) : [];
  if (!Array.isArray(raw) && items.length === 0) return undefined;
  const entries: KPainterType[] = [];
  for (const item of items) {
    const known = typeof item === 'string' ? KPAINTER_BUILTIN_TYPES.find((t) => t.type === item) : undefined;
    const parsed = KPainterType.safeParse(typeof item === 'string' ? (known ?? { type: item }) : item);
    if (parsed.success) entries.push(parsed.data);
    else log?.warn({ issue: parsed.error.issues[0]?.message }, 'skipping a KPainter catalog entry we cannot read');
  }
  return entries;
}

const maxCountOf = (e: KPainterType) => e.max_count ?? 1;
const durationsOf = (e: KPainterType) => e.duration_seconds ?? e.durations ?? undefined;
const entryOf = (model: ModelInfo): KPainterType | undefined => {
  const parsed = KPainterType.safeParse(model.inputSchema);
  return parsed.success ? parsed.data : undefined;
};

function paramsOf(entry: KPainterType, kind: 'image' | 'video'): ModelParams {
  const durations = durationsOf(entry);
  const maxInputs = entry.max_input_images ?? 0;
  return {
    prompt: { required: true, ...(entry.prompt_max_length ? { maxLength: entry.prompt_max_length } : {}) },
    ...(entry.aspect_ratios?.length ? { aspectRatios: entry.aspect_ratios } : {}),
    ...(durations ? { durations: Array.isArray(durations) ? durations : { ...(durations.min !== undefined ? { min: durations.min } : {}), ...(durations.max !== undefined ? { max: durations.max } : {}) } } : {}),
    ...(entry.qualities?.length ? { resolutions: entry.qualities } : {}),
    seed: entry.supports_seed === true,
    negativePrompt: entry.supports_negative_prompt === true,
    styles: entry.supports_style === true,
    imageInputs: { max: maxInputs, required: entry.input_image_required === true && maxInputs > 0 },
    startImage: kind === 'video' && maxInputs > 0,
  };
}

export function toModelInfo(entry: KPainterType): ModelInfo | undefined {
  const kind = kindOf(entry);
  if (!kind) return undefined;
  return {
    id: `${kind}/kpainter/${entry.type}`,
    provider: 'kpainter',
    kind,
    name: entry.name ?? entry.label ?? entry.type,
    ...(entry.description ? { description: entry.description } : {}),
    averageSeconds: entry.average_seconds ?? DEFAULT_AVERAGE_SECONDS[kind],
    deprecated: entry.deprecated === true,
    params: paramsOf(entry, kind),
    inputSchema: entry,
  };
}

// ---------------------------------------------------------------- request and status

/** Seeds for the n-th submit differ, so several creations of one request are not copies. */
const seedFor = (seed: number, index: number) => (seed + index * 7919) % 4294967296;
const PASSED_PARAMS = ['language', 'voice_id', 'scene_count'] as const;

export function buildCreationBody(request: ProviderSubmitRequest, entry: KPainterType): Record<string, unknown> {
  const body: Record<string, unknown> = { type: entry.type, prompt: request.prompt };
  if (request.aspectRatio) body['aspect_ratio'] = request.aspectRatio;
  if (request.outputs > 1 && maxCountOf(entry) > 1) body['count'] = Math.min(request.outputs, maxCountOf(entry));
  if (request.seed !== undefined && entry.supports_seed) body['seed'] = seedFor(request.seed, request.index);
  if (request.negativePrompt && entry.supports_negative_prompt) body['negative_prompt'] = request.negativePrompt;
  if (request.durationSeconds !== undefined && durationsOf(entry)) body['duration_seconds'] = request.durationSeconds;
  if (request.styleId && entry.supports_style) body['style_id'] = request.styleId;
  const quality = request.params['resolution'];
  if (typeof quality === 'string' && entry.qualities?.includes(quality)) body['quality'] = quality;
  for (const key of PASSED_PARAMS) if (request.params[key] !== undefined) body[key] = request.params[key];
  if (kindOf(entry) === 'video' && body['language'] === undefined) body['language'] = 'en';
  if (request.inputs.length > 0 && (entry.max_input_images ?? 0) > 0) body['image_urls'] = request.inputs.map((i) => i.url);
  return body;
}

type Phase = 'queued' | 'running' | 'ready' | 'failed' | 'invalid' | 'cancelled';
function phaseOf(status: string): Phase {
  const s = status.toLowerCase();
  if (/^(queued|pending|waiting|submitted|created)$/.test(s)) return 'queued';
  if (/^(ready|succeeded|success|completed|complete|done)$/.test(s)) return 'ready';
  if (/^(failed|failure|error|errored)$/.test(s)) return 'failed';
  if (/^(invalid|rejected)$/.test(s)) return 'invalid';
  if (/^(cancelled|canceled)$/.test(s)) return 'cancelled';
  return 'running';
}

function failedStatus(job: Job, phase: 'failed' | 'invalid'): ProviderStatus {
  // KPainter's own words, made fit to show (providerText); the first that says something.
  const why = [typeof job.error === 'string' ? job.error : job.error?.message, job.failure_reason, job.message].map((t) => (typeof t === 'string' ? providerText(t) : '')).find((t) => t !== '');
  const moderated = why !== undefined && /moderat|safety|nsfw|policy|sensitive/i.test(why);
  const reason = moderated
    ? 'KPainter declined this prompt under its content policy. Try rewording it.'
    : phase === 'invalid'
      ? `KPainter rejected this request as invalid${why ? `: ${why}` : '.'}`
      : `KPainter could not finish this job${why ? `: ${why}` : '.'}`;
  return { state: 'failed', providerState: job.status, reason, retryable: false, billed: job.billed === true || job.credits_refunded === false };
}

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime' };

/** Call only with a URL that parses. */
function mediaOf(url: string, declared?: string | null): MediaRef {
  const ext = new URL(url).pathname.split('.').pop()?.toLowerCase();
  const mimeType = declared ?? (ext ? MIME[ext] : undefined);
  return { url, source: 'provider', ...(mimeType ? { mimeType } : {}) };
}

/**
 * main_url first, then the artifacts of the model's kind that are results, not thumbnails. Every
 * http(s) link that parses is kept (each is a paid result); when links came but none parses,
 * nothing can be delivered: a retryable error, since asking again may bring good links.
 */
function outputsOf(creation: z.infer<typeof Creation>, kind: MediaKind): MediaRef[] {
  const candidates: Array<{ url: string; declared?: string | null | undefined }> = creation.main_url ? [{ url: creation.main_url }] : [];
  for (const a of creation.artifacts ?? []) {
    const label = typeof a === 'string' ? '' : [a.kind, a.type, a.role].filter(Boolean).join(' ');
    if (/thumb|cover|poster|preview/i.test(label)) continue;
    candidates.push(typeof a === 'string' ? { url: a } : { url: a.url, declared: a.mime_type });
  }
  const links = candidates.filter((c) => /^https?:\/\//.test(c.url));
  const usable = links.filter((c) => URL.canParse(c.url));
  if (usable.length === 0 && links.length > 0) throw brokenResultLinks();
  const seen = new Set<string>();
  return usable
    .map((c) => mediaOf(c.url, c.declared))
    .filter((m) => {
      const ok = !seen.has(m.url) && (!m.mimeType || m.mimeType.startsWith(`${kind}/`));
      seen.add(m.url);
      return ok;
    });
}

/** An id as a URL path segment; encodeURIComponent throws on a lone surrogate, which JSON allows. */
function idSegment(id: string): string {
  try {
    return encodeURIComponent(id);
  } catch {
    throw unusableId();
  }
}

// ---------------------------------------------------------------- the provider

export function createKPainterProvider(options: KPainterProviderOptions): GenerationProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const log = options.logger.child({ provider: 'kpainter' });
  const clock = options.clock ?? { now: () => Date.now() };
  const metrics = options.metrics ?? noopMetrics;
  const ttl = options.catalogTtlMs ?? 10 * 60_000;
  const http = { timeoutMs: options.requestTimeoutMs ?? 30_000, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) };
  let live: { models: ModelInfo[]; at: number } | undefined;

  async function call(op: string, path: string, key: string, init: { method: string; body?: unknown; signal?: AbortSignal | undefined }, modelId?: string): Promise<HttpResponse> {
    const started = clock.now();
    // The documented header; see the assumptions above for why not Bearer.
    const headers: Record<string, string> = { 'x-kgp-api-key': key, accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: HttpResponse;
    try {
      res = await httpJson(`${base}${path}`, { method: init.method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}), ...(init.signal ? { signal: init.signal } : {}) }, http);
    } catch (err) {
      metrics.providerCall('kpainter', op, 'network', clock.now() - started);
      if (init.signal?.aborted) throw err;
      throw networkError(err);
    }
    metrics.providerCall('kpainter', op, String(res.status), clock.now() - started);
    if (res.status >= 400) throw mapKPainterError(res.status, res.body, retryAfterMs(res.headers), { ...(modelId ? { modelId } : {}), secret: key });
    return res;
  }

  function parse<T extends z.ZodType>(schema: T, res: HttpResponse, what: string): z.infer<T> {
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) throw badResponse(what);
    return parsed.data;
  }

  async function loadCatalog(key: string, signal?: AbortSignal): Promise<ModelInfo[]> {
    const res = await call('catalog', '/catalog', key, { method: 'GET', signal });
    const entries = catalogEntries(res.body, log);
    if (!entries) throw badResponse('catalog JSON');
    live = { models: entries.map(toModelInfo).filter((m): m is ModelInfo => m !== undefined), at: clock.now() };
    return live.models;
  }

  async function me(ctx: ProviderCallContext) {
    const res = await call('me', '/me', ctx.credentials.apiKey, { method: 'GET', signal: ctx.signal });
    const m = parse(Me, res, '/me JSON');
    const layers = [m, m.user, m.data].filter((l) => !!l);
    const first = <T>(pick: (l: z.infer<typeof MeFields>) => T | null | undefined): T | undefined => layers.map(pick).find((v) => v !== undefined && v !== null) ?? undefined;
    const credits = first((l) => l.credits ?? l.credit_balance);
    const remaining = typeof credits === 'number' ? credits : (credits?.remaining ?? credits?.balance ?? credits?.available);
    return { account: first((l) => l.display_name ?? l.name ?? l.username ?? l.email), remaining };
  }

  return {
    id: 'kpainter',
    displayName: 'KPainter',
    // progress: we read progress_pct when the job has it; balance: /me carries the credits.
    capabilities: { cancel: false, progress: true, balance: true, reconcile: false, webhooks: false },

    async listModels({ signal }) {
      if (options.catalogKey) return loadCatalog(options.catalogKey, signal);
      return live?.models ?? KPAINTER_BUILTIN_TYPES.map(toModelInfo).filter((m): m is ModelInfo => m !== undefined);
    },

    async submit(request, ctx): Promise<Operation> {
      const fresh = live && clock.now() - live.at < ttl ? live.models : await loadCatalog(ctx.credentials.apiKey, ctx.signal);
      const entry = fresh.find((m) => m.id === request.modelId);
      const type = entry && entryOf(entry);
      if (!type) throw mapKPainterError(404, { detail: `unknown type for ${request.modelId}` }, undefined, { modelId: request.modelId });
      const res = await call('submit', '/creations', ctx.credentials.apiKey, { method: 'POST', body: buildCreationBody(request, type), signal: ctx.signal }, request.modelId);
      const created = parse(Created, res, 'creation JSON');
      const creationId = created.creation_id ?? created.id;
      return { providerJobId: created.job_id, modelId: request.modelId, submittedAt: clock.now(), ...(creationId ? { creationId } : {}) };
    },

    async status(operation, ctx): Promise<ProviderStatus> {
      const key = ctx.credentials.apiKey;
      const res = await call('status', `/creations/jobs/${idSegment(operation.providerJobId)}`, key, { method: 'GET', signal: ctx.signal });
      const job = parse(Job, res, 'job JSON');
      const phase = phaseOf(job.status);
      switch (phase) {
        case 'queued':
          return { state: 'queued', providerState: job.status, ...(typeof job.queue_position === 'number' ? { position: job.queue_position } : {}) };
        case 'running':
          return {
            state: 'running',
            providerState: job.status,
            ...(typeof job.progress_pct === 'number' ? { percent: Math.max(0, Math.min(100, job.progress_pct)) } : {}),
            ...(typeof job.estimated_remaining_seconds === 'number' ? { etaSeconds: Math.max(0, job.estimated_remaining_seconds) } : {}),
          };
        case 'failed':
        case 'invalid':
          return failedStatus(job, phase);
        case 'cancelled':
          return { state: 'cancelled', providerState: job.status };
        case 'ready': {
          const stored = operation['creationId'];
          const creationId = job.creation_id ?? (typeof stored === 'string' ? stored : undefined);
          if (!creationId) throw badResponse('ready job without a creation id');
          const detail = parse(Creation, await call('detail', `/creations/${idSegment(creationId)}`, key, { method: 'GET', signal: ctx.signal }), 'creation detail JSON');
          const kind: MediaKind = operation.modelId.startsWith('video/') ? 'video' : 'image';
          const cost: Cost | undefined = typeof detail.credits_used === 'number' ? { amount: detail.credits_used, unit: 'credits' } : undefined;
          return { state: 'succeeded', providerState: job.status, outputs: outputsOf(detail, kind), ...(cost ? { cost } : {}) };
        }
      }
    },

    async checkCredentials(ctx) {
      const { account } = await me(ctx);
      return account ? { account } : {};
    },

    async balance(ctx) {
      const { remaining } = await me(ctx);
      if (remaining === undefined) return undefined;
      return { text: `KPainter: ${remaining.toLocaleString('en-US')} credits left`, remaining, unit: 'credits' };
    },

    estimateCost(request, model) {
      const entry = entryOf(model);
      if (!entry) return undefined;
      if (typeof entry.credits_per_second === 'number' && request.durationSeconds !== undefined) return { amount: entry.credits_per_second * request.durationSeconds * request.count, unit: 'credits' };
      return typeof entry.credits === 'number' ? { amount: entry.credits * request.count, unit: 'credits' } : undefined;
    },

    batches(count, model) {
      // Creations that make several outputs take them in one go; otherwise one creation per output.
      const max = Math.max(1, entryOf(model)?.max_count ?? 1);
      const sizes: number[] = [];
      for (let left = count; left > 0; left -= max) sizes.push(Math.min(max, left));
      return sizes;
    },
  };
}
