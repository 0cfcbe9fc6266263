/** The worker role: generation turns (BullMQ), the sweeper, and the safe fetching they use. */
import { startSweeper } from '../../../jobs/sweeper.js';
import { createGenerationWorker } from '../../../jobs/worker.js';
import { systemClock } from '../../ports.js';
import { createPipelineFetch } from '../media-fetch.js';
import type { Closers } from './closers.js';
import type { Shared } from './shared.js';

export async function startWorkerRole(shared: Shared, closers: Closers): Promise<void> {
  const { config, logger, redis, providers, stores, queue, platforms } = shared;
  const fetch = createPipelineFetch({ providerUrls: providers.urls });
  closers.add('media fetcher', () => fetch.close());
  const publicUrl = config.PUBLIC_URL?.replace(/\/+$/, '');
  const worker = createGenerationWorker({
    connection: redis.bullConnection,
    redis: redis.redis,
    prefix: redis.prefix,
    concurrency: config.WORKER_CONCURRENCY,
    lockMs: config.JOB_LOCK_SECONDS * 1000,
    deps: {
      providers: providers.providers,
      resolveCredentials: shared.resolveCredentials,
      platforms,
      catalog: providers.catalog,
      settings: stores.settings,
      editBudget: stores.editBudget,
      messageIndex: stores.messageIndex,
      reactionLocks: stores.reactionLocks,
      quotas: stores.quotas,
      ledger: stores.ledger,
      fetchMedia: fetch.fetchMedia,
      clock: systemClock,
      logger,
      metrics: shared.metrics.metrics,
      limits: { maxInputBytes: config.MAX_INPUT_MB * 1024 * 1024, maxOutputBytes: 500 * 1024 * 1024 },
      ...(publicUrl ? { webhookUrl: () => `${publicUrl}/webhooks/krea` } : {}),
      ...(providers.timeScale !== undefined ? { timeScale: providers.timeScale } : {}),
    },
  });
  closers.add('worker', () => worker.close());
  const sweeper = await startSweeper({ redis: redis.redis, connection: redis.bullConnection, prefix: redis.prefix, queue: queue.queue, settings: stores.settings, logger, providers: Object.keys(providers.providers), everyMs: config.SWEEP_SECONDS * 1000 });
  closers.add('sweeper', () => sweeper.close());
}
