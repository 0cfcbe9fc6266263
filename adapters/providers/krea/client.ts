/**
 * The Krea REST client (https://api.krea.ai): model catalog from /openapi.json, submit, status,
 * cancel, asset upload, webhook parsing. Credentials arrive per call and never reach a log.
 */
import type { Dispatcher } from 'undici';
import { FormData } from 'undici';
import type { ModelInfo } from '../../../src/catalog.js';
import { ProviderError } from '../../../src/errors.js';
import type { Operation, ProviderStatus } from '../../../src/generation.js';
import type { Logger } from '../../../src/logger.js';
import type { Clock, GenerationProvider, ProviderCallContext, ProviderSubmitRequest } from '../../../src/ports.js';
import { noopMetrics, type Metrics } from '../../../src/metrics-port.js';
import { httpJson, retryAfterMs, type HttpResponse } from '../http.js';
import { buildKreaBody } from './body.js';
import { mapKreaError, networkError, unusableId } from './errors.js';
import { createSchemaValidator, describeSchemaErrors, parseKreaOpenApi } from './openapi.js';
import { toModelInfo } from './params.js';
import { KreaJob, KreaJobList, toProviderStatus } from './states.js';

export const KREA_MAX_ASSET_BYTES = 75 * 1024 * 1024;

export interface KreaProviderOptions {
  baseUrl: string;
  logger: Logger;
  dispatcher?: Dispatcher;
  clock?: Clock;
  requestTimeoutMs?: number;
  metrics?: Metrics;
}

export type KreaProvider = GenerationProvider & { models(signal?: AbortSignal): Promise<ModelInfo[]> };

/** An id as a URL path segment; encodeURIComponent throws on a lone surrogate, which JSON allows. */
function idSegment(id: string): string {
  try {
    return encodeURIComponent(id);
  } catch {
    throw unusableId();
  }
}

/** A model without an input schema accepts anything (one object, so its validator is compiled once). */
const NO_SCHEMA: Record<string, unknown> = {};

