/**
 * The composition root: configuration in, a running bot out. Connects Redis (or starts a private
 * one in local mode), the provider (or the Krea simulator in local mode), the stores, the queue,
 * the worker, the dispatcher, the adapters and one HTTP server, and stops them in reverse order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRoutes } from '../../commands/routes.js';
import type { CommandServices } from '../../commands/services.js';
import { createKreaProvider } from '../../adapters/providers/krea/client.js';
import { startKreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { downloadLimited } from '../../adapters/providers/http.js';
import { createModelCatalog } from '../../adapters/providers/model-catalog.js';
import { createMetrics } from '../../adapters/ops/metrics.js';
import { createOpsRouter, type ReadinessCheck } from '../../adapters/ops/router.js';
import { createEditBudget } from '../../adapters/redis/edit-budget.js';
import { createCredentialStore, createDedupeStore, createEncryptedKeyValueStore, createKeyValueStore, createMessageIndex, createSettingsStore, purgeWorkspace } from '../../adapters/redis/stores.js';
import { createDiscordAdapter } from '../../adapters/discord/client.js';
import { createDiscordPlatform } from '../../adapters/discord/platform.js';
import { registerDiscordCommands } from '../../adapters/discord/register.js';
import { createSlackAdapter } from '../../adapters/slack/app.js';
import { allSpecs } from '../../commands/specs.js';
import { checkSlackReachable, createSlackInstallationStore, createSlackPlatformDirectory } from '../../adapters/slack/installation-store.js';
import { createWebAdapter, type WebAdapter } from '../../adapters/web/router.js';
import { createGenerationQueue, type BullGenerationQueue } from '../../jobs/queue.js';
import { createRedisConnection } from '../../jobs/redis-connection.js';
import { startSweeper } from '../../jobs/sweeper.js';
import { createGenerationWorker, wakeJobForProviderJob } from '../../jobs/worker.js';
import { createReactionLocks } from '../../adapters/redis/reaction-locks.js';
import type { Config } from '../config.js';
import { parseCommandOptions } from '../command-args.js';
import { parseCommandText } from '../command-text.js';
import { createSecretBox } from '../crypto-box.js';
import { createDispatcher } from '../dispatcher.js';
import type { Dispatcher } from '../dispatcher-port.js';
import { PlatformError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PlatformKind } from '../model.js';
import type { PlatformDirectory } from '../ports.js';
import { systemClock } from '../ports.js';
import { renderBanner } from './banner.js';
import { redisAnswers, startEmbeddedRedis } from './embedded-redis.js';


/** The simulator's token in local mode: any token works there; this one says what it is. */
const SIMULATOR_TOKEN = 'local-simulator';

export interface RunningBot {
  /** Base URL of the HTTP server. */
  url: string;
  dispatcher: Dispatcher;
  queue: BullGenerationQueue;
  web?: WebAdapter;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** Prints the banner (on by default for `npm start`). */
  banner?: boolean;
  /** Simulator speed in local mode: ms per second of the model's average time. */
  simulatorMsPerSecond?: number;
}

