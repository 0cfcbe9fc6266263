/** Redis: the configured one, the default address, or (local mode only) a private embedded one. */
import { createRedisConnection, type RedisClient, type RedisTarget } from '../../../jobs/redis-connection.js';
import type { Config } from '../../config.js';
import { redisAnswers, startEmbeddedRedis } from '../embedded-redis.js';
import type { Closers } from './closers.js';

export interface RedisParts {
  /** Commands (stores, queue producers). */
  redis: RedisClient;
  /** Blocking connection for BullMQ workers. */
  bullConnection: RedisClient;
  prefix: string;
  /** What the banner says about Redis (the password is masked). */
  note: string;
}

/** The command connection and BullMQ's blocking one, to the same target, closed together. */
function connect(target: RedisTarget | string, prefix: string, note: string, closers: Closers): RedisParts {
  const redis = createRedisConnection(target, { name: 'genbot' });
  const bullConnection = createRedisConnection(target, { forWorker: true, name: 'genbot-worker' });
  closers.add('redis', async () => {
    redis.disconnect();
    bullConnection.disconnect();
  });
  return { redis, bullConnection, prefix, note };
}

export async function connectRedis(config: Config, closers: Closers): Promise<RedisParts> {
  if (config.redisCluster) {
    const { nodes, password, tls } = config.redisCluster;
    const auth = { ...(password ? { password } : {}), ...(tls ? { tls } : {}) };
    return connect({ clusterNodes: nodes, clusterAuth: auth }, config.REDIS_PREFIX, `Redis Cluster (${nodes.join(', ')}${tls ? ', TLS' : ''})`, closers);
  }
  if (config.redisSentinel) {
    const { nodes, master } = config.redisSentinel;
    return connect({ sentinel: config.redisSentinel }, config.REDIS_PREFIX, `Redis Sentinel master "${master}" (${nodes.join(', ')})`, closers);
  }
  let url = config.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let note = url.replace(/\/\/[^@]*@/, '//***@');
  if (!config.REDIS_URL && !(await redisAnswers(url))) {
    if (!config.localMode) throw new Error(`Redis does not answer at ${url}. Start one, or set REDIS_URL.`);
    const embedded = await startEmbeddedRedis();
    closers.add('embedded redis', () => embedded.stop());
    url = embedded.url;
    note = `embedded redis-server (${embedded.url}, data in ./data/redis)`;
  }
  return connect(url, config.REDIS_PREFIX, note, closers);
}
