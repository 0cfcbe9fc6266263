/**
 * Slack's Web API limits as the fake enforces them, written from Slack's rate-limit guide
 * (docs.slack.dev/apis/web-api/rate-limits), not from the bot's own table: "per API method per app
 * per workspace", Tier 1 1/min, Tier 2 20/min, Tier 3 50/min, Tier 4 100/min, and chat.postMessage
 * one per second per channel. Slack tolerates bursts without saying how big; the fake allows
 * small ones (a token bucket per method) and answers 429 with Retry-After past them, so a bot that
 * only survives on Slack's unpublished headroom fails here first.
 */
const PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;
const BURST = { 1: 1, 2: 3, 3: 5, 4: 10 } as const;

/** Methods' tiers from their reference pages; unlisted methods are Tier 2 ("most methods"). */
const TIERS: Record<string, 1 | 2 | 3 | 4> = {
  'apps.connections.open': 1,
  'chat.update': 3,
  'chat.delete': 3,
  'chat.postEphemeral': 4,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'conversations.members': 4,
  'conversations.open': 3,
  'users.info': 4,
  'views.open': 4,
  'views.update': 4,
  'views.publish': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'files.info': 4,
  'auth.test': 4,
  'oauth.v2.access': 4,
};
/** Not limited by the fake: Slack documents no limit that a test could meet. */
const UNLIMITED = new Set(['api.test']);

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimitAnswer {
  method: string;
  channel?: string;
  retryAfterSeconds: number;
}

export class SlackRateLimits {
  private readonly buckets = new Map<string, Bucket>();
  /** Every call answered 429, for tests and benchmarks to count. */
  readonly limited: RateLimitAnswer[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait when this call is over the limit (and records it), else 0 (and counts the call). */
  check(team: string, method: string, channel: string | undefined): number {
    if (UNLIMITED.has(method)) return 0;
    const perChannel = method === 'chat.postMessage' && channel;
    const tier = TIERS[method] ?? 2;
    const perMinute = perChannel ? 60 : PER_MINUTE[tier];
    const capacity = perChannel ? 1 : BURST[tier];
    const key = perChannel ? `${team}:${method}:${channel}` : `${team}:${method}`;
    const now = this.now();
    const rate = perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
    this.limited.push({ method, ...(perChannel ? { channel } : {}), retryAfterSeconds });
    return retryAfterSeconds;
  }

  reset(): void {
    this.buckets.clear();
    this.limited.length = 0;
  }
}
