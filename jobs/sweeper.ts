/**
 * The sweeper: every SWEEP_SECONDS, a minute by default (a BullMQ job scheduler, so one run per
 * interval across all processes), it reconciles each workspace's running set, line and active set with BullMQ's real
 * job states, and repairs what a crash or a bug left behind: ids of jobs that no longer exist are
 * dropped, jobs BullMQ failed without an outcome are resumed or ended (./repair.ts), and parked
 * jobs are woken when slots are free but their wake was lost.
 */
import { Queue, Worker } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import { GenerationJob } from '../src/generation.js';
import type { Logger } from '../src/logger.js';
import type { WorkspaceRef } from '../src/model.js';
import type { SettingsStore } from '../src/ports.js';
import { createJobLine } from './job-line.js';
import { jobKeys, MAINTENANCE_QUEUE_NAME, workspaceFromMember, workspaceMember } from './keys.js';
import { repairJob } from './repair.js';
import { wakeJob } from './worker.js';

export const SWEEP_EVERY_MS = 60_000;
/** In-flight submit marks older than this belong to crashed turns: reconciliation ignores them. */
const STALE_INFLIGHT_MS = 3600_000;

export interface SweepReport {
  workspaces: number;
  dropped: number;
  repaired: number;
  woken: number;
}

export interface SweeperOptions {
  redis: RedisClient;
  prefix: string;
  queue: Queue;
  settings: SettingsStore;
  logger: Logger;
  providers: string[];
}

/** Workspaces swept at once: their reads go out together (the stores' connection pipelines a tick's commands). */
const WORKSPACES_AT_ONCE = 32;

export async function sweepOnce(options: SweeperOptions): Promise<SweepReport> {
  const { redis, prefix, queue, logger } = options;
  const keys = jobKeys(prefix);
  const report: SweepReport = { workspaces: 0, dropped: 0, repaired: 0, woken: 0 };
  const members = await redis.smembers(keys.workspaces());
  let next = 0;
  const lane = async () => {
    while (next < members.length) {
      const workspace = workspaceFromMember(members[next++]!);
      if (!workspace) continue;
      report.workspaces++;
      await sweepWorkspace(options, workspace, report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WORKSPACES_AT_ONCE, members.length) }, lane));
  for (const id of await redis.smembers(keys.purged())) {
    const job = await queue.getJob(id);
    if (!job) await redis.srem(keys.purged(), id);
    else if (await job.remove().then(() => true, () => false)) {
      await redis.srem(keys.purged(), id);
      report.dropped++;
    }
  }
  for (const provider of options.providers) await redis.zremrangebyscore(keys.inflight(provider), '-inf', Date.now() - STALE_INFLIGHT_MS);
  if (report.dropped + report.repaired + report.woken > 0) logger.info(report, 'sweeper repaired the job bookkeeping');
  return report;
}

async function sweepWorkspace(options: SweeperOptions, workspace: WorkspaceRef, report: SweepReport): Promise<void> {
  const { redis, prefix, queue, settings, logger } = options;
  const keys = jobKeys(prefix);
  const line = createJobLine(redis, prefix);
  const sets = [keys.running(workspace), keys.active(workspace)];
  const [running, active, waiting] = await Promise.all([redis.smembers(sets[0]!), redis.smembers(sets[1]!), redis.zrange(keys.line(workspace), 0, -1)]);
  // States first, many at once: with thousands of jobs in flight nearly all are delayed or
  // active, and only the rest are worth loading whole.
  const ids = [...new Set([...running, ...active, ...waiting])];
  const states = await statesOf(queue, ids);
  let changed = false;
  for (const [i, id] of ids.entries()) {
    const early = states[i]!;
    if (early !== 'unknown' && early !== 'completed' && early !== 'failed') continue;
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (!job || state === 'unknown' || state === 'missing') {
      await redis.multi().srem(sets[0]!, id).srem(sets[1]!, id).zrem(keys.line(workspace), id).exec();
      report.dropped++;
      changed = true;
      continue;
    }
    if (state !== 'completed' && state !== 'failed') continue;
    const parsed = GenerationJob.safeParse(job.data);
    if (parsed.success && parsed.data.step !== 'done') {
      if ((await repairJob(queue, job, logger)) !== 'ignored') report.repaired++;
    } else {
      await redis.multi().srem(sets[0]!, id).srem(sets[1]!, id).zrem(keys.line(workspace), id).exec();
      report.dropped++;
    }
    changed = true;
  }
  // A lost wake: someone waits in line while slots are free.
  if (waiting.length > 0) {
    const { maxConcurrentJobs } = await settings.get(workspace);
    const free = maxConcurrentJobs - (await redis.scard(sets[0]!));
    if (free > 0) for (const id of await line.heads(workspace, free)) if (await wakeJob(queue, id)) report.woken++;
  }
  // Counted again only when it may have emptied: a workspace with nothing in flight leaves the sweep.
  if (ids.length > 0 && !changed) return;
  const empty = (await redis.scard(sets[0]!)) + (await redis.scard(sets[1]!)) + (await redis.zcard(keys.line(workspace))) === 0;
  if (empty) await redis.srem(keys.workspaces(), workspaceMember(workspace));
}

/** BullMQ states of many jobs, STATE_BATCH at a time (the commands of a batch go out together). */
const STATE_BATCH = 200;
async function statesOf(queue: Queue, ids: string[]): Promise<string[]> {
  const states: string[] = [];
  for (let i = 0; i < ids.length; i += STATE_BATCH) states.push(...(await Promise.all(ids.slice(i, i + STATE_BATCH).map((id) => queue.getJobState(id)))));
  return states;
}

export interface Sweeper {
  close(): Promise<void>;
}

/** Schedules the sweep (idempotent across processes) and runs it in this process. */
export async function startSweeper(options: SweeperOptions & { connection: RedisClient; everyMs?: number }): Promise<Sweeper> {
  // BullMQ's scripts stay off the stores' autopipelined client (./redis-connection.ts).
  const maintenance = new Queue(MAINTENANCE_QUEUE_NAME, { connection: options.connection, prefix: options.prefix });
  await maintenance.upsertJobScheduler('sweep', { every: options.everyMs ?? SWEEP_EVERY_MS }, { name: 'sweep', opts: { removeOnComplete: 10, removeOnFail: 10 } });
  const worker = new Worker(MAINTENANCE_QUEUE_NAME, async () => sweepOnce(options), { connection: options.connection, prefix: options.prefix, concurrency: 1 });
  worker.on('error', (err) => options.logger.warn({ err }, 'sweeper error'));
  return {
    async close() {
      await worker.close();
      await maintenance.close();
    },
  };
}
