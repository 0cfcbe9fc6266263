/**
 * The BullMQ worker: runs generation turns. Polling is `moveToDelayed` + `DelayedError`, so a
 * job waiting on the provider holds no worker slot; a finished job throws UnrecoverableError
 * when it failed (never retried: the user was already told) and completes otherwise.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { GenerationJob } from '../src/generation.js';
import type { PipelineDeps } from './deps.js';
import { createJobState } from './job-state.js';
import { QUEUE_NAME } from './keys.js';
import { JobFinished, runGenerationJob, type JobHandle } from './run-job.js';

export interface GenerationWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  deps: PipelineDeps;
  queueName?: string;
  /** Redis for the pipeline's own keys (cancel flags, lines); defaults to `connection`. */
  redis?: Redis;
}

export function createGenerationWorker(options: GenerationWorkerOptions): Worker {
  const { deps, prefix } = options;
  const state = createJobState(options.redis ?? options.connection, prefix);

  const processor = async (job: Job, token?: string): Promise<void> => {
    const parsed = GenerationJob.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ job: job.id, issue: parsed.error.issues[0]?.message }, 'job data does not match this version; dropping it');
      throw new UnrecoverableError('invalid job data');
    }
    if (parsed.data.outcome) return; // already finished in an earlier turn
    const handle: JobHandle = {
      data: parsed.data,
      async save(patch) {
        handle.data = { ...handle.data, ...patch };
        await job.updateData(handle.data);
      },
      async delay(ms) {
        await job.moveToDelayed(Date.now() + Math.max(0, ms), token);
        throw new DelayedError();
      },
    };
    try {
      await runGenerationJob(handle, deps, state);
    } catch (err) {
      if (err instanceof JobFinished) {
        if (err.outcome.state === 'failed') throw new UnrecoverableError(err.outcome.message ?? 'failed');
        return;
      }
      throw err;
    }
  };

  const worker = new Worker(options.queueName ?? QUEUE_NAME, processor, {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency,
    // Turns are short (one provider call, one edit); a stalled turn is re-run from the saved data.
    lockDuration: 60_000,
    stalledInterval: 30_000,
    maxStalledCount: 3,
  });
  worker.on('error', (err) => deps.logger.error({ err }, 'worker error'));
  return worker;
}

/** The webhook fast path: the provider says a job ended, so wake ours now instead of at its next poll. */
export async function wakeJobForProviderJob(options: { redis: Redis; prefix: string; queue: { getJob(id: string): Promise<Job | undefined> } }, providerJobId: string): Promise<boolean> {
  const jobId = await createJobState(options.redis, options.prefix).jobForProviderJob(providerJobId);
  if (!jobId) return false;
  const job = await options.queue.getJob(jobId);
  if (!job) return false;
  if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined);
  return true;
}
