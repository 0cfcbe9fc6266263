/**
 * ioredis connections: a single Redis (`redis://…`), a Redis Cluster (`redis+cluster://host:port,
 * host:port`, or REDIS_CLUSTER_NODES), or a master found through Redis Sentinel
 * (`redis+sentinel://host:port,host:port/master`, or REDIS_SENTINELS): ioredis asks the sentinels
 * for the master and asks again after a failover, so every connection follows the promoted
 * replica. BullMQ workers need maxRetriesPerRequest null (blocking commands). On a cluster every
 * key of the bot carries the prefix's hash tag (`{genbot}`), so each Lua script and MULTI touches
 * one slot (src/config.ts refuses a cluster without one).
 */
import { Cluster, Redis } from 'ioredis';

/** Anything the stores and the pipeline can talk to: one node or a cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /** `redis://…` / `rediss://…` for one node. */
  url?: string;
  /** host:port of cluster nodes (any few; the rest are discovered). */
  clusterNodes?: string[];
  /** The cluster's password and TLS, for every node (`redis+cluster://:password@…`, `rediss+cluster://…`). */
  clusterAuth?: { password?: string; tls?: boolean };
  /** host:port of sentinels, the master's name, and the master's password if it has one. */
  sentinel?: { nodes: string[]; master: string; password?: string };
}

const hostPort = (n: string) => {
  const [host, port] = n.split(':');
  return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
};

export function createRedisConnection(target: RedisTarget | string, options: { forWorker?: boolean; name?: string } = {}): RedisClient {
  const t: RedisTarget = typeof target === 'string' ? { url: target } : target;
  const common = {
    maxRetriesPerRequest: options.forWorker ? null : 3,
    enableReadyCheck: true,
    // Commands issued in the same tick go out in one write: a job's turn issues dozens, and the
    // syscall per command was the worker's largest single cost (docs/BENCHMARKS.md). Not on the
    // worker's connection, whose blocking commands would hold the others back.
    enableAutoPipelining: !options.forWorker,
    ...(options.name ? { connectionName: options.name } : {}),
  };
  if (t.clusterNodes && t.clusterNodes.length > 0) {
    const auth = { ...(t.clusterAuth?.password ? { password: t.clusterAuth.password } : {}), ...(t.clusterAuth?.tls ? { tls: {} } : {}) };
    return new Cluster(t.clusterNodes.map(hostPort), { redisOptions: { ...common, ...auth }, enableReadyCheck: true });
  }
  if (t.sentinel) {
    return new Redis({ ...common, sentinels: t.sentinel.nodes.map(hostPort), name: t.sentinel.master, ...(t.sentinel.password ? { password: t.sentinel.password } : {}) });
  }
  return new Redis(t.url ?? 'redis://127.0.0.1:6379', common);
}

/**
 * A connection of its own to the same Redis, without autopipelining, for BullMQ's queues. BullMQ
 * defines its ~60 scripts on the client it is given, and ioredis copies every defined script onto
 * each pipeline it builds: on the autopipelined store client that is once per tick, ≈ 50 µs and
 * 130 properties of garbage each time (docs/BENCHMARKS.md, "Pipeline throughput").
 */
export function separateConnection(client: RedisClient): RedisClient {
  return client instanceof Cluster ? client.duplicate([], { enableAutoPipelining: false }) : client.duplicate({ enableAutoPipelining: false });
}

/** Every master of a cluster, or the one node: where a SCAN must run to see every key. */
export function scanTargets(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}
