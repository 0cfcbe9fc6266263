/** Redis: the configured one, the default address, or (local mode only) a private embedded one. */
import { createRedisConnection, type RedisClient } from '../../../jobs/redis-connection.js';
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

export async function connectRedis(config: Config, closers: Closers): Promise<RedisParts> {
  if (config.redisClusterNodes) {
    const target = { clusterNodes: config.redisClusterNodes };
    const redis = createRedisConnection(target, { name: 'genbot' });
    const bullConnection = createRedisConnection(target, { forWorker: true, name: 'genbot-worker' });
    closers.add('redis', async () => {
      redis.disconnect();
      bullConnection.disconnect();
    });
    return { redis, bullConnection, prefix: config.REDIS_PREFIX, note: `Redis Cluster (${config.redisClusterNodes.join(', ')})` };
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
  const redis = createRedisConnection(url, { name: 'genbot' });
  const bullConnection = createRedisConnection(url, { forWorker: true, name: 'genbot-worker' });
  closers.add('redis', async () => {
    redis.disconnect();
    bullConnection.disconnect();
  });
  return { redis, bullConnection, prefix: config.REDIS_PREFIX, note };
}
