/** ioredis connections for BullMQ: workers need maxRetriesPerRequest null (blocking commands). */
import { Redis } from 'ioredis';

export function createRedisConnection(url: string, options: { forWorker?: boolean; name?: string } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: options.forWorker ? null : 3,
    enableReadyCheck: true,
    ...(options.name ? { connectionName: options.name } : {}),
  });
}
