/** The pipeline's own Redis state beside BullMQ: cancel flags and which provider jobs are ours. */
import type { RedisClient } from './redis-connection.js';
import { Actor } from '../src/model.js';
import { jobKeys } from './keys.js';

const PROVIDER_JOB_TTL_SECONDS = 7 * 24 * 3600;

export interface JobState {
  /** undefined: no cancel requested; null: requested by nobody known; else who. */
  cancelRequest(jobId: string): Promise<Actor | null | undefined>;
  /** Forgets a cancel request that can no longer stop anything (the result is already paid for). */
  clearCancel(jobId: string): Promise<void>;
  /** True once the requester clicked Confirm on a costly job. */
  confirmed(jobId: string): Promise<boolean>;
  /**
   * Marks a provider job as ours, first come first served: true when it is now (or already was)
   * `jobId`'s, false when another of our jobs holds it. Reconciliation relies on this to adopt a
   * listed job at most once across every worker.
   */
  claimProviderJob(providerJobId: string, jobId: string): Promise<boolean>;
  /** Our job for a provider job, or undefined when no job of ours holds it. */
  jobForProviderJob(providerJobId: string): Promise<string | undefined>;
  /** A submit of `jobId` to `provider` is being sent (until `settled`). */
  submitting(provider: string, jobId: string, at: number): Promise<void>;
  settled(provider: string, jobId: string): Promise<void>;
  /** How many other submits to `provider` were sent after `since` and have not settled. */
  othersSubmitting(provider: string, jobId: string, since: number): Promise<number>;
}

export function createJobState(redis: RedisClient, prefix: string): JobState {
  const keys = jobKeys(prefix);
  return {
    async cancelRequest(jobId) {
      const raw = await redis.get(keys.cancel(jobId));
      if (raw === null) return undefined;
      try {
        const parsed = Actor.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async clearCancel(jobId) {
      await redis.del(keys.cancel(jobId));
    },
    async confirmed(jobId) {
      return (await redis.exists(keys.confirm(jobId))) === 1;
    },
    async claimProviderJob(providerJobId, jobId) {
      const key = keys.providerJob(providerJobId);
      if ((await redis.set(key, jobId, 'EX', PROVIDER_JOB_TTL_SECONDS, 'NX')) === 'OK') return true;
      return (await redis.get(key)) === jobId;
    },
    async jobForProviderJob(providerJobId) {
      return (await redis.get(keys.providerJob(providerJobId))) ?? undefined;
    },
    async submitting(provider, jobId, at) {
      await redis.zadd(keys.inflight(provider), at, jobId);
    },
    async settled(provider, jobId) {
      await redis.zrem(keys.inflight(provider), jobId);
    },
    async othersSubmitting(provider, jobId, since) {
      const ids = await redis.zrangebyscore(keys.inflight(provider), since, '+inf');
      return ids.filter((id) => id !== jobId).length;
    },
  };
}
