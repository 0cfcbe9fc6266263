/**
 * Discord's REST limits as the fake enforces them, written from Discord's rate-limit guide
 * (docs.discord.com/developers/topics/rate-limits), not from the bot's code:
 *
 * - Per-route buckets, per bot token, "may include the HTTP method"; a route's bucket keeps its
 *   top-level resource ("major parameter": channel_id, guild_id, webhook_id + webhook_token), so
 *   /channels/1/messages and /channels/2/messages are counted apart; any other id in the path is
 *   the same route. Every answer carries X-RateLimit-Limit, -Remaining, -Reset (epoch seconds),
 *   -Reset-After (seconds) and -Bucket (one opaque hash per route, whatever the major parameter).
 * - The global limit: 50 requests per second per bot token across all routes. Interaction
 *   endpoints (the callback and the /webhooks/{application}/{token} follow-ups) are not bound to
 *   it (Discord's "Receiving and Responding" endpoints section, as cited in bwmarrin/discordgo
 *   issue 1333), and the rate-limit guide says the same of webhooks.
 * - Past a limit: 429 with `{message, retry_after, global}`, `Retry-After` (whole seconds, rounded
 *   up), `X-RateLimit-Scope: user` for a route bucket, `global` plus `X-RateLimit-Global: true`
 *   for the global limit (that answer has no bucket headers).
 *
 * Discord publishes no per-route numbers ("should not be hard coded"): the numbers below are the
 * ones Discord's headers are widely reported to carry (community tables of observed headers:
 * messages 5/5 s and deletes 5/1 s per channel; webhooks 5/2 s each, per the Discord webhooks
 * guide), never rounded up, each a fixed window opened by the first request in it:
 *
 * | route                                            | limit       | counted per             |
 * |--------------------------------------------------|-------------|-------------------------|
 * | POST   /channels/{c}/messages (send, upload)     | 5 per 5 s   | channel                 |
 * | PATCH  /channels/{c}/messages/{m} (edit)         | 5 per 5 s   | channel                 |
 * | DELETE /channels/{c}/messages/{m}                | 5 per 1 s   | channel                 |
 * | POST   /interactions/{id}/{token}/callback       | 5 per 2 s   | interaction token       |
 * | any    /webhooks/{app}/{token}[/...] (one bucket) | 5 per 2 s   | webhook id + token      |
 * | anything else                                    | 5 per 5 s   | its major parameter     |
 * | all but interactions and webhooks (global)       | 50 per 1 s  | bot token               |
 *
 * A fixed window is what the headers describe (a count and a reset time), so a client that reads
 * them never meets a 429 here; one that ignores them, or shares a bucket between two clients that
 * do not know of each other, does.
 */
import { createHash } from 'node:crypto';

export interface RouteLimit {
  limit: number;
  windowMs: number;
}

export const GLOBAL_LIMIT: RouteLimit = { limit: 50, windowMs: 1000 };
export const DEFAULT_ROUTE_LIMIT: RouteLimit = { limit: 5, windowMs: 5000 };

/** Bucket routes (method + template, major parameter in braces) with their own numbers. */
export const ROUTE_LIMITS: Record<string, RouteLimit> = {
  'POST /channels/{channel}/messages': { limit: 5, windowMs: 5000 },
  'PATCH /channels/{channel}/messages/:id': { limit: 5, windowMs: 5000 },
  'DELETE /channels/{channel}/messages/:id': { limit: 5, windowMs: 1000 },
  'POST /interactions/:id/{token}/callback': { limit: 5, windowMs: 2000 },
  'ANY /webhooks/{webhook}': { limit: 5, windowMs: 2000 },
};

export interface DiscordRateLimitAnswer {
  method: string;
  /** The bucket's route (method + template); `global` for the global limit. */
  route: string;
  /** The top-level resource the bucket counts for (a channel, guild, webhook or interaction token). */
  major?: string;
  scope: 'user' | 'global';
  retryAfterSeconds: number;
  /** Set for 429s a test asked for (FakeDiscord.rateLimitEdits), not earned by the client. */
  forced?: true;
}

export interface RateLimitDecision {
  /** X-RateLimit-* headers for the answer (none when the global limit answers). */
  headers: Record<string, string>;
  /** Set when the call is over a limit: answer 429 with this body and `headers`. */
  limited?: { message: string; retry_after: number; global: boolean };
}

interface Window {
  count: number;
  resetAt: number;
}

export interface BucketRoute {
  /** e.g. `PATCH /channels/{channel}/messages/:id`. */
  route: string;
  major: string;
  /** Not bound to the global limit (interaction endpoints, webhooks). */
  exempt: boolean;
}

const SNOWFLAKE = /^\d{15,20}$/;

