/**
 * The Krev REST client (https://app.krev.ai/api/v1): a fixed catalog of three models, submit to
 * /images, /videos or /ads, status from /generations/{id}, credits, plus Krev's products and
 * chat runs. Credentials arrive per call and never reach a log or an error message.
 *
 * What Krev's docs leave open, and what this client assumes:
 * - Submit answers: the docs show POST /images, /videos and /ads answering with the finished media
 *   (`images`, `video_url`) yet also document polling /generations/{id} with queued/processing.
 *   Both are handled: media in the answer are kept in the Operation and `status` returns them
 *   without a call; an answer with only `generation_id` is polled.
 * - `credits_used` is read from the submit answer (documented there) and kept in the Operation;
 *   GET /generations/{id} documents no cost, but `credits_used` is read there too when present.
 * - Ad copy is documented only in the POST /ads answer; an `ad_copy` on the generation record
 *   (for an asynchronous answer) is read too, and wins.
 * - Output URLs are signed storage links that need no token (as the examples suggest) and may
 *   expire: deliver them soon. Their extension gives the MIME type (the examples show .webp, .mp4).
 * - The chat agent is the model `chat/krev/agent`: `submit` starts a run (POST /chat: the prompt is
 *   the message, `params.product_ids` the selected products, `params.agent` the agent, input
 *   images the reference_images) and keeps `runId`, `conversationId` and `pollUrl` in the
 *   Operation; `status` follows it with `chatStatus`. Krev documents no way to stop a run, so
 *   Cancel only stops following it (capabilities.cancel stays false). Chat runs are not priced in
 *   the docs: see KREV_PRICES.chatRun for the estimate.
 * - A chat run's poll answer is undocumented beyond a list of contents. Assumed: a status at
 *   `run.status` or `status` (queued|pending → queued, running|processing|in_progress → running,
 *   succeeded|completed|done → succeeded, failed|error → failed, cancelled), the text in
 *   `latest_assistant_text` or the last `assistant` message of `messages`/`transcript`, and media
 *   in `artifacts[].media_urls|urls|url`, `generations[].output.urls` or `media_urls`.
 * - `poll_url` is followed only on Krev's own origin (the key must not go elsewhere); otherwise
 *   GET {base}/chat/runs/{run_id}.
 * - GET /products?id=… returns one product as `data` (unused here); `limit` is capped at 100.
 * - Errors: 403 is undocumented but answered to some chat requests: treated as a key problem.
 *   Unknown request keys and non-integer durations are refused before sending, though the docs do
 *   not say Krev rejects them.
 * - Krev has no upload endpoint for inputs (reference_images and source_image take public URLs),
 *   so `uploadInput` is absent: input URLs must already be public.
 * - Failed generations are refunded (documented), so they are reported with `billed: false`.
 */
import type { Dispatcher } from 'undici';
import { FormData } from 'undici';
import { z } from 'zod';
import type { ModelInfo } from '../../../src/catalog.js';
import { ProviderError } from '../../../src/errors.js';
import { Operation, type ProviderStatus } from '../../../src/generation.js';
import type { Logger } from '../../../src/logger.js';
import type { MediaFile } from '../../../src/model.js';
import type { Clock, GenerationProvider, ProviderCallContext, ProviderSubmitRequest } from '../../../src/ports.js';
import { noopMetrics, type Metrics } from '../../../src/metrics-port.js';
import { httpJson, retryAfterMs, type HttpResponse } from '../http.js';
import { buildKrevSubmit } from './body.js';
import { estimateKrevCredits, krevBatches, KREV_CHAT_MODEL, KREV_MODELS } from './catalog.js';
import { badRequest, badResponse, krevErrorText, mapKrevError, networkError, unusableId } from './errors.js';
import { envelope, KrevChatRun, KrevChatStart, KrevCredits, KrevGeneration, KrevProductJson, KrevSubmitAnswer } from './schemas.js';
import { adCopyText, chatRunStatus, isResultUrl, knownChatState, mediaOf, toProviderStatus } from './states.js';

export interface KrevProviderOptions {
  /** The API base, e.g. https://app.krev.ai/api/v1 (no trailing slash needed). */
  baseUrl: string;
  logger: Logger;
  dispatcher?: Dispatcher;
  clock?: Clock;
  requestTimeoutMs?: number;
  metrics?: Metrics;
}

/** A product of the account's Krev catalog; its id goes into `params.product_ids`. */
export interface KrevProduct {
  id: string;
  name?: string;
  imageUrl?: string;
  segmentedImageUrl?: string;
  category?: string;
  metadata?: Record<string, unknown>;
  createdAt?: string;
}