export function createKreaProvider(options: KreaProviderOptions): KreaProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const log = options.logger.child({ provider: 'krea' });
  const clock = options.clock ?? { now: () => Date.now() };
  const metrics = options.metrics ?? noopMetrics;
  const http = { timeoutMs: options.requestTimeoutMs ?? 30_000, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) };
  const validator = createSchemaValidator();
  const warnedDeprecation = new Set<string>();
  let models: ModelInfo[] | undefined;

  const auth = (ctx: ProviderCallContext) => ({ authorization: `Bearer ${ctx.credentials.apiKey}` });

  async function call(op: string, url: string, init: Parameters<typeof httpJson>[1], modelId?: string): Promise<HttpResponse> {
    const started = clock.now();
    let res: HttpResponse;
    try {
      res = await httpJson(url, init, http);
    } catch (err) {
      metrics.providerCall('krea', op, 'network', clock.now() - started);
      if (init.signal?.aborted) throw err;
      throw networkError(err);
    }
    metrics.providerCall('krea', op, String(res.status), clock.now() - started);
    const deprecation = res.headers['deprecation'] ?? res.headers['sunset'];
    const key = modelId ?? url;
    if (deprecation && !warnedDeprecation.has(key)) {
      warnedDeprecation.add(key);
      log.warn({ model: modelId, deprecation: res.headers['deprecation'], sunset: res.headers['sunset'], link: res.headers['link'] }, 'Krea marks this endpoint as deprecated');
    }
    if (res.status >= 400) throw mapKreaError(res.status, res.body, retryAfterMs(res.headers), modelId ? { modelId } : {});
    return res;
  }

  function parseJob(res: HttpResponse): KreaJob {
    const parsed = KreaJob.safeParse(res.body);
    if (!parsed.success) {
      throw new ProviderError({ provider: 'krea', code: 'bad_response', retryable: true, message: `unexpected job JSON: ${parsed.error.issues[0]?.message}`, userMessage: 'Krea answered with something unexpected. Retrying.' });
    }
    return parsed.data;
  }

  async function loadModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const res = await call('openapi', `${base}/openapi.json`, { method: 'GET', ...(signal ? { signal } : {}) });
    const first = models === undefined;
    models = parseKreaOpenApi(res.body).map(toModelInfo);
    // The validator's first compile costs ~50 ms (ajv sets itself up; later ones take ~5 ms): paid
    // here, with the catalog's load at start-up, not by the first submit while acks wait behind it.
    const sample = models.find((m) => m.inputSchema);
    if (first && sample) validator(sample.inputSchema as Record<string, unknown>);
    return models;
  }

  async function modelFor(modelId: string, signal?: AbortSignal): Promise<ModelInfo | undefined> {
    return (models ?? (await loadModels(signal))).find((m) => m.id === modelId);
  }

  return {
    id: 'krea',
    displayName: 'Krea',
    // Krea reports no progress and has no balance endpoint; GET /jobs lists a key's jobs newest first.
    capabilities: { cancel: true, progress: false, balance: false, reconcile: true, webhooks: true },
    models: loadModels,
    listModels: ({ signal }) => loadModels(signal),

    async submit(request: ProviderSubmitRequest, ctx): Promise<Operation> {
      const model = await modelFor(request.modelId, ctx.signal);
      const schema = (model?.inputSchema ?? NO_SCHEMA) as Record<string, unknown>;
      const body = buildKreaBody(request, schema);
      if (model) {
        const validate = validator(schema);
        if (!validate(body)) {
          // Our own mapping produced a body the model refuses: a bug on our side, not the user's.
          throw new ProviderError({ provider: 'krea', code: 'bad_request', retryable: false, message: `built body fails ${model.id} schema: ${describeSchemaErrors(validate)}`, userMessage: `Those settings don't fit \`${model.id}\`: ${describeSchemaErrors(validate)}.` });
        }
      }
      const headers: Record<string, string> = { ...auth(ctx), 'content-type': 'application/json' };
      if (request.webhookUrl) headers['x-webhook-url'] = request.webhookUrl;
      const res = await call('submit', `${base}/generate/${request.modelId}`, { method: 'POST', headers, body: JSON.stringify(body), ...(ctx.signal ? { signal: ctx.signal } : {}) }, request.modelId);
      const job = parseJob(res);
      return { providerJobId: job.job_id, modelId: request.modelId, submittedAt: clock.now() };
    },

    async status(operation, ctx): Promise<ProviderStatus> {
      const res = await call('status', `${base}/jobs/${idSegment(operation.providerJobId)}`, { method: 'GET', headers: auth(ctx), ...(ctx.signal ? { signal: ctx.signal } : {}) }, operation.modelId);
      return toProviderStatus(parseJob(res));
    },

    async cancel(operation, ctx): Promise<ProviderStatus> {
      try {
        await call('cancel', `${base}/jobs/${idSegment(operation.providerJobId)}`, { method: 'DELETE', headers: auth(ctx), ...(ctx.signal ? { signal: ctx.signal } : {}) }, operation.modelId);
      } catch (err) {
        // Already finished or already gone: the read below tells what really happened.
        if (!(err instanceof ProviderError && err.code === 'not_found')) throw err;
      }
      try {
        return await this.status(operation, ctx);
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'not_found') return { state: 'cancelled', providerState: 'deleted' };
        throw err;
      }
    },

    async uploadInput(file, ctx): Promise<string> {
      if (file.bytes.length > KREA_MAX_ASSET_BYTES) {
        throw new ProviderError({ provider: 'krea', code: 'bad_request', retryable: false, message: 'asset over 75 MB', userMessage: `\`${file.name}\` is over Krea's 75 MB limit for inputs.` });
      }
      const form = new FormData();
      form.set('file', new Blob([Buffer.from(file.bytes)], { type: file.mimeType }), file.name);
      const res = await call('upload', `${base}/assets`, { method: 'POST', headers: auth(ctx), body: form, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      const url = (res.body as { image_url?: unknown } | undefined)?.image_url;
      if (typeof url !== 'string') throw new ProviderError({ provider: 'krea', code: 'bad_response', retryable: true, message: 'asset answer without image_url', userMessage: 'Krea did not accept the input image. Retrying.' });
      return url;
    },

    async checkCredentials(ctx) {
      // Krea has no "who am I": an authenticated read of the job list proves the key works.
      await call('check', `${base}/jobs?limit=1`, { method: 'GET', headers: auth(ctx), ...(ctx.signal ? { signal: ctx.signal } : {}) });
      return {};
    },

    estimateCost(request, model) {
      // The first row of the model's compute-unit table, once per output: a relative figure, not USD.
      if (model.computeUnits === undefined) return undefined;
      return { amount: model.computeUnits * request.count, unit: 'compute_units' };
    },

    async listRecentJobs(since, ctx) {
      // Newest first; one page of 100 reaches far back enough for a window of a few minutes.
      const res = await call('list', `${base}/jobs?limit=100`, { method: 'GET', headers: auth(ctx), ...(ctx.signal ? { signal: ctx.signal } : {}) });
      const parsed = KreaJobList.safeParse(res.body);
      if (!parsed.success) throw new ProviderError({ provider: 'krea', code: 'bad_response', retryable: true, message: 'unexpected job list JSON', userMessage: 'Krea answered with something unexpected. Retrying.' });
      return parsed.data.items
        .map((item) => ({ providerJobId: item.job_id, createdAt: Date.parse(item.created_at ?? '') }))
        .filter((item) => Number.isFinite(item.createdAt) && item.createdAt >= since);
    },

    adopt(job, request) {
      return { providerJobId: job.providerJobId, modelId: request.modelId, submittedAt: clock.now() };
    },

    parseWebhook(body) {
      const parsed = KreaJob.safeParse(body);
      if (!parsed.success) return undefined;
      try {
        return { providerJobId: parsed.data.job_id, status: toProviderStatus(parsed.data) };
      } catch (err) {
        // A job whose status cannot be read: its own poll meets the same answer and retries.
        if (err instanceof ProviderError) return undefined;
        throw err;
      }
    },
  };
}
