/**
 * When to look again. Krea's guidance: poll every 2–5 s while pending, back off for long jobs.
 * The first look comes at about half the model's average time (nothing to see before), then
 * every 2–5 s for short models, stretching to 30 s for long videos. `scale` shrinks everything
 * for tests and the simulator.
 */
export function firstPollDelayMs(averageSeconds: number | undefined, scale = 1): number {
  const avg = averageSeconds ?? 30;
  return Math.round(Math.min(15_000, Math.max(1_000, avg * 500)) * scale);
}

export function nextPollDelayMs(averageSeconds: number | undefined, polls: number, elapsedMs: number, scale = 1): number {
  const avg = (averageSeconds ?? 30) * 1000;
  const base = avg <= 30_000 ? 2_000 : avg <= 120_000 ? 4_000 : 5_000;
  // Past the average, stretch the interval: the job is slow, a quicker look will not speed it up.
  const overdue = elapsedMs > avg ? Math.min(6, 1 + (elapsedMs - avg) / avg) : 1;
  const ms = Math.min(30_000, base * overdue * (polls > 50 ? 1.5 : 1));
  return Math.round(ms * scale);
}

/** Backoff for retryable errors: honour Retry-After, else 1 s doubling to 30 s. */
export function retryDelayMs(retries: number, retryAfterMs: number | undefined, scale = 1): number {
  if (retryAfterMs !== undefined) return Math.round(Math.min(60_000, Math.max(250, retryAfterMs)) * scale);
  return Math.round(Math.min(30_000, 1000 * 2 ** retries) * scale);
}
