/**
 * What every role shares: Redis, metrics, providers and their catalog, the stores, the queue, the
 * platform directories and the credential lookup (a workspace's own key first, then the
 * server-wide key).
 */
import { createDiscordPlatform } from '../../../adapters/discord/platform.js';
import { createPlatformFileDownloader } from '../../../adapters/net/platform-download.js';
import { createSafeFetcher } from '../../../adapters/net/safe-fetch.js';
import { createMetrics } from '../../../adapters/ops/metrics.js';
import { createSlackInstallationStore, createSlackPlatformDirectory } from '../../../adapters/slack/installation-store.js';
import { createGenerationQueue, type BullGenerationQueue } from '../../../jobs/queue.js';
import type { Config } from '../../config.js';
import type { ProviderId } from '../../generation.js';
import type { Logger } from '../../logger.js';
import type { ProviderCredentials } from '../../ports.js';
import { originOf } from '../media-fetch.js';
import type { Closers } from './closers.js';
import { createPlatformRegistry, type PlatformRegistry } from './platforms.js';
import { createProviders, type ProviderParts } from './providers.js';
import { connectRedis, type RedisParts } from './redis.js';
import { createStores, type StoreParts } from './stores.js';

export interface Shared {
  config: Config;
  logger: Logger;
  redis: RedisParts;
  metrics: ReturnType<typeof createMetrics>;
  providers: ProviderParts;
  stores: StoreParts;
  queue: BullGenerationQueue;
  platforms: PlatformRegistry;
  slackInstallations: ReturnType<typeof createSlackInstallationStore> | undefined;
  resolveCredentials(workspace: { platform: 'slack' | 'discord' | 'web'; workspaceId: string }, provider: ProviderId): Promise<ProviderCredentials | undefined>;
}

export async function createShared(config: Config, logger: Logger, closers: Closers, simulatorMsPerSecond?: number): Promise<Shared> {
  const redis = await connectRedis(config, closers);
  const metrics = createMetrics();
  const providers = await createProviders(config, logger, metrics.metrics, closers, simulatorMsPerSecond);
  const stores = createStores(config, redis, logger);
  const queue = createGenerationQueue({ connection: redis.redis, prefix: redis.prefix });
  closers.add('queue', () => queue.close());
  metrics.setQueueDepthProvider(async () => (await queue.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')) as Record<string, number>);

  const platforms = createPlatformRegistry();
  // Platform files (Slack uploads, Discord attachments) go through the SSRF-safe fetcher too; only the configured API origins may be private.
  const platformFiles = createSafeFetcher({ trustedOrigins: [config.SLACK_API_URL, config.DISCORD_API_URL].map(originOf) });
  closers.add('platform files', () => platformFiles.close());
  const downloadFile = createPlatformFileDownloader(platformFiles);
  let slackInstallations: Shared['slackInstallations'];
  if (config.SLACK_BOT_TOKEN || config.SLACK_CLIENT_ID) {
    slackInstallations = createSlackInstallationStore(stores.secrets);
    platforms.register(
      'slack',
      createSlackPlatformDirectory({
        apiUrl: config.SLACK_API_URL,
        logger,
        ...(config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN } : {}),
        installations: slackInstallations,
        downloadFile,
        pacer: stores.pacer,
        ...(config.SLACK_HISTORY_PER_MINUTE ? { historyPerMinute: config.SLACK_HISTORY_PER_MINUTE } : {}),
      }),
    );
  }
  if (config.DISCORD_TOKEN) {
    // The upload limit each interaction reported (attachment_size_limit), remembered per guild.
    const discord = createDiscordPlatform({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, logger, uploadLimits: stores.secrets, downloadFile, pacer: stores.pacer });
    platforms.register('discord', { forWorkspace: async () => discord });
  }

  return {
    config,
    logger,
    redis,
    metrics,
    providers,
    stores,
    queue,
    platforms,
    slackInstallations,
    async resolveCredentials(workspace, provider) {
      const own = await stores.credentials.get(workspace, provider);
      if (own) return own;
      const key = providers.defaultKeys[provider];
      // An admin may switch the operator's server-wide keys off for their workspace.
      return key && (await stores.settings.get(workspace)).useServerKeys ? { apiKey: key } : undefined;
    },
  };
}