export async function startBot(options: StartOptions): Promise<RunningBot> {
  const { config, logger } = options;
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
    closers.length = 0;
  };
  try {
    return await start();
  } catch (err) {
    await close();
    throw err;
  }

  async function start(): Promise<RunningBot> {
    const real: string[] = [];
    const simulated: string[] = [];

    // ---- Redis: configured, or the default address, or (local mode) our own.
    let redisUrl = config.REDIS_URL ?? 'redis://127.0.0.1:6379';
    let redisNote = redisUrl.replace(/\/\/[^@]*@/, '//***@');
    if (!config.REDIS_URL && !(await redisAnswers(redisUrl))) {
      if (!config.localMode) throw new Error(`Redis does not answer at ${redisUrl}. Start one, or set REDIS_URL.`);
      const embedded = await startEmbeddedRedis();
      closers.push(() => embedded.stop());
      redisUrl = embedded.url;
      redisNote = `embedded redis-server (${embedded.url}, data in ./data/redis)`;
    }
    const redis = createRedisConnection(redisUrl, { name: 'genbot' });
    const bullConnection = createRedisConnection(redisUrl, { forWorker: true, name: 'genbot-worker' });
    closers.push(async () => {
      redis.disconnect();
      bullConnection.disconnect();
    });
    const prefix = config.REDIS_PREFIX;

    // ---- Providers: the real Krea, or (local mode without a token) the simulator.
    let kreaUrl = config.KREA_API_URL;
    let defaultKreaKey = config.KREA_API_TOKEN;
    const perSecond = options.simulatorMsPerSecond ?? 150;
    // The simulator runs models faster than life; polling is scaled the same way.
    let timeScale: number | undefined;
    if (config.localMode && !config.KREA_API_TOKEN) {
      timeScale = Math.max(0.01, perSecond / 1000);
      const sim = await startKreaSimulator({ jobDurationMs: (id) => Math.min(15_000, Math.max(2_000, (id.startsWith('video/') ? 60 : 15) * perSecond)) });
      closers.push(() => sim.close());
      kreaUrl = sim.url;
      defaultKreaKey = SIMULATOR_TOKEN;
      simulated.push(`Krea API (simulator at ${sim.url})`);
    } else {
      real.push(`Krea API (${kreaUrl})`);
    }
    const { registry, metrics, setQueueDepthProvider } = createMetrics();
    const krea = createKreaProvider({ baseUrl: kreaUrl, logger, metrics });
    const providers = { krea };
    const catalog = createModelCatalog({ sources: [krea], logger });
    void catalog.list('krea').catch((err: unknown) => logger.warn({ err }, 'model catalog not loaded yet; will retry on use'));

    // ---- Stores, queue.
    const box = config.BOT_ENCRYPTION_KEY ? createSecretBox(config.BOT_ENCRYPTION_KEY) : undefined;
    const settings = createSettingsStore({ redis, prefix, logger });
    const credentials = createCredentialStore({ redis, prefix, box, logger });
    const messageIndex = createMessageIndex({ redis, prefix });
    const reactionLocks = createReactionLocks({ redis, prefix });
    const queue = createGenerationQueue({ connection: redis, prefix });
    closers.push(() => queue.close());
    setQueueDepthProvider(async () => (await queue.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')) as Record<string, number>);

    // ---- Platforms: each adapter registers how to reach a workspace.
    const directories: Partial<Record<PlatformKind, PlatformDirectory>> = {};
    const platforms: PlatformDirectory = {
      async forWorkspace(workspace) {
        const directory = directories[workspace.platform];
        if (!directory) throw new PlatformError(workspace.platform, 'invalid_auth', `${workspace.platform} is not configured on this bot`);
        return directory.forWorkspace(workspace);
      },
    };
    const resolveCredentials: CommandServices['hasDefaultCredentials'] = (provider) => provider === 'krea' && !!defaultKreaKey;

    const services: CommandServices = {
      queue,
      catalog,
      platforms,
      settings,
      credentials,
      messageIndex,
      reactionLocks,
      providers,
      hasDefaultCredentials: resolveCredentials,
      canStoreCredentials: !!box,
      clock: systemClock,
      logger,
      limits: { jobDeadlineMs: config.JOB_DEADLINE_MINUTES * 60_000, maxInputBytes: config.MAX_INPUT_MB * 1024 * 1024 },
      randomSeed: () => Math.floor(Math.random() * 4294967295),
    };
    const parsers = { fromText: parseCommandText, fromOptions: parseCommandOptions };
    const dispatcher = createDispatcher({ routes: createRoutes(services, parsers), parsers, dedupe: createDedupeStore({ redis, prefix }), logger });

    // ---- HTTP: ops, provider webhooks, and the adapters' routes.
    const app = express();
    app.disable('x-powered-by');
    let baseUrl = '';
    const checks: ReadinessCheck[] = [{ name: 'redis', check: async () => void (await redis.ping()) }];
    app.use(createOpsRouter({ registry, queues: [queue.queue], checks, ...(config.ADMIN_PASSWORD ? { adminPassword: config.ADMIN_PASSWORD } : {}) }));
    app.post('/webhooks/krea', express.json({ limit: '256kb' }), async (req, res) => {
      // Krea's webhooks are unsigned: accept only job ids this bot created, then just wake the job
      // (it reads the status itself), so duplicates and forgeries can do no harm.
      const parsed = krea.parseWebhook?.(req.body);
      if (!parsed) return void res.status(400).json({ error: 'not a job' });
      const woke = await wakeJobForProviderJob({ redis, prefix, queue: queue.queue }, parsed.providerJobId).catch(() => false);
      res.status(woke ? 200 : 404).json({ ok: woke });
    });

    let web: WebAdapter | undefined;
    if (config.localMode && config.BOT_ROLE !== 'worker') {
      web = createWebAdapter({ dispatcher, logger, baseUrl: () => baseUrl, maxUploadBytes: config.MAX_INPUT_MB * 1024 * 1024 });
      const webPlatform = web.platform;
      directories.web = { forWorkspace: async () => webPlatform };
      app.use(web.router);
      closers.push(async () => web?.close());
    }
    if (config.SLACK_BOT_TOKEN || config.SLACK_CLIENT_ID) {
      const kv = createKeyValueStore({ redis, prefix });
      const installations = createSlackInstallationStore(box ? createEncryptedKeyValueStore(kv, box, logger) : kv);
      checks.push({ name: 'slack', check: (signal) => checkSlackReachable(config.SLACK_API_URL, config.SLACK_BOT_TOKEN, signal) });
      directories.slack = createSlackPlatformDirectory({ apiUrl: config.SLACK_API_URL, logger, ...(config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN } : {}), installations });
      if (config.BOT_ROLE !== 'worker') {
        const slack = createSlackAdapter({
          mode: config.SLACK_APP_TOKEN ? 'socket' : 'http',
          apiUrl: config.SLACK_API_URL,
          dispatcher,
          logger,
          expressApp: app,
          ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
          ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
          ...(config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN } : {}),
          ...(config.SLACK_CLIENT_ID
            ? { oauth: { clientId: config.SLACK_CLIENT_ID, clientSecret: config.SLACK_CLIENT_SECRET!, stateSecret: config.SLACK_STATE_SECRET!, installationStore: installations } }
            : {}),
          onUninstall: async (teamId) => {
            await purgeWorkspace({ redis, prefix }, { platform: 'slack', workspaceId: teamId });
            await installations.deleteInstallation?.({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
          },
        });
        await slack.start();
        closers.push(() => slack.stop());
        real.push(`Slack (${config.SLACK_APP_TOKEN ? 'Socket Mode' : 'HTTP mode at /slack/events'})`);
      }
    }
    if (config.DISCORD_TOKEN) {
      const discordPlatform = createDiscordPlatform({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, logger });
      directories.discord = { forWorkspace: async () => discordPlatform };
      if (config.BOT_ROLE !== 'worker') {
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
        const discord = createDiscordAdapter({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, dispatcher, logger, messageContentIntent: config.DISCORD_MESSAGE_CONTENT });
        await discord.start();
        closers.push(() => discord.stop());
        checks.push({ name: 'discord', check: async () => {
          if (!discord.client.isReady()) throw new Error('the Discord gateway is not connected');
        } });
        real.push('Discord (gateway)');
      }
    }

    const server: Server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`Port ${config.PORT} is in use: set PORT to a free one.`) : err));
      server.listen(config.PORT, config.HOST, resolve);
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const address = server.address() as AddressInfo;
    const linkHost = ['0.0.0.0', '::'].includes(config.HOST) ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    baseUrl = config.PUBLIC_URL?.replace(/\/+$/, '') ?? `http://${linkHost}:${address.port}`;

    // ---- Worker.
    if (config.BOT_ROLE !== 'ingress') {
      const worker = createGenerationWorker({
        connection: bullConnection,
        redis,
        prefix,
        concurrency: config.WORKER_CONCURRENCY,
        deps: {
          providers,
          resolveCredentials: async (workspace, provider) => (await credentials.get(workspace, provider)) ?? (provider === 'krea' && defaultKreaKey ? { apiKey: defaultKreaKey } : undefined),
          platforms,
          catalog,
          settings,
          editBudget: createEditBudget({ redis, prefix, clock: systemClock, onSkipped: () => undefined }),
          messageIndex,
          reactionLocks,
          fetchMedia: async (media, maxBytes, signal) => {
            const { bytes, contentType } = await downloadLimited(media.url, maxBytes, { timeoutMs: 60_000, ...(signal ? { signal } : {}) });
            return { name: media.name ?? 'file', mimeType: contentType ?? media.mimeType ?? 'application/octet-stream', bytes };
          },
          clock: systemClock,
          logger,
          metrics,
          limits: { maxInputBytes: config.MAX_INPUT_MB * 1024 * 1024, maxOutputBytes: 500 * 1024 * 1024 },
          ...(config.PUBLIC_URL ? { webhookUrl: () => `${config.PUBLIC_URL!.replace(/\/+$/, '')}/webhooks/krea` } : {}),
          ...(timeScale !== undefined ? { timeScale } : {}),
        },
      });
      closers.push(() => worker.close());
      const sweeper = await startSweeper({ redis, connection: bullConnection, prefix, queue: queue.queue, settings, logger, providers: Object.keys(providers) });
      closers.push(() => sweeper.close());
    }

    if (options.banner !== false) {
      const banner = renderBanner({ ...(web ? { url: `${baseUrl}/` } : {}), real, simulated: web ? [...simulated, 'chat (web playground)'] : simulated, redis: redisNote, role: config.BOT_ROLE });
      process.stdout.write(`${banner}\n`);
    }
    logger.info({ url: baseUrl, role: config.BOT_ROLE, localMode: config.localMode }, 'genbot started');
    return { url: baseUrl, dispatcher, queue, ...(web ? { web } : {}), close };
  }
}
