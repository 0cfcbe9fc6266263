/**
 * The Krev simulator's knobs: scripted HTTP failures (also malformed answers), dropped
 * connections, latency, failing generations, revoked keys, an empty balance, and whether
 * generations answer synchronously. The server reads them on every request.
 */

export type KrevSimRoute = 'images' | 'videos' | 'ads' | 'generations' | 'products' | 'chat' | 'chat_runs' | 'credits' | 'any';

export const KREV_SIM_ROUTES: readonly KrevSimRoute[] = ['images', 'videos', 'ads', 'generations', 'products', 'chat', 'chat_runs', 'credits', 'any'];

export interface ScriptedFailure {
  route: KrevSimRoute;
  status: number;
  /** JSON answer; ignored when `raw` is set. */
  body?: unknown;
  /** Sent verbatim (e.g. broken JSON), for malformed-answer tests. */
  raw?: string;
  headers?: Record<string, string>;
  remaining: number;
}

export interface FailOptions {
  body?: unknown;
  raw?: string;
  count?: number;
  headers?: Record<string, string>;
}

export class KrevSimulatorControl {
  failures: ScriptedFailure[] = [];
  dropRemaining = 0;
  latencyMs = 0;
  failNextGenerations = 0;
  failReason = 'Generation failed';
  revoked = new Set<string>();
  balanceEmpty = false;
  /** POST /images, /videos and /ads answer with the finished media instead of only a generation id. */
  syncResults = false;
  /** When set, new generations take this long instead of the server's configured duration. */
  jobDurationMs: number | undefined = undefined;

  constructor(private readonly defaults: { syncResults?: boolean } = {}) {
    this.syncResults = defaults.syncResults ?? false;
  }

  /** The next `count` requests on `route` answer `status` with `body` (default: Krev's error shape). */
  fail(route: KrevSimRoute, status: number, options: FailOptions = {}): void {
    this.failures.push({
      route,
      status,
      body: options.body ?? defaultBody(status),
      remaining: options.count ?? 1,
      ...(options.raw !== undefined ? { raw: options.raw } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
  }
  /** Destroys the socket of the next `count` requests without answering. */
  dropConnections(count = 1): void {
    this.dropRemaining += count;
  }
  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }
  /** The next `count` generations (and chat runs) end as failed; their credits come back. */
  failGenerations(count = 1, reason?: string): void {
    this.failNextGenerations += count;
    if (reason) this.failReason = reason;
  }
  revoke(token: string): void {
    this.revoked.add(token);
  }
  /** While on, the balance reads 0 and every paid request answers 402. */
  setBalanceEmpty(empty: boolean): void {
    this.balanceEmpty = empty;
  }
  setSyncResults(on: boolean): void {
    this.syncResults = on;
  }
  /** New generations take `ms` (undefined: back to the configured duration). */
  setJobDuration(ms: number | undefined): void {
    this.jobDurationMs = ms === undefined ? undefined : Math.max(0, ms);
  }
  reset(): void {
    this.failures = [];
    this.dropRemaining = 0;
    this.latencyMs = 0;
    this.failNextGenerations = 0;
    this.failReason = 'Generation failed';
    this.revoked = new Set();
    this.balanceEmpty = false;
    this.syncResults = this.defaults.syncResults ?? false;
    this.jobDurationMs = undefined;
  }

  takeFailure(route: KrevSimRoute): ScriptedFailure | undefined {
    const f = this.failures.find((x) => x.remaining > 0 && (x.route === route || x.route === 'any'));
    if (!f) return undefined;
    f.remaining -= 1;
    this.failures = this.failures.filter((x) => x.remaining > 0);
    return f;
  }

  /** True when the next generation should fail (and counts it). */
  takeGenerationFailure(): boolean {
    if (this.failNextGenerations <= 0) return false;
    this.failNextGenerations -= 1;
    return true;
  }
}

export function defaultBody(status: number): unknown {
  const error: Record<number, string> = {
    400: 'Missing or invalid parameters',
    401: 'Invalid or expired API key',
    402: 'Insufficient credits for the requested generation',
    403: 'This API key does not have the required scope',
    404: 'Resource not found',
    429: 'Rate limit exceeded. Wait a few seconds and retry.',
    500: 'Unexpected internal error. Credits have been refunded.',
  };
  return { success: false, error: error[status] ?? (status >= 500 ? 'Service unavailable' : `Simulated error ${status}`) };
}
