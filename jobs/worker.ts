/**
 * The BullMQ worker: runs generation turns (./run-job.ts). Polling and waiting in line are
 * `moveToDelayed` + `DelayedError`, so a job waiting on the provider or for a slot holds no worker
 * slot. A job that ended as failed is marked failed in BullMQ (for dashboards) with
 * UnrecoverableError; anything that escapes a turn (Redis down while saving) is retried by BullMQ
 * from the saved step, and a job BullMQ gives up on is repaired at once (./repair.ts).
 */
import { setMaxListeners } from 'node:events';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import { GenerationJob } from '../src/generation.js';
import type { PipelineDeps } from './deps.js';
import { createJobLine } from './job-line.js';
import { createJobState } from './job-state.js';
import { QUEUE_NAME } from './keys.js';
import { repairJob } from './repair.js';
import { runGenerationJob, type JobHandle, type Runtime } from './run-job.js';
import { createLuaScript } from '../src/lua-script.js';

/**
 * What BullMQ's Job.updateData does (its updateData script), sent on the pipeline's client:
 * there the commands of one tick share one socket write (jobs/redis-connection.ts), while the
 * worker's own connection writes each command alone, and those writes were the largest part of a
 * job-data write's cost (docs/BENCHMARKS.md).
 */
const WRITE_DATA = createLuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'data', ARGV[1])
return 0
`);

/**
 * The signal that hands a job back to BullMQ as delayed, one for every turn: BullMQ recognises it by
 * class and name and never keeps or logs it, and a new Error per turn captured a stack trace nobody reads.
 */
const HAND_BACK = new DelayedError();

export interface GenerationWorkerOptions {
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  deps: PipelineDeps;
  queueName?: string;
  /** Redis for the pipeline's own keys (cancel flags, lines); defaults to `connection`. */
  redis?: RedisClient;
  /** A crashed worker's jobs are picked up again after about this long (BullMQ's lock). Default 30 s. */
  lockMs?: number;
}

export interface GenerationWorker {
  worker: Worker;
  /** Stops taking work, hands the current turns back (their step is saved) and closes. */
  close(): Promise<void>;
}

export function createGenerationWorker(options: GenerationWorkerOptions): GenerationWorker {
  const { deps, prefix } = options;
  const redis = options.redis ?? options.connection;
  const name = options.queueName ?? QUEUE_NAME;
  // On the worker's connection, which carries BullMQ's scripts anyway: not on `redis`, whose
  // autopipeline would copy them onto every pipeline it builds (./redis-connection.ts).
  const queue = new Queue(name, { connection: options.connection, prefix });
  const stopping = new AbortController();
  // Every job in flight listens for the shutdown (its sleeps and platform calls one listener each;
  // provider calls and downloads share one, src/linked-signal.ts): many listeners, not a leak.
  setMaxListeners(0, stopping.signal);
  const runtime: Runtime = {
    state: createJobState(redis, prefix),
    line: createJobLine(redis, prefix),
    stopping: stopping.signal,
    async wake(jobIds) {
      await Promise.all(jobIds.map((id) => wakeJob(queue, id).catch((err: unknown) => deps.logger.warn({ err, job: id }, 'could not wake a job'))));
    },
  };

  const writeData = async (job: Job, data: GenerationJob): Promise<void> => {
    if ((await WRITE_DATA.run(redis, [queue.toKey(job.id!)], [JSON.stringify(data)])) !== 0) throw new Error(`Missing key for job ${job.id}. updateData`);
    job.data = data;
  };

  const processor = async (job: Job, token?: string): Promise<void> => {
    const parsed = GenerationJob.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ job: job.id, issue: parsed.error.issues[0]?.message }, 'job data does not match this version; dropping it');
      throw new UnrecoverableError('invalid job data');
    }
    if (parsed.data.step === 'done') return;
    // Noted changes ride along with the next write, or are written before the job is put back.
    let unsaved = false;
    const handle: JobHandle = {
      data: parsed.data,
      async save(patch) {
        handle.data = { ...handle.data, ...patch };
        await writeData(job, handle.data);
        unsaved = false;
      },
      note(patch) {
        // A note that changes nothing (a step already saved) does not make the turn write again.
        if (!unsaved && !changes(handle.data, patch)) return;
        handle.data = { ...handle.data, ...patch };
        unsaved = true;
      },

      async delay(ms) {
        if (unsaved) await writeData(job, handle.data);
        // A Cancel clicked while this turn ran could not wake it (it was not delayed yet): look now,
        // so it is not left waiting until the next poll.
        // (Only where Cancel is honoured: once delivering, a paid result is delivered whatever was clicked.)
        const cancellable = ['announce', 'submit', 'poll'].includes(handle.data.step);
        const wait = cancellable && ms > 1000 && (await runtime.state.cancelRequest(parsed.data.id)) !== undefined ? 0 : ms;
        await job.moveToDelayed(Date.now() + Math.max(0, wait), token);
        throw HAND_BACK;
      },
    };
    await runGenerationJob(handle, deps, runtime);
    if (handle.data.outcome?.state === 'failed') throw new UnrecoverableError(handle.data.outcome.reason ?? 'failed');
  };

  const worker = new Worker(name, processor, {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency,
    // Turns are short (one provider call, one edit); a stalled turn is re-run from the saved data.
    lockDuration: options.lockMs ?? 30_000,
    stalledInterval: Math.round((options.lockMs ?? 30_000) / 2),
    maxStalledCount: 2,
  });
  worker.on('error', (err) => deps.logger.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (!job || err instanceof UnrecoverableError || err.name === 'UnrecoverableError') return;
    // BullMQ gave up on it (attempts used, or stalled too often): end it visibly, free its slot.
    if (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message)) {
      void repairJob(queue, job, deps.logger).catch((repairErr: unknown) => deps.logger.error({ err: repairErr, job: job.id }, 'repair failed; the sweeper will retry'));
    }
  });

  return {
    worker,
    async close() {
      stopping.abort();
      await worker.close();
      await queue.close();
    },
  };
}

/** Whether applying `patch` would change `data` (values compared as JSON; they are JSON anyway). */
function changes(data: GenerationJob, patch: Partial<GenerationJob>): boolean {
  for (const [key, value] of Object.entries(patch)) {
    const current = (data as Record<string, unknown>)[key];
    if (Object.is(current, value)) continue;
    if (typeof value !== 'object' || value === null || typeof current !== 'object' || current === null) return true;
    if (JSON.stringify(current) !== JSON.stringify(value)) return true;
  }
  return false;
}

/** A parked or delayed job runs now. */
export async function wakeJob(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return false;
  if ((await job.getState()) !== 'delayed') return false;
  await job.promote().catch(() => undefined);
  return true;
}

/** The webhook fast path: the provider says a job ended, so wake ours now instead of at its next poll. */
export async function wakeJobForProviderJob(options: { redis: RedisClient; prefix: string; queue: Queue }, providerJobId: string): Promise<boolean> {
  const jobId = await createJobState(options.redis, options.prefix).jobForProviderJob(providerJobId);
  if (!jobId) return false;
  await wakeJob(options.queue, jobId);
  return true;
}