/** A new product from a public (or data:) URL, or from uploaded bytes (JPG, PNG or WebP). */
export type KrevProductSource = ({ imageUrl: string; file?: never } | { file: MediaFile; imageUrl?: never }) & { name?: string; skipSegmentation?: boolean };

export interface KrevChatRequest {
  message: string;
  productIds?: string[];
  referenceImages?: string[];
  agent?: 'auto' | 'asset' | 'discover';
  /** Continues an earlier API conversation. */
  conversationId?: string;
}

/** A chat run, JSON-safe like an Operation: keep it to poll later with `chatStatus`. */
export type KrevChatHandle = Operation & { runId: string; conversationId: string; pollUrl: string };

export type KrevProvider = GenerationProvider &
  Required<Pick<GenerationProvider, 'balance' | 'checkCredentials' | 'estimateCost' | 'batches'>> & {
    /** The account's catalog products, newest first as Krev lists them (at most 100). */
    listProducts(ctx: ProviderCallContext, options?: { limit?: number }): Promise<KrevProduct[]>;
    /** Adds a product (Krev removes the background and names it unless told). */
    createProduct(ctx: ProviderCallContext, source: KrevProductSource): Promise<KrevProduct>;
    /** Queues an agent run; poll it with `chatStatus`. */
    startChat(ctx: ProviderCallContext, request: KrevChatRequest): Promise<KrevChatHandle>;
    /** The run as a ProviderStatus: media artifacts → outputs, latest assistant text → text. */
    chatStatus(handle: KrevChatHandle, ctx: ProviderCallContext): Promise<ProviderStatus>;
  };

/** What `submit` keeps in the Operation (JSON-safe), read back with zod because it comes from Redis. */
const KrevOperationData = z.object({
  endpoint: z.enum(['images', 'videos', 'ads']),
  creditsUsed: z.number().nonnegative().optional(),
  /** Media of a synchronous answer: the job is already done. */
  urls: z.array(z.string()).optional(),
  /** Ad copy as neutral markdown. */
  adText: z.string().optional(),
});
type KrevOperationData = z.infer<typeof KrevOperationData>;

const ChatHandleData = z.object({ runId: z.string().min(1), pollUrl: z.string().min(1) });

/** What a chat submit reads from `request.params`, checked because it comes back from Redis (other keys are not the agent's). */
const ChatParams = z.object({
  product_ids: z.array(z.string().min(1)).max(100).optional(),
  agent: z.enum(['auto', 'asset', 'discover']).optional(),
  conversation_id: z.string().min(1).optional(),
});

export const CHAT_MODEL_ID = KREV_CHAT_MODEL;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PRODUCT_TYPES = /^image\/(png|jpe?g|webp)$/i;

/** An id as a URL path segment; encodeURIComponent throws on a lone surrogate, which JSON allows. */
function idSegment(id: string): string {
  try {
    return encodeURIComponent(id);
  } catch {
    throw unusableId();
  }
}

