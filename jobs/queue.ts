/**
 * The generation queue: one BullMQ queue; the job id comes from the invocation, so a redelivered
 * event cannot enqueue twice; cancel is a Redis flag plus promote() (a delayed or parked job wakes
 * at once and sees the flag); finished jobs are kept a week for Retry/Variations buttons.
 */
import { Queue } from 'bullmq';
import { separateConnection, type RedisClient } from './redis-connection.js';
import { GenerationJob, type NewGenerationJob } from '../src/generation.js';
import type { Actor, WorkspaceRef } from '../src/model.js';
import type { CancelResult, GenerationQueue } from '../src/ports.js';
import { jobKeys, QUEUE_NAME, workspaceMember } from './keys.js';

export const KEEP_FINISHED = { age: 7 * 24 * 3600, count: 10_000 };
/** A turn that throws (Redis gone while saving) is retried from its saved step this many times. */
export const TURN_ATTEMPTS = 8;

export interface GenerationQueueOptions {
  connection: RedisClient;
  prefix: string;
  queueName?: string;
}

export type BullGenerationQueue = GenerationQueue & { queue: Queue; close(): Promise<void> };

export function createGenerationQueue(options: GenerationQueueOptions): BullGenerationQueue {
  const { connection, prefix } = options;
  const keys = jobKeys(prefix);
  // BullMQ's scripts go on a connection of the queue's own, not on the stores' autopipelined client (./redis-connection.ts).
  const bullClient = separateConnection(connection);
  const queue = new Queue(options.queueName ?? QUEUE_NAME, { connection: bullClient, prefix });

  return {
    queue,
    async enqueue(input: NewGenerationJob) {
      const job = GenerationJob.parse(input);
      // BullMQ's add() with an existing jobId is a no-op; the marker tells us which call created it.
      const first = (await connection.set(keys.created(job.id), '1', 'EX', KEEP_FINISHED.age, 'NX')) === 'OK';
      if (!first) return { created: false };
      try {
        await connection
          .multi()
          .sadd(keys.active(job.workspace), job.id)
          .sadd(keys.workspaces(), workspaceMember(job.workspace))
          .zadd(keys.jobs(job.workspace), job.createdAt, job.id)
          // Finished jobs are kept a week: so is their entry here.
          .zremrangebyscore(keys.jobs(job.workspace), '-inf', job.createdAt - KEEP_FINISHED.age * 1000)
          .exec();
        await queue.add('generate', job, {
          jobId: job.id,
          attempts: TURN_ATTEMPTS,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: KEEP_FINISHED,
          removeOnFail: KEEP_FINISHED,
        });
      } catch (err) {
        // Nothing was queued: let a redelivery (or the user's retry) try again.
        await connection.multi().del(keys.created(job.id)).srem(keys.active(job.workspace), job.id).exec().catch(() => undefined);
        throw err;
      }
      return { created: true };
    },
    async get(jobId) {
      const job = await queue.getJob(jobId);
      if (!job) return undefined;
      const parsed = GenerationJob.safeParse(job.data);
      return parsed.success ? parsed.data : undefined;
    },
    async requestCancel(jobId: string, by?: Actor): Promise<CancelResult> {
      const job = await queue.getJob(jobId);
      if (!job) return 'not_found';
      const parsed = GenerationJob.safeParse(job.data);
      if (parsed.success && parsed.data.outcome) return 'already_finished';
      const state = await job.getState();
      if (state === 'completed' || state === 'failed') return 'already_finished';
      await connection.set(keys.cancel(jobId), JSON.stringify(by ?? null), 'EX', 24 * 3600);
      if (state === 'delayed') await job.promote().catch(() => undefined);
      return 'requested';
    },
    async confirm(jobId: string): Promise<CancelResult> {
      const job = await queue.getJob(jobId);
      if (!job) return 'not_found';
      const parsed = GenerationJob.safeParse(job.data);
      if (!parsed.success || parsed.data.outcome) return 'already_finished';
      await connection.set(keys.confirm(jobId), '1', 'EX', 24 * 3600);
      if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined);
      return 'requested';
    },
    async activeCount(workspace: WorkspaceRef) {
      return connection.scard(keys.active(workspace));
    },
    async listActive(workspace: WorkspaceRef, limit = 100) {
      const ids = (await connection.smembers(keys.active(workspace))).slice(0, 1000);
      const jobs = await Promise.all(ids.map(async (id) => GenerationJob.safeParse((await queue.getJob(id))?.data)));
      return jobs.flatMap((j) => (j.success && !j.data.outcome ? [j.data] : [])).sort((a, b) => a.createdAt - b.createdAt).slice(0, limit);
    },
    async close() {
      await queue.close();
      bullClient.disconnect();
    },
  };
}
