/**
 * The only reader of process.env. One zod schema; every problem is reported at once with the
 * variable's name, what is wrong and an example. Secret values are never echoed back.
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (example: string) =>
  z.string().url({ message: `must be a URL, for example ${example}` });

const optionalUrl = (example: string) =>
  optionalString.pipe(url(example).optional());

function keyBytes(value: string): Buffer | undefined {
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) bytes = Buffer.from(value, 'base64');
  return bytes && bytes.length === 32 ? bytes : undefined;
}

const KEY_MESSAGE = 'must be 32 bytes: 64 hex characters or base64 (generate one with `openssl rand -hex 32`)';

/** 32 bytes, given as 64 hex characters or as base64. */
const encryptionKey = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const bytes = keyBytes(value);
  if (!bytes) {
    ctx.addIssue({ code: 'custom', message: KEY_MESSAGE });
    return z.NEVER;
  }
  return bytes;
});

/** Keys being rotated out, comma-separated: values sealed with them still open, and are sealed again with the current key. */
const previousKeys = optionalString.transform((value, ctx) => {
  if (value === undefined) return [];
  const keys = value.split(',').map((v) => v.trim()).filter(Boolean).map(keyBytes);
  if (keys.some((k) => k === undefined)) {
    ctx.addIssue({ code: 'custom', message: `each comma-separated key ${KEY_MESSAGE}` });
    return z.NEVER;
  }
  return keys as Buffer[];
});

const port = z.coerce
  .number({ message: 'must be a port number, for example 3000' })
  .int()
  .min(0, { message: 'must be a port number between 0 and 65535, for example 3000' })
  .max(65535, { message: 'must be a port number between 0 and 65535, for example 3000' });

/** Names of variables that hold secrets: their values never appear in any message. */
export const SECRET_VARIABLES = [
  'KREA_API_TOKEN',
  'KREV_API_KEY',
  'KPAINTER_API_KEY',
  'BOT_ENCRYPTION_KEY',
  'BOT_ENCRYPTION_KEY_PREVIOUS',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'DISCORD_TOKEN',
  'ADMIN_PASSWORD',
] as const;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent (for example info)',
    })
    .default('info'),
  BOT_ROLE: z
    .enum(['all', 'ingress', 'worker'], { message: 'must be all, ingress or worker (for example all)' })
    .default('all'),
  PORT: port.default(3000),
  /** Interface the HTTP server binds to. Local mode keeps loopback unless told otherwise. */
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: optionalUrl('https://bot.example.com'),
  REDIS_URL: optionalString.pipe(
    z.string().regex(/^(rediss?|rediss?\+cluster|redis\+sentinel):\/\/\S+$/, { message: 'must be a redis://, rediss://, redis+cluster://host:port,host:port (rediss+cluster:// for TLS) or redis+sentinel://host:port,host:port/master URL, for example redis://127.0.0.1:6379' }).optional(),
  ),
  /** Redis Cluster seed nodes, comma-separated host:port (the same as REDIS_URL=redis+cluster://…). */
  REDIS_CLUSTER_NODES: optionalString.transform((v) => (v === undefined ? undefined : v.split(',').map((n) => n.trim()).filter(Boolean))),
  /** Redis Sentinel nodes, comma-separated host:port (the same as REDIS_URL=redis+sentinel://…/master). */
  REDIS_SENTINELS: optionalString.transform((v) => (v === undefined ? undefined : v.split(',').map((n) => n.trim()).filter(Boolean))),
  /** The master's name the sentinels monitor. */
  REDIS_SENTINEL_MASTER: z.string().min(1).default('mymaster'),
  /** Key prefix for everything in Redis; use a hash tag like {genbot} on Redis Cluster. */
  REDIS_PREFIX: z.string().min(1).default('genbot'),
  BOT_ENCRYPTION_KEY: encryptionKey,
  BOT_ENCRYPTION_KEY_PREVIOUS: previousKeys,
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** How long a worker's claim on a job lasts without renewal: a crashed worker's jobs resume after about this long. */
  JOB_LOCK_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
  /** How often the sweeper repairs the job bookkeeping (slots, lines, jobs BullMQ gave up on). */
  SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  JOB_DEADLINE_MINUTES: z.coerce.number().positive().max(24 * 60).default(30),
  MAX_INPUT_MB: z.coerce.number().positive().max(75).default(20),
  /** Multiplies every poll and retry delay (below 1 polls sooner: test setups, fast private providers). */
  POLL_SCALE: z.coerce.number().min(0.001).max(10).default(1),
  /** How long a job above a workspace's confirmation threshold waits for its requester's Confirm. */
  CONFIRM_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),

  KREA_API_URL: url('https://api.krea.ai').default('https://api.krea.ai'),
  KREA_API_TOKEN: optionalString,
  KREV_API_URL: url('https://app.krev.ai/api/v1').default('https://app.krev.ai/api/v1'),
  KREV_API_KEY: optionalString,
  KPAINTER_API_URL: url('https://api.kpainter.ai/openapi/v1').default('https://api.kpainter.ai/openapi/v1'),
  KPAINTER_API_KEY: optionalString,

  SLACK_API_URL: url('https://slack.com/api/').default('https://slack.com/api/'),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  /**
   * conversations.history/replies calls per minute, when Slack limits this app below Tier 3 (a
   * commercially distributed app outside the Marketplace gets 1). Unset: Tier 3.
   */
  SLACK_HISTORY_PER_MINUTE: z.coerce.number().positive().max(1000).optional(),

  DISCORD_API_URL: url('https://discord.com/api').default('https://discord.com/api'),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  /** Privileged intent: only when the operator turned it on in the developer portal. */
  DISCORD_MESSAGE_CONTENT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),

  ADMIN_PASSWORD: optionalString,

  /** `npm run simulate:krea`: where the standalone Krea simulator listens. */
  KREA_SIMULATOR_PORT: port.default(4010),
  /** Seconds a simulated job takes (0.1 to 600); default: the model's average scaled down to a few seconds. */
  KREA_SIMULATOR_JOB_SECONDS: z.coerce.number().min(0.1).max(600).optional(),
  /** `true`: the simulator draws each image size once and serves it to every job (benchmarks). */
  KREA_SIMULATOR_ONE_IMAGE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** `npm run simulate:krev` / `simulate:kpainter`: where those simulators listen. */
  KREV_SIMULATOR_PORT: port.default(4011),
  KPAINTER_SIMULATOR_PORT: port.default(4012),
});

