/**
 * When to look again. A job that takes about its model's average time should need about two
 * polls: the first just before the average (nothing is there to see earlier; progress meanwhile
 * is estimated, and elapsed time and ETA tick on the client), then every tenth of the average,
 * kept within Krea's 2–30 s guidance, stretching further once a job runs well past the average
 * (a slow job is not sped up by a quicker look). `scale` shrinks everything for tests and the
 * simulator.
 *
 * With webhooks (PUBLIC_URL, a provider that calls back) completion wakes the job at once, so polls
 * are only the safety net for a lost callback: the first at 1.5 × the average (at least a
 * minute), then every average, at least two minutes apart and at most five. A worker following
 * 10,000 jobs of five minutes then makes two polls per job instead of twenty (docs/BENCHMARKS.md,
 * "Waiting at scale"); a lost callback costs at most that interval of delay.
 */
const DEFAULT_AVERAGE_S = 30;
const SAFETY_NET_FIRST_MIN_MS = 60_000;
const SAFETY_NET_MIN_MS = 120_000;
const SAFETY_NET_MAX_MS = 300_000;

export interface PollOptions {
  /** The provider will call back when the job ends (a webhook was given with the submit). */
  webhooks?: boolean;
}

export function firstPollDelayMs(averageSeconds: number | undefined, scale = 1, options: PollOptions = {}): number {
  const avg = (averageSeconds ?? DEFAULT_AVERAGE_S) * 1000;
  if (options.webhooks) return Math.round(Math.min(900_000, Math.max(SAFETY_NET_FIRST_MIN_MS, avg * 1.5)) * scale);
  return Math.round(Math.min(600_000, Math.max(1_000, avg * 0.85)) * scale);
}

export function nextPollDelayMs(averageSeconds: number | undefined, _polls: number, elapsedMs: number, scale = 1, options: PollOptions = {}): number {
  const avg = (averageSeconds ?? DEFAULT_AVERAGE_S) * 1000;
  if (options.webhooks) return Math.round(Math.min(SAFETY_NET_MAX_MS, Math.max(SAFETY_NET_MIN_MS, avg)) * scale);
  const base = Math.min(30_000, Math.max(2_000, avg / 10));
  const overdue = elapsedMs > 1.5 * avg ? Math.min(4, 1 + (elapsedMs - 1.5 * avg) / avg) : 1;
  return Math.round(Math.min(60_000, base * overdue) * scale);
}

/** Backoff for retryable errors: honour Retry-After, else 1 s doubling to 30 s. */
export function retryDelayMs(retries: number, retryAfterMs: number | undefined, scale = 1): number {
  if (retryAfterMs !== undefined) return Math.round(Math.min(60_000, Math.max(250, retryAfterMs)) * scale);
  return Math.round(Math.min(30_000, 1000 * 2 ** retries) * scale);
}
