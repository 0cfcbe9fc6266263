/**
 * Uninstall: everything of a workspace's jobs goes. Jobs still at the provider are cancelled
 * there first (with the workspace's key, before the stores delete it), then every job record
 * (prompts, user ids, URLs), its provider-job mappings, cancel flags and the workspace's line and
 * sets are deleted. A job a worker holds right now cannot be removed at once: it gets a cancel
 * flag and is listed for the sweeper, which removes it once it has stopped.
 */
import type { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import { GenerationJob, type ProviderId } from '../src/generation.js';
import type { Logger } from '../src/logger.js';
import type { WorkspaceRef } from '../src/model.js';
import type { GenerationProvider, ProviderCredentials } from '../src/ports.js';
import { jobKeys, workspaceMember } from './keys.js';

export interface PurgeOptions {
  redis: RedisClient;
  prefix: string;
  queue: Queue;
  providers: Partial<Record<ProviderId, GenerationProvider>>;
  resolveCredentials(workspace: WorkspaceRef, provider: ProviderId): Promise<ProviderCredentials | undefined>;
  logger: Logger;
}

/** Returns how many jobs were removed (or left to the sweeper because a worker held them). */
export async function purgeWorkspaceJobs(options: PurgeOptions, workspace: WorkspaceRef): Promise<number> {
  const { redis, queue, logger } = options;
  const keys = jobKeys(options.prefix);
  const [all, active, running, line] = await Promise.all([
    redis.zrange(keys.jobs(workspace), 0, -1),
    redis.smembers(keys.active(workspace)),
    redis.smembers(keys.running(workspace)),
    redis.zrange(keys.line(workspace), 0, -1),
  ]);
  const ids = new Set([...all, ...active, ...running, ...line]);
  for (const id of ids) {
    const job = await queue.getJob(id);
    const parsed = job ? GenerationJob.safeParse(job.data) : undefined;
    const data = parsed?.success ? parsed.data : undefined;
    if (data && !data.outcome && data.operations.length > 0) await stopAtProvider(options, workspace, data);
    const extra = (data?.operations ?? []).map((op) => keys.providerJob(op.providerJobId));
    await redis.del(keys.cancel(id), keys.created(id), ...extra);
    if (!job) continue;
    try {
      await job.remove();
    } catch {
      // A worker holds it: stop it, and let the sweeper remove it when it is free.
      await redis.multi().set(keys.cancel(id), 'null', 'EX', 24 * 3600).sadd(keys.purged(), id).exec();
      logger.info({ job: id }, 'job busy during purge; the sweeper removes it');
    }
  }
  await redis
    .multi()
    .del(keys.jobs(workspace), keys.active(workspace), keys.running(workspace), keys.line(workspace))
    .srem(keys.workspaces(), workspaceMember(workspace))
    .exec();
  return ids.size;
}

async function stopAtProvider(options: PurgeOptions, workspace: WorkspaceRef, job: GenerationJob): Promise<void> {
  const provider = options.providers[job.request.provider];
  const credentials = await options.resolveCredentials(workspace, job.request.provider).catch(() => undefined);
  if (!provider?.cancel || !credentials) return;
  for (const op of job.operations) {
    await provider.cancel(op, { credentials, signal: AbortSignal.timeout(10_000) }).catch((err: unknown) => options.logger.warn({ err, job: job.id }, 'could not cancel at the provider during purge'));
  }
}
