/**
 * Slack Web API calls for the pipeline's hot path — status posts, card edits and the three calls
 * of an upload — straight over undici, with one keep-alive pool per process. Every job makes these
 * five calls; through @slack/web-api's WebClient each cost ~1 ms of CPU against ~0.3 ms for the
 * request itself (its queue, retry wrapper, body serialiser, debug logging and response wrapper),
 * which made them the largest part of a job's CPU (docs/BENCHMARKS.md, "Pipeline throughput").
 * The WebClient stays for every other call (./platform.ts).
 *
 * Same behaviour as the WebClient configured in ./platform.ts: arguments form-encoded (objects as
 * JSON, as the WebClient does) except chat.postMessage and chat.update, sent as JSON bodies; the
 * token in the Authorization header only, retries with exponential backoff (0.5 s doubling, at
 * most 30 s) for network errors, HTTP errors and 429s (which wait Slack's Retry-After first),
 * `ok: false` never retried, and errors shaped like the WebClient's (`code` from its ErrorCode,
 * `data`, `retryAfter`, `statusCode`), so toPlatformError reads both alike. Answers are small JSON
 * documents, read whole.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '@slack/web-api';
import type { Dispatcher } from 'undici';
import { slackAgent } from './transport.js';

export interface SlackCallOptions {
  /** Tries after the first (the WebClient's retryConfig.retries). */
  retries: number;
  /** A 429 fails at once as rate limited instead of waiting (the WebClient's rejectRateLimitedCalls). */
  rejectRateLimited?: boolean;
  signal?: AbortSignal;
}

export type SlackAnswer = Record<string, unknown> & { ok: true };

/** A failed call, with the fields the WebClient's errors carry. */
export class SlackCallError extends Error {
  override readonly name = 'SlackCallError';
  constructor(
    message: string,
    readonly code: ErrorCode,
    extra: { data?: Record<string, unknown>; retryAfter?: number; statusCode?: number; body?: string; cause?: unknown } = {},
  ) {
    super(message, extra.cause !== undefined ? { cause: extra.cause } : undefined);
    Object.assign(this, extra);
  }
  declare readonly data?: Record<string, unknown>;
  declare readonly retryAfter?: number;
  declare readonly statusCode?: number;
  declare readonly body?: string;
}

/**
 * Sent as JSON bodies (docs.slack.dev/apis/web-api, "JSON-encoded bodies": chat.postMessage and
 * chat.update take them, token in the Authorization header): their blocks are a large JSON
 * document that a form body would percent-encode on every status post and card edit.
 */
const JSON_METHODS = new Set(['chat.postMessage', 'chat.update']);

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** The WebClient's encoding: strings, numbers and booleans as they are, anything else as JSON; undefined left out. */
export function formEncode(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    form.append(key, typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));
  }
  return form.toString();
}

export interface SlackWebApi {
  call(method: string, args: Record<string, unknown>, opts: SlackCallOptions): Promise<SlackAnswer>;
  /**
   * POSTs a file's raw bytes to the upload URL files.getUploadURLExternal gave (Slack accepts raw
   * bytes or multipart). The token goes along only when `withToken` (the URL is on a Slack host).
   */
  uploadBytes(uploadUrl: string, bytes: Uint8Array, opts: SlackCallOptions & { withToken: boolean }): Promise<void>;
}

export function createSlackWebApi(options: { token: string; apiUrl: string; dispatcher?: Dispatcher }): SlackWebApi {
  // Parsed once: undici's top-level request() parses every call's URL again to find these two.
  const api = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
  const dispatcher = options.dispatcher ?? slackAgent();
  const authorization = `Bearer ${options.token}`;

  /** One HTTP exchange; what may be tried again throws a retryable error, the rest a final one. */
  async function exchange(target: { origin: string; path: string }, body: string | Uint8Array, contentType: string, opts: SlackCallOptions & { withToken?: boolean }): Promise<{ status: number; text: string }> {
    let res: Dispatcher.ResponseData;
    const headers = opts.withToken === false ? { 'content-type': contentType } : { authorization, 'content-type': contentType };
    try {
      res = await dispatcher.request({ origin: target.origin, path: target.path, method: 'POST', headers, body, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new Retryable(new SlackCallError(`A request error occurred: ${(err as { code?: string }).code ?? (err as Error).message}`, ErrorCode.RequestError, { cause: err }));
    }
    const text = await res.body.text();
    if (res.statusCode === 429) {
      const retryAfter = Number(res.headers['retry-after']);
      const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1;
      const limited = new SlackCallError(`A rate-limit has been reached, you may retry this request in ${seconds} seconds`, ErrorCode.RateLimitedError, { retryAfter: seconds });
      if (opts.rejectRateLimited) throw limited;
      throw new Retryable(limited, seconds * 1000);
    }
    if (res.statusCode !== 200) throw new Retryable(new SlackCallError(`An HTTP protocol error occurred: statusCode = ${res.statusCode}`, ErrorCode.HTTPError, { statusCode: res.statusCode, body: text }));
    return { status: res.statusCode, text };
  }

  async function withRetries<T>(opts: SlackCallOptions, attempt: () => Promise<T>): Promise<T> {
    for (let tryNo = 0; ; tryNo++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        if (tryNo >= opts.retries) throw err.error;
        const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** tryNo);
        await sleep(Math.max(backoff, err.waitMs ?? 0), undefined, opts.signal ? { signal: opts.signal } : {});
      }
    }
  }

  return {
    async call(method, args, opts) {
      // Slack recommends JSON for the block-carrying chat methods; every other method stays as the WebClient sends it.
      const body = JSON_METHODS.has(method) ? [JSON.stringify(args), 'application/json; charset=utf-8'] as const : [formEncode(args), 'application/x-www-form-urlencoded'] as const;
      const { text } = await withRetries(opts, () => exchange({ origin: api.origin, path: `${api.pathname}${method}` }, body[0], body[1], opts));
      let answer: Record<string, unknown>;
      try {
        answer = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new SlackCallError(`${method}: the answer was not JSON`, ErrorCode.PlatformError, { data: { ok: false, error: 'invalid_response' } });
      }
      if (answer['ok'] !== true) throw new SlackCallError(`An API error occurred: ${String(answer['error'])}`, ErrorCode.PlatformError, { data: answer });
      return answer as SlackAnswer;
    },
    async uploadBytes(uploadUrl, bytes, opts) {
      const url = new URL(uploadUrl);
      await withRetries(opts, () => exchange({ origin: url.origin, path: `${url.pathname}${url.search}` }, bytes, 'application/octet-stream', opts));
    },
  };
}

/** Internal: an error worth another try, and how long Slack asked us to wait first. */
class Retryable extends Error {
  constructor(
    readonly error: SlackCallError,
    readonly waitMs?: number,
  ) {
    super(error.message);
  }
}
