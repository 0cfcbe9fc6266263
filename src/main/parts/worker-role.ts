/** The worker role: generation turns (BullMQ), the sweeper, and the safe fetching they use. */
import { commandHint } from '../../../commands/hints.js';
import { allSpecs } from '../../../commands/specs.js';
import { startSweeper } from '../../../jobs/sweeper.js';
import { createGenerationWorker } from '../../../jobs/worker.js';
import type { ProviderId } from '../../generation.js';
import type { WorkspaceRef } from '../../model.js';
import { systemClock } from '../../ports.js';
import { createPipelineFetch } from '../media-fetch.js';
import type { Closers } from './closers.js';
import type { Shared } from './shared.js';

/** The first job to find a workspace's own key rejected marks it and tells the admin who connected it. */
async function keyRejected(shared: Shared, workspace: WorkspaceRef, provider: ProviderId): Promise<void> {
  const { credentials } = shared.stores;
  if (!(await credentials.get(workspace, provider))) return; // the operator's key: its logs say so
  if (!(await credentials.markRejected(workspace, provider, Date.now()))) return;
  const info = await credentials.info(workspace, provider);
  const name = shared.providers.providers[provider]?.displayName ?? provider;
  shared.logger.warn({ platform: workspace.platform, workspace: workspace.workspaceId, provider }, 'a workspace key was rejected by its provider');
  if (!info?.connectedBy) return;
  const how = commandHint(workspace.platform, 'connect', provider);
  const text = `${name} rejected the API key you connected for this workspace (it was revoked or deleted). Generations with ${name} stop until an admin connects a new key with \`${how}\`.`;
  const platform = await shared.platforms.forWorkspace(workspace);
  await platform.directMessage(workspace, info.connectedBy, { text, blocks: [{ type: 'text', text }] });
}

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
      onKeyRejected: (workspace, provider) => keyRejected(shared, workspace, provider),
      specs: allSpecs,
      fetchMedia: fetch.fetchMedia,
      clock: systemClock,
      logger,
      metrics: shared.metrics.metrics,
      limits: { maxInputBytes: config.MAX_INPUT_MB * 1024 * 1024, maxOutputBytes: 500 * 1024 * 1024 },
      ...(publicUrl ? { webhookUrl: () => `${publicUrl}/webhooks/krea` } : {}),
      // Local mode's simulators run faster than life; POLL_SCALE shrinks (or stretches) polling on top.
      timeScale: (providers.timeScale ?? 1) * config.POLL_SCALE,
    },
  });
  closers.add('worker', () => worker.close());
  const sweeper = await startSweeper({ redis: redis.redis, connection: redis.bullConnection, prefix: redis.prefix, queue: queue.queue, settings: stores.settings, logger, providers: Object.keys(providers.providers), everyMs: config.SWEEP_SECONDS * 1000 });
  closers.add('sweeper', () => sweeper.close());
}
