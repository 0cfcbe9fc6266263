/** The pipeline's own Redis state beside BullMQ: cancel flags, the workspace line, provider-job map. */
import type { Redis } from 'ioredis';
import { Actor, type WorkspaceRef } from '../src/model.js';
import { jobKeys } from './keys.js';

export interface JobState {
  /** undefined: no cancel requested; null: requested by nobody known; else who. */
  cancelRequest(jobId: string): Promise<Actor | null | undefined>;
  /** Takes a slot in the workspace's line if fewer than `max` are taken; returns jobs ahead when not. */
  claimSlot(workspace: WorkspaceRef, jobId: string, max: number): Promise<{ ok: true } | { ok: false; ahead: number }>;
  finish(workspace: WorkspaceRef, jobId: string): Promise<void>;
  mapProviderJob(providerJobId: string, jobId: string): Promise<void>;
  jobForProviderJob(providerJobId: string): Promise<string | undefined>;
}

// KEYS[1] running set; ARGV: job id, max. Atomic so two workers never both take the last slot.
const CLAIM = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return -1 end
local n = redis.call('SCARD', KEYS[1])
if n < tonumber(ARGV[2]) then redis.call('SADD', KEYS[1], ARGV[1]); return -1 end
return n
`;

export function createJobState(redis: Redis, prefix: string): JobState {
  const keys = jobKeys(prefix);
  return {
    async cancelRequest(jobId) {
      const raw = await redis.get(keys.cancel(jobId));
      if (raw === null) return undefined;
      const parsed = Actor.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    },
    async claimSlot(workspace, jobId, max) {
      const n = Number(await redis.eval(CLAIM, 1, keys.running(workspace), jobId, max));
      return n < 0 ? { ok: true } : { ok: false, ahead: n - max + 1 };
    },
    async finish(workspace, jobId) {
      await redis.multi().srem(keys.running(workspace), jobId).srem(keys.active(workspace), jobId).exec();
    },
    async mapProviderJob(providerJobId, jobId) {
      await redis.set(keys.providerJob(providerJobId), jobId, 'EX', 3 * 24 * 3600);
    },
    async jobForProviderJob(providerJobId) {
      return (await redis.get(keys.providerJob(providerJobId))) ?? undefined;
    },
  };
}
