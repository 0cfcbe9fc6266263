/** The KPainter simulator's knobs: scripted failures, dropped connections, latency, failing jobs, revoked keys, credits, API shape. */

export type KPainterSimRoute = 'me' | 'catalog' | 'create' | 'job' | 'creation' | 'any';

export interface KPainterScriptedFailure {
  route: KPainterSimRoute;
  status: number;
  body?: unknown;
  /** Sent verbatim instead of JSON (for malformed answers). */
  raw?: string;
  headers?: Record<string, string>;
  remaining: number;
}

export const INSUFFICIENT_CREDITS_DETAIL = 'Insufficient credits. Please top up on the KPainter website.';
export const DEFAULT_CREDITS = 1000;

export class KPainterSimControl {
  failures: KPainterScriptedFailure[] = [];
  dropRemaining = 0;
  latencyMs = 0;
  failNextJobs = 0;
  /** How scripted jobs end: `failed` (the run broke) or `invalid` (the request was refused late). */
  failAs: 'failed' | 'invalid' = 'failed';
  failReason = 'Rendering failed';
  revoked = new Set<string>();
  credits = DEFAULT_CREDITS;
  /** Answer in the older shape: /me without credits, numeric creation ids, jobs without progress. */
  legacyShape = false;

  /** The next `count` requests on `route` answer `status` with `body` (or `raw` text). */
  fail(route: KPainterSimRoute, status: number, options: { body?: unknown; raw?: string; count?: number; headers?: Record<string, string> } = {}): void {
    this.failures.push({
      route,
      status,
      remaining: options.count ?? 1,
      ...(options.raw !== undefined ? { raw: options.raw } : { body: options.body ?? defaultBody(status) }),
      ...(options.headers ? { headers: options.headers } : {}),
    });
  }
  /** The next `count` answers on `route` are 200 with a body that is not JSON. */
  malformed(route: KPainterSimRoute, count = 1): void {
    this.fail(route, 200, { raw: '{"job_id": "trunc', count });
  }
  /** Destroys the socket of the next `count` requests without answering. */
  dropConnections(count = 1): void {
    this.dropRemaining += count;
  }
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  /** The next `count` creations end as `as` instead of `ready`. */
  failJobs(count = 1, options: { as?: 'failed' | 'invalid'; reason?: string } = {}): void {
    this.failNextJobs += count;
    this.failAs = options.as ?? 'failed';
    if (options.reason) this.failReason = options.reason;
  }
  revoke(key: string): void {
    this.revoked.add(key);
  }
  setCredits(credits: number): void {
    this.credits = credits;
  }
  reset(): void {
    Object.assign(this, new KPainterSimControl());
  }

  takeFailure(route: KPainterSimRoute): KPainterScriptedFailure | undefined {
    const f = this.failures.find((x) => x.remaining > 0 && (x.route === route || x.route === 'any'));
    if (!f) return undefined;
    f.remaining -= 1;
    this.failures = this.failures.filter((x) => x.remaining > 0);
    return f;
  }
}

/** FastAPI-style bodies, as KPainter answers them. */
function defaultBody(status: number): unknown {
  switch (status) {
    case 401:
      return { detail: 'Invalid API key' };
    case 402:
      return { detail: INSUFFICIENT_CREDITS_DETAIL };
    case 403:
      return { detail: 'This API key is not allowed to manage creations' };
    case 404:
      return { detail: 'Not Found' };
    case 422:
      return { detail: [{ loc: ['body', 'aspect_ratio'], msg: 'unsupported aspect ratio', type: 'value_error' }] };
    case 429:
      return { detail: 'Too many requests' };
    default:
      return { detail: status >= 500 ? 'Internal Server Error' : `Simulated error ${status}` };
  }
}