export function createKrevProvider(options: KrevProviderOptions): KrevProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const log = options.logger.child({ provider: 'krev' });
  const clock = options.clock ?? { now: () => Date.now() };
  const metrics = options.metrics ?? noopMetrics;
  const http = { timeoutMs: options.requestTimeoutMs ?? 30_000, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) };

  type Body = { json: unknown } | { form: FormData } | undefined;

  async function call<T extends z.ZodType>(op: string, method: string, url: string, ctx: ProviderCallContext, schema: T, body?: Body): Promise<z.infer<T>> {
    const key = ctx.credentials.apiKey;
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
    if (body && 'json' in body) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.form;
    const started = clock.now();
    let res: HttpResponse;
    try {
      res = await httpJson(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) }, http);
    } catch (err) {
      metrics.providerCall('krev', op, 'network', clock.now() - started);
      if (ctx.signal?.aborted) throw err;
      throw networkError(err);
    }
    metrics.providerCall('krev', op, String(res.status), clock.now() - started);
    if (res.status < 200 || res.status >= 300) throw mapKrevError(res.status, res.body, retryAfterMs(res.headers), key);
    if (res.body === undefined) throw badResponse(`${op}: HTTP ${res.status} without JSON (${res.text.length} bytes)`);
    if (res.body === null) throw badResponse(`${op}: HTTP ${res.status} with JSON null`);
    if ((res.body as { success?: unknown }).success === false) throw badResponse(`${op}: success:false with HTTP ${res.status}: ${krevErrorText(res.body, 'no error text', key)}`, key);
    const parsed = envelope(schema).safeParse(res.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
      log.warn({ op, where }, 'Krev answer does not match its documented shape');
      throw badResponse(`${op}: ${where}`, key);
    }
    return (parsed.data as { data: z.infer<T> }).data;
  }

  const productOf = (p: KrevProductJson): KrevProduct => ({
    id: p.id,
    ...(p.name ? { name: p.name } : {}),
    ...(p.image_url ? { imageUrl: p.image_url } : {}),
    ...(p.segmented_image_url ? { segmentedImageUrl: p.segmented_image_url } : {}),
    ...(p.category ? { category: p.category } : {}),
    ...(p.metadata ? { metadata: p.metadata } : {}),
    ...(p.created_at ? { createdAt: p.created_at } : {}),
  });

  /** Krev's own run URL, never another host: the bearer key goes with it. */
  function safePollUrl(pollUrl: string | null | undefined, runId: string): string {
    const fallback = `${base}/chat/runs/${idSegment(runId)}`;
    if (!pollUrl) return fallback;
    try {
      return new URL(pollUrl).origin === origin ? pollUrl : fallback;
    } catch {
      return fallback;
    }
  }

  async function readCredits(ctx: ProviderCallContext): Promise<KrevCredits> {
    return call('credits', 'GET', `${base}/credits`, ctx, KrevCredits);
  }

  async function startChat(ctx: ProviderCallContext, chat: KrevChatRequest): Promise<KrevChatHandle> {
    if (chat.message.trim() === '') throw badRequest('chat without a message', 'A Krev chat run needs a message.');
    const body = {
      message: chat.message,
      ...(chat.conversationId ? { conversation_id: chat.conversationId } : {}),
      ...(chat.productIds && chat.productIds.length > 0 ? { product_ids: chat.productIds } : {}),
      ...(chat.referenceImages && chat.referenceImages.length > 0 ? { reference_images: chat.referenceImages } : {}),
      ...(chat.agent ? { agent: chat.agent } : {}),
    };
    const run = await call('chat_start', 'POST', `${base}/chat`, ctx, KrevChatStart, { json: body });
    return { providerJobId: run.run_id, modelId: CHAT_MODEL_ID, submittedAt: clock.now(), runId: run.run_id, conversationId: run.conversation_id, pollUrl: safePollUrl(run.poll_url, run.run_id) };
  }

  /** A generation request for the agent model → a chat run: the prompt is the message, input images the references. */
  async function startChatRun(request: ProviderSubmitRequest, ctx: ProviderCallContext): Promise<KrevChatHandle> {
    const parsed = ChatParams.safeParse({ product_ids: request.params['product_ids'], agent: request.params['agent'], conversation_id: request.params['conversation_id'] });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'params';
      throw badRequest(`bad Krev chat params: ${where}: ${issue?.message}`, `\`${where}\` doesn't fit Krev's agent: ${issue?.message ?? 'invalid value'}.`);
    }
    if (request.outputs !== 1) throw badRequest(`chat submit asked for ${request.outputs} outputs`, 'Krev’s agent runs one brief at a time.');
    const { product_ids: productIds, agent, conversation_id: conversationId } = parsed.data;
    const references = request.inputs.map((i) => i.url);
    return startChat(ctx, {
      message: request.prompt,
      ...(productIds?.length ? { productIds } : {}),
      ...(references.length > 0 ? { referenceImages: references } : {}),
      ...(agent ? { agent } : {}),
      ...(conversationId ? { conversationId } : {}),
    });
  }

  /** Polls a run kept in an Operation (read back from Redis: validated before use). */
  async function followChat(handle: Operation, ctx: ProviderCallContext): Promise<ProviderStatus> {
    const parsed = ChatHandleData.safeParse(handle);
    if (!parsed.success) throw new ProviderError({ provider: 'krev', code: 'bad_request', retryable: false, message: 'chat handle without runId/pollUrl', userMessage: 'That Krev chat run cannot be followed (its handle is incomplete).' });
    const run = await call('chat_status', 'GET', safePollUrl(parsed.data.pollUrl, parsed.data.runId), ctx, KrevChatRun);
    const status = run.run?.status ?? run.status ?? '';
    if (!knownChatState(status)) throw badResponse(`chat_status: unknown run status ${status}`);
    return chatRunStatus(run);
  }

  return {
    id: 'krev',
    displayName: 'Krev',
    // Krev reports progress and credits; it has no cancel, no job list and no webhooks.
    capabilities: { cancel: false, progress: true, balance: true, reconcile: false, webhooks: false },

    async listModels() {
      return KREV_MODELS.map((m) => structuredClone(m));
    },

    async submit(request, ctx): Promise<Operation> {
      if (request.modelId === CHAT_MODEL_ID) return startChatRun(request, ctx);
      const { endpoint, body } = buildKrevSubmit(request);
      const answer = await call(`submit_${endpoint}`, 'POST', `${base}/${endpoint}`, ctx, KrevSubmitAnswer, { json: body });
      // Only links that parse are kept: with none, status polls the generation instead.
      const urls = [...(answer.images ?? []), ...(answer.video_url ? [answer.video_url] : [])].filter(isResultUrl);
      const adText = adCopyText(answer.ad_copy);
      const krev: KrevOperationData = {
        endpoint,
        ...(typeof answer.credits_used === 'number' ? { creditsUsed: answer.credits_used } : {}),
        ...(urls.length > 0 ? { urls } : {}),
        ...(adText ? { adText } : {}),
      };
      return { providerJobId: answer.generation_id, modelId: request.modelId, submittedAt: clock.now(), krev };
    },

    async status(operation, ctx): Promise<ProviderStatus> {
      if (operation.modelId === CHAT_MODEL_ID) return followChat(operation, ctx);
      const stored = KrevOperationData.safeParse(operation['krev']);
      const krev = stored.success ? stored.data : undefined;
      const cost = krev?.creditsUsed !== undefined ? { amount: krev.creditsUsed, unit: 'credits' as const } : undefined;
      // Kept by an older submit, a stored link may not parse: with none that does, the generation record is read instead.
      const urls = krev?.urls?.filter(isResultUrl) ?? [];
      if (urls.length > 0) {
        // Answered synchronously: the media are already here, nothing to poll.
        return { state: 'succeeded', providerState: 'succeeded', outputs: urls.map(mediaOf), ...(cost ? { cost } : {}), ...(krev?.adText ? { text: krev.adText } : {}) };
      }
      const gen = await call('status', 'GET', `${base}/generations/${idSegment(operation.providerJobId)}`, ctx, KrevGeneration);
      return toProviderStatus(gen, { ...(cost ? { cost } : {}), ...(krev?.adText ? { text: krev.adText } : {}) });
    },

    async checkCredentials(ctx) {
      const credits = await readCredits(ctx);
      const account = credits.plan_name ?? credits.plan ?? undefined;
      return account ? { account } : {};
    },

    async balance(ctx) {
      const c = await readCredits(ctx);
      const fmt = (n: number) => n.toLocaleString('en-US');
      const limit = typeof c.credits.limit === 'number' ? ` of ${fmt(c.credits.limit)}` : '';
      const planName = c.plan_name ?? c.plan;
      const plan = planName ? ` (${/\bplan$/i.test(planName) ? planName : `${planName} plan`})` : '';
      const resetAt = c.resets_at ? new Date(c.resets_at) : undefined;
      const resets = resetAt && Number.isFinite(resetAt.getTime()) ? `, resets ${resetAt.getUTCDate()} ${MONTHS[resetAt.getUTCMonth()]}` : '';
      return { text: `Krev: ${fmt(c.credits.current)}${limit} credits left${plan}${resets}`, remaining: c.credits.current, unit: 'credits' };
    },

    estimateCost(request, model) {
      return estimateKrevCredits({ ...request, modelId: model.id });
    },

    batches(count, model: ModelInfo) {
      return krevBatches(count, model);
    },

    async listProducts(ctx, listOptions = {}) {
      const limit = Math.min(100, Math.max(1, Math.floor(listOptions.limit ?? 50)));
      const items = await call('products_list', 'GET', `${base}/products?limit=${limit}`, ctx, z.array(KrevProductJson));
      return items.map(productOf);
    },

    async createProduct(ctx, source) {
      const common = { ...(source.name ? { name: source.name } : {}), ...(source.skipSegmentation ? { skip_segmentation: true } : {}) };
      if (source.file) {
        const { file } = source;
        if (!PRODUCT_TYPES.test(file.mimeType)) throw badRequest(`product upload of ${file.mimeType}`, `\`${file.name}\` is not a JPG, PNG or WebP image, the types Krev takes for products.`);
        const form = new FormData();
        form.set('file', new Blob([Buffer.from(file.bytes)], { type: file.mimeType }), file.name);
        if (common.name) form.set('name', common.name);
        if (common.skip_segmentation) form.set('skip_segmentation', 'true');
        return productOf(await call('products_create', 'POST', `${base}/products`, ctx, KrevProductJson, { form }));
      }
      if (!source.imageUrl) throw badRequest('product without an image', 'A Krev product needs an image: a URL or a file.');
      return productOf(await call('products_create', 'POST', `${base}/products`, ctx, KrevProductJson, { json: { image_url: source.imageUrl, ...common } }));
    },

    startChat,
    chatStatus: (handle, ctx) => followChat(handle, ctx),
  };
}
