/** The simulator's knobs: scripted failures, retired models, balance, dropped connections, latency. */

export type SimRoute = 'submit' | 'status' | 'cancel' | 'assets' | 'list' | 'any';

export interface ScriptedFailure {
  route: SimRoute;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  remaining: number;
}

export const OUT_OF_BALANCE_MESSAGE =
  'Your API balance is separate from your workspace compute balance. Please top up your API balance to continue using the API.';
export const PLAN_REQUIRED_MESSAGE = 'This model requires a higher plan. Please upgrade your plan to use this model.';

export class SimulatorControl {
  failures: ScriptedFailure[] = [];
  retired = new Map<string, { replacement: string; sunset_date: string }>();
  deprecated = new Set<string>();
  balanceEmpty = false;
  dropRemaining = 0;
  latencyMs = 0;
  failNextJobs = 0;
  failReason = 'Generation failed';
  revoked = new Set<string>();
  /** Deliver every webhook twice, as Krea may. */
  duplicateWebhooks = false;
  /** Submits that create the job and then lose the answer: the connection is reset, or a 5xx comes back. */
  acceptThenLose: Array<'reset' | number> = [];
  /** Answers of a route that are 200 with a body that is not JSON. */
  malformedRemaining: Partial<Record<SimRoute, number>> = {};
  /** Result downloads answered with a status instead of the bytes (e.g. 503 a few times). */
  resultFailures: number[] = [];
  /** Jobs whose result files are gone for good (404), by how many of the next jobs. */
  goneResultJobs = 0;
  /** The next jobs never finish (a stuck provider job). */
  hangNextJobs = 0;
  /** Result downloads take this long before the first byte (a slow CDN). */
  resultDelayMs = 0;

  /** The next `count` requests on `route` answer `status` with `body`. */
  fail(route: SimRoute, status: number, options: { body?: unknown; count?: number; headers?: Record<string, string> } = {}): void {
    this.failures.push({ route, status, body: options.body ?? defaultBody(status), remaining: options.count ?? 1, ...(options.headers ? { headers: options.headers } : {}) });
  }
  retire(modelId: string, replacement: string, sunsetDate = '2026-06-19'): void {
    this.retired.set(modelId, { replacement, sunset_date: sunsetDate });
  }
  deprecate(modelId: string): void {
    this.deprecated.add(modelId);
  }
  setBalanceEmpty(empty: boolean): void {
    this.balanceEmpty = empty;
  }
  /** Destroys the socket of the next `count` requests without answering. */
  dropConnections(count = 1): void {
    this.dropRemaining += count;
  }
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  /** The next `count` jobs end as `failed` instead of `completed`. */
  failJobs(count = 1, reason?: string): void {
    this.failNextJobs += count;
    if (reason) this.failReason = reason;
  }
  revoke(token: string): void {
    this.revoked.add(token);
  }
  setDuplicateWebhooks(on: boolean): void {
    this.duplicateWebhooks = on;
  }
  /** The next `count` submits create their job, then reset the connection (or answer `status`). */
  loseSubmitAnswers(count = 1, how: 'reset' | number = 'reset'): void {
    for (let i = 0; i < count; i++) this.acceptThenLose.push(how);
  }
  /** The next `count` answers on `route` are a 200 whose body is not JSON. */
  malformed(route: SimRoute, count = 1): void {
    this.malformedRemaining[route] = (this.malformedRemaining[route] ?? 0) + count;
  }
  /** The next result downloads answer these statuses, one each, before the bytes come. */
  failResults(...statuses: number[]): void {
    this.resultFailures.push(...statuses);
  }
  /** The next `count` jobs finish, but their result files answer 404 for good. */
  loseResults(count = 1): void {
    this.goneResultJobs += count;
  }
  /** The next `count` jobs never finish. */
  hangJobs(count = 1): void {
    this.hangNextJobs += count;
  }
  reset(): void {
    Object.assign(this, new SimulatorControl());
  }

  takeMalformed(route: SimRoute): boolean {
    const left = this.malformedRemaining[route] ?? 0;
    if (left <= 0) return false;
    this.malformedRemaining[route] = left - 1;
    return true;
  }

  takeFailure(route: SimRoute): ScriptedFailure | undefined {
    const f = this.failures.find((x) => x.remaining > 0 && (x.route === route || x.route === 'any'));
    if (!f) return undefined;
    f.remaining -= 1;
    this.failures = this.failures.filter((x) => x.remaining > 0);
    return f;
  }
}

function defaultBody(status: number): unknown {
  switch (status) {
    case 402:
      // Krea documents 402 bodies as {error}; some answers carry {message}; clients read both.
      return { error: OUT_OF_BALANCE_MESSAGE };
    case 422:
      return { error: 'Invalid asset URL' };
    case 429:
      return { error: 'Too many concurrent jobs: your backlog is full. Try again later.' };
    case 401:
      return { error: 'Unauthorized' };
    default:
      return { error: status >= 500 ? 'Internal server error' : `Simulated error ${status}` };
  }
}