export type Config = z.infer<typeof schema> & {
  /** True when no platform token is configured: the bot starts the local playground. */
  localMode: boolean;
  /** Redis Cluster seed nodes, from REDIS_CLUSTER_NODES or a redis+cluster:// REDIS_URL (which may carry a password, and TLS as rediss+cluster://). */
  redisCluster?: { nodes: string[]; password?: string; tls?: boolean };
  /** Redis behind Sentinel, from REDIS_SENTINELS or a redis+sentinel:// REDIS_URL (its password is the master's). */
  redisSentinel?: { nodes: string[]; master: string; password?: string };
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Configuration has ${problems.length} problem(s):\n` + problems.map((p) => `  - ${p}`).join('\n'));
  }
}

/** Parses an environment (process.env by default); throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse(env);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? '?');
      // zod messages never include the received value for our schemas; keep it that way for secrets.
      problems.push(`${name}: ${issue.message}`);
    }
  }
  // Cross-variable rules read the raw values, so they are reported together with schema problems.
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  const raw = (name: string) => (env[name] ?? '').trim();
  if (has('SLACK_APP_TOKEN') && !raw('SLACK_APP_TOKEN').startsWith('xapp-')) {
    problems.push('SLACK_APP_TOKEN: must be an app-level token starting with xapp- (Socket Mode)');
  }
  const oauth = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'].map(has);
  if (oauth.some(Boolean) && !oauth.every(Boolean)) {
    problems.push('SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: set all three to install in many workspaces, or none');
  }
  const slackConfigured = has('SLACK_BOT_TOKEN') || has('SLACK_CLIENT_ID');
  if (slackConfigured && !has('SLACK_APP_TOKEN') && !has('SLACK_SIGNING_SECRET')) {
    problems.push('SLACK_SIGNING_SECRET: required for HTTP mode (or set SLACK_APP_TOKEN=xapp-… for Socket Mode)');
  }
  if (has('SLACK_CLIENT_ID') && has('SLACK_BOT_TOKEN')) {
    problems.push('SLACK_BOT_TOKEN: unset it when installing in many workspaces (SLACK_CLIENT_ID): each workspace gets its own token through OAuth');
  }
  if (has('SLACK_CLIENT_ID') && has('SLACK_APP_TOKEN')) {
    problems.push('SLACK_APP_TOKEN: installing in many workspaces (SLACK_CLIENT_ID) needs HTTP mode; unset SLACK_APP_TOKEN and set SLACK_SIGNING_SECRET');
  }
  if (has('SLACK_CLIENT_ID') && !has('BOT_ENCRYPTION_KEY')) {
    problems.push("BOT_ENCRYPTION_KEY: required to store workspaces' bot tokens encrypted (generate one with `openssl rand -hex 32`)");
  }
  const clusterUrl = /^rediss?\+cluster:\/\//.test(raw('REDIS_URL')) ? parseClusterUrl(raw('REDIS_URL')) : undefined;
  const cluster = has('REDIS_CLUSTER_NODES') || clusterUrl !== undefined;
  if (clusterUrl === null) problems.push('REDIS_URL: a Cluster URL is redis+cluster://[:password@]host:port[,host:port] (rediss+cluster:// for TLS), for example redis+cluster://10.0.0.5:7000,10.0.0.6:7000');
  if (cluster && !/\{[^}]+\}/.test(raw('REDIS_PREFIX'))) {
    problems.push('REDIS_PREFIX: on Redis Cluster it must contain a hash tag so all of the bot\'s keys share one slot, for example {genbot}');
  }
  if (has('BOT_ENCRYPTION_KEY_PREVIOUS') && !has('BOT_ENCRYPTION_KEY')) {
    problems.push('BOT_ENCRYPTION_KEY_PREVIOUS: only used together with BOT_ENCRYPTION_KEY (the new key)');
  }
  if (has('DISCORD_TOKEN') && !has('DISCORD_APPLICATION_ID')) {
    problems.push('DISCORD_APPLICATION_ID: required with DISCORD_TOKEN (for example 123456789012345678)');
  }
  if (cluster && (has('REDIS_SENTINELS') || raw('REDIS_URL').startsWith('redis+sentinel://'))) {
    problems.push('REDIS_SENTINELS: choose Redis Cluster or Sentinel, not both');
  }
  const sentinelUrl = raw('REDIS_URL').startsWith('redis+sentinel://') ? parseSentinelUrl(raw('REDIS_URL')) : undefined;
  if (sentinelUrl === null) problems.push('REDIS_URL: a Sentinel URL is redis+sentinel://[:password@]host:port[,host:port]/master, for example redis+sentinel://10.0.0.5:26379/mymaster');
  const c = result.success ? result.data : undefined;
  if (problems.length > 0 || !c) throw new ConfigError(problems);
  const redisCluster = c.REDIS_CLUSTER_NODES ? { nodes: c.REDIS_CLUSTER_NODES } : (clusterUrl ?? undefined);
  const sentinel = c.REDIS_SENTINELS ? { nodes: c.REDIS_SENTINELS, master: c.REDIS_SENTINEL_MASTER } : (sentinelUrl ?? undefined);
  return { ...c, ...(redisCluster ? { redisCluster } : {}), ...(sentinel ? { redisSentinel: sentinel } : {}), localMode: !c.SLACK_BOT_TOKEN && !c.SLACK_CLIENT_ID && !c.DISCORD_TOKEN };
}

/** `redis+sentinel://[:password@]host:port,host:port/master` → its parts; null when malformed. */
function parseSentinelUrl(url: string): { nodes: string[]; master: string; password?: string } | null {
  const m = /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/@]+)\/([^/?#]+)$/.exec(url);
  if (!m) return null;
  const nodes = m[2]!.split(',').map((n) => n.trim()).filter((n) => /^[^:]+:\d+$/.test(n));
  if (nodes.length === 0) return null;
  const password = m[1] ? decodeURIComponent(m[1].replace(/^[^:]*:/, '')) : undefined;
  return { nodes, master: decodeURIComponent(m[3]!), ...(password ? { password } : {}) };
}

/** `redis+cluster://[:password@]host:port,host:port` (`rediss+cluster://` for TLS) → its parts; null when malformed. */
function parseClusterUrl(url: string): { nodes: string[]; password?: string; tls?: boolean } | null {
  const m = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/@]+)\/?$/.exec(url);
  if (!m) return null;
  const nodes = m[3]!.split(',').map((n) => n.trim()).filter(Boolean);
  if (nodes.length === 0 || !nodes.every((n) => /^[^:]+:\d+$/.test(n))) return null;
  const password = m[2] ? decodeURIComponent(m[2].replace(/^[^:]*:/, '')) : undefined;
  return { nodes, ...(password ? { password } : {}), ...(m[1] === 'rediss' ? { tls: true } : {}) };
}