/** The bucket a request counts in: method + path, major parameter kept apart, other ids generalized. */
export function bucketRoute(method: string, path: string): BucketRoute {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'interactions' && parts[3] === 'callback') return { route: 'POST /interactions/:id/{token}/callback', major: parts[2] ?? '', exempt: true };
  // Every call on one webhook + token (execute, follow-ups, @original) shares one bucket.
  if (parts[0] === 'webhooks') return { route: 'ANY /webhooks/{webhook}', major: parts.slice(1, 3).join('/'), exempt: true };
  let major = 'global';
  const template = parts.map((p, i) => {
    if (i === 1 && (parts[0] === 'channels' || parts[0] === 'guilds') && SNOWFLAKE.test(p)) {
      major = p;
      return `{${parts[0] === 'channels' ? 'channel' : 'guild'}}`;
    }
    if (SNOWFLAKE.test(p)) return ':id';
    if (parts[i - 1] === 'reactions') return ':reaction';
    return p;
  });
  return { route: `${method} /${template.join('/')}`, major, exempt: false };
}

/** Seconds as Discord writes them (millisecond precision), never less than the real wait. */
const seconds = (ms: number) => (Math.ceil(Math.max(0, ms)) / 1000).toFixed(3);

export class DiscordRateLimits {
  private readonly windows = new Map<string, Window>();
  /** Every request answered 429, for tests and benchmarks to count. */
  readonly limited: DiscordRateLimitAnswer[] = [];
  /** Per-route numbers a test may make stricter (route → limit); unlisted routes use the table above. */
  readonly overrides = new Map<string, RouteLimit>();

  constructor(private readonly now: () => number = Date.now) {}

  limitOf(route: string): RouteLimit {
    return this.overrides.get(route) ?? ROUTE_LIMITS[route] ?? DEFAULT_ROUTE_LIMIT;
  }

  /** Counts a request by `token` and says how to answer it: its bucket headers, and a 429 when over a limit. */
  check(token: string, method: string, path: string): RateLimitDecision {
    const now = this.now();
    const bucket = bucketRoute(method, path);
    if (!bucket.exempt) {
      const global = this.window(`${token}|global`, GLOBAL_LIMIT, now);
      if (global.count >= GLOBAL_LIMIT.limit) {
        const retryAfterMs = global.resetAt - now;
        this.limited.push({ method, route: 'global', scope: 'global', retryAfterSeconds: retryAfterMs / 1000 });
        return {
          headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
          limited: { message: 'You are being rate limited.', retry_after: Number(seconds(retryAfterMs)), global: true },
        };
      }
      global.count += 1;
    }
    const limit = this.limitOf(bucket.route);
    const w = this.window(`${token}|${bucket.route}|${bucket.major}`, limit, now);
    const headers = this.headers(bucket.route, limit, w, now);
    if (w.count >= limit.limit) {
      const retryAfterMs = w.resetAt - now;
      this.limited.push({ method, route: bucket.route, major: bucket.major, scope: 'user', retryAfterSeconds: retryAfterMs / 1000 });
      return {
        headers: { ...headers, 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'x-ratelimit-scope': 'user' },
        limited: { message: 'You are being rate limited.', retry_after: Number(seconds(retryAfterMs)), global: false },
      };
    }
    w.count += 1;
    return { headers: this.headers(bucket.route, limit, w, now) };
  }

  /** A 429 a test forced on a request (its bucket is not charged): recorded like any other. */
  forced(method: string, path: string, retryAfterSeconds: number): Record<string, string> {
    const bucket = bucketRoute(method, path);
    this.limited.push({ method, route: bucket.route, major: bucket.major, scope: 'user', retryAfterSeconds, forced: true });
    const now = this.now();
    return {
      'x-ratelimit-limit': String(this.limitOf(bucket.route).limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': seconds(now + retryAfterSeconds * 1000),
      'x-ratelimit-reset-after': String(retryAfterSeconds),
      'x-ratelimit-bucket': bucketHash(bucket.route),
      'retry-after': String(Math.ceil(retryAfterSeconds)),
      'x-ratelimit-scope': 'user',
    };
  }

  reset(): void {
    this.windows.clear();
    this.limited.length = 0;
  }

  private window(key: string, limit: RouteLimit, now: number): Window {
    let w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      w = { count: 0, resetAt: now + limit.windowMs };
      this.windows.set(key, w);
    }
    return w;
  }

  private headers(route: string, limit: RouteLimit, w: Window, now: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(limit.limit),
      'x-ratelimit-remaining': String(Math.max(0, limit.limit - w.count)),
      'x-ratelimit-reset': seconds(w.resetAt),
      'x-ratelimit-reset-after': seconds(w.resetAt - now),
      'x-ratelimit-bucket': bucketHash(route),
    };
  }
}

/** An opaque id per route, as Discord's X-RateLimit-Bucket is (the same for every channel). */
function bucketHash(route: string): string {
  return createHash('sha256').update(route).digest('hex').slice(0, 32);
}
