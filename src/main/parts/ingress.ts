/**
 * The ingress role: the command core (dispatcher and routes) and the platform adapters that feed
 * it (Slack, Discord, and the playground in local mode). It acks events and enqueues jobs; the
 * worker role runs them.
 */
import { createDiscordAdapter } from '../../../adapters/discord/client.js';
import { registerDiscordCommands } from '../../../adapters/discord/register.js';
import { basicAuth } from '../../../adapters/ops/router.js';
import { purgeWorkspace } from '../../../adapters/redis/stores.js';
import { createSlackAdapter } from '../../../adapters/slack/app.js';
import { checkSlackReachable } from '../../../adapters/slack/installation-store.js';
import { createWebAdapter, type WebAdapter } from '../../../adapters/web/router.js';
import { createRoutes } from '../../../commands/routes.js';
import type { CommandServices } from '../../../commands/services.js';
import { SETTINGS } from '../../../commands/manage/settings-route.js';
import { allSpecs } from '../../../commands/specs.js';
import { purgeWorkspaceJobs } from '../../../jobs/purge.js';
import { parseCommandOptions } from '../../command-args.js';
import { parseCommandText } from '../../command-text.js';
import { createDispatcher } from '../../dispatcher.js';
import type { Dispatcher } from '../../dispatcher-port.js';
import type { WorkspaceRef } from '../../model.js';
import { systemClock } from '../../ports.js';
import type { Closers } from './closers.js';
import type { HttpParts } from './http.js';
import type { Shared } from './shared.js';

export interface IngressParts {
  dispatcher: Dispatcher;
  web?: WebAdapter;
  real: string[];
}

export async function startIngress(shared: Shared, http: HttpParts, closers: Closers): Promise<IngressParts> {
  const { config, logger, redis, providers, stores, queue, platforms } = shared;
  const services: CommandServices = {
    queue,
    catalog: providers.catalog,
    platforms,
    settings: stores.settings,
    credentials: stores.credentials,
    messageIndex: stores.messageIndex,
    reactionLocks: stores.reactionLocks,
    quotas: stores.quotas,
    ledger: stores.ledger,
    providers: providers.providers,
    hasDefaultCredentials: (provider) => !!providers.defaultKeys[provider],
    resolveCredentials: shared.resolveCredentials,
    canStoreCredentials: !!stores.box,
    clock: systemClock,
    logger,
    limits: { jobDeadlineMs: config.JOB_DEADLINE_MINUTES * 60_000, maxInputBytes: config.MAX_INPUT_MB * 1024 * 1024, confirmWindowMs: config.CONFIRM_SECONDS * 1000 },
    randomSeed: () => Math.floor(Math.random() * 4294967295),
  };
  const parsers = { fromText: parseCommandText, fromOptions: parseCommandOptions };
  const dispatcher = createDispatcher({ routes: createRoutes(services, parsers), parsers, dedupe: stores.dedupe, logger });
  const real: string[] = [];

  /** Everything of a workspace that uninstalled the app: its jobs (stopped at the provider), then its stores. */
  const purge = async (workspace: WorkspaceRef) => {
    const jobs = await purgeWorkspaceJobs({ redis: redis.redis, prefix: redis.prefix, queue: queue.queue, providers: providers.providers, resolveCredentials: shared.resolveCredentials, logger }, workspace);
    const keys = await purgeWorkspace({ redis: redis.redis, prefix: redis.prefix }, workspace);
    logger.info({ platform: workspace.platform, workspace: workspace.workspaceId, jobs, keys }, 'workspace purged');
  };

  let web: WebAdapter | undefined;
  if (config.localMode) {
    web = createWebAdapter({ dispatcher, logger, baseUrl: http.baseUrl, maxUploadBytes: config.MAX_INPUT_MB * 1024 * 1024 });
    const webPlatform = web.platform;
    platforms.register('web', { forWorkspace: async () => webPlatform });
    // The playground acts as an admin: with a password it asks for it, without one it is loopback only (http.ts).
    if (config.ADMIN_PASSWORD) http.app.use(basicAuth(config.ADMIN_PASSWORD));
    http.app.use(web.router);
    closers.add('playground', async () => web?.close());
  }

  if (config.SLACK_BOT_TOKEN || config.SLACK_CLIENT_ID) {
    const installations = shared.slackInstallations!;
    http.checks.push({ name: 'slack', check: (signal) => checkSlackReachable(config.SLACK_API_URL, config.SLACK_BOT_TOKEN, signal) });
    const slack = createSlackAdapter({
      mode: config.SLACK_APP_TOKEN ? 'socket' : 'http',
      apiUrl: config.SLACK_API_URL,
      dispatcher,
      logger,
      expressApp: http.app,
      ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
      ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
      ...(config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN } : {}),
      ...(config.SLACK_CLIENT_ID
        ? { oauth: { clientId: config.SLACK_CLIENT_ID, clientSecret: config.SLACK_CLIENT_SECRET!, stateSecret: config.SLACK_STATE_SECRET!, installationStore: installations } }
        : {}),
      // The App Home offers what this bot really has: its providers, its settings.
      homeProviders: Object.entries(providers.providers).map(([id, p]) => ({ id, name: p!.displayName })),
      settingNames: Object.keys(SETTINGS),
      onUninstall: async (teamId) => {
        await purge({ platform: 'slack', workspaceId: teamId });
        await installations.deleteInstallation?.({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
      },
    });
    await slack.start();
    closers.add('slack', () => slack.stop());
    real.push(`Slack (${config.SLACK_APP_TOKEN ? 'Socket Mode' : 'HTTP mode at /slack/events'})`);
  }

  if (config.DISCORD_TOKEN) {
    const registered = await registerDiscordCommands({
      token: config.DISCORD_TOKEN,
      applicationId: config.DISCORD_APPLICATION_ID!,
      apiUrl: config.DISCORD_API_URL,
      specs: allSpecs,
      ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
    }).catch((err: unknown) => {
      logger.warn({ err }, 'could not check or register Discord commands; run `npm run register:discord`');
      return 'failed';
    });
    logger.info({ registered }, 'Discord commands');
    const discord = createDiscordAdapter({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, dispatcher, logger, messageContentIntent: config.DISCORD_MESSAGE_CONTENT, uploadLimits: stores.secrets });
    await discord.start();
    closers.add('discord', () => discord.stop());
    http.checks.push({
      name: 'discord',
      check: async () => {
        if (!discord.client.isReady()) throw new Error('the Discord gateway is not connected');
      },
    });
    real.push('Discord (gateway)');
  }
  return { dispatcher, ...(web ? { web } : {}), real };
}
