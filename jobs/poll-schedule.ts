/**
 * When to look again. A job that takes about its model's average time should need about two
 * polls: the first just before the average (nothing is there to see earlier; progress meanwhile
 * is estimated, and elapsed time and ETA tick on the client), then every tenth of the average,
 * kept within Krea's 2–30 s guidance, stretching further once a job runs well past the average
 * (a slow job is not sped up by a quicker look). With webhooks (PUBLIC_URL) completion wakes the
 * job at once and these polls are only a safety net. `scale` shrinks everything for tests and
 * the simulator.
 */
const DEFAULT_AVERAGE_S = 30;

export function firstPollDelayMs(averageSeconds: number | undefined, scale = 1): number {
  const avg = (averageSeconds ?? DEFAULT_AVERAGE_S) * 1000;
  return Math.round(Math.min(600_000, Math.max(1_000, avg * 0.85)) * scale);
}

export function nextPollDelayMs(averageSeconds: number | undefined, _polls: number, elapsedMs: number, scale = 1): number {
  const avg = (averageSeconds ?? DEFAULT_AVERAGE_S) * 1000;
  const base = Math.min(30_000, Math.max(2_000, avg / 10));
  const overdue = elapsedMs > 1.5 * avg ? Math.min(4, 1 + (elapsedMs - 1.5 * avg) / avg) : 1;
  return Math.round(Math.min(60_000, base * overdue) * scale);
}

/** Backoff for retryable errors: honour Retry-After, else 1 s doubling to 30 s. */
export function retryDelayMs(retries: number, retryAfterMs: number | undefined, scale = 1): number {
  if (retryAfterMs !== undefined) return Math.round(Math.min(60_000, Math.max(250, retryAfterMs)) * scale);
  return Math.round(Math.min(30_000, 1000 * 2 ** retries) * scale);
}
