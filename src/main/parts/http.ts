/**
 * The one HTTP server: ops endpoints, provider webhooks, and whatever the adapters mount (Slack
 * HTTP mode, OAuth, the playground). Local mode without ADMIN_PASSWORD listens on loopback only:
 * the playground acts as an admin of its workspace and must not be reachable from the network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createOpsRouter, type ReadinessCheck } from '../../../adapters/ops/router.js';
import { wakeJobForProviderJob } from '../../../jobs/worker.js';
import type { Closers } from './closers.js';
import type { Shared } from './shared.js';

export interface HttpParts {
  app: Express;
  checks: ReadinessCheck[];
  /** Binds and listens; returns the base URL links are built from. */
  listen(): Promise<string>;
  baseUrl(): string;
  /** The interface and port actually bound (after listen). */
  bound(): { host: string; port: number };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function createHttp(shared: Shared, closers: Closers): HttpParts {
  const { config, logger, redis, queue, providers, metrics } = shared;
  const app = express();
  app.disable('x-powered-by');
  const checks: ReadinessCheck[] = [{ name: 'redis', check: async () => void (await redis.redis.ping()) }];
  app.use(createOpsRouter({ registry: metrics.registry, queues: [queue.queue], checks, ...(config.ADMIN_PASSWORD ? { adminPassword: config.ADMIN_PASSWORD } : {}) }));
  app.post('/webhooks/krea', express.json({ limit: '256kb' }), async (req, res) => {
    // Krea's webhooks are unsigned: accept only job ids this bot created, then just wake the job
    // (it reads the status itself), so duplicates and forgeries can do no harm.
    const parsed = providers.providers.krea?.parseWebhook?.(req.body);
    if (!parsed) return void res.status(400).json({ error: 'not a job' });
    const woke = await wakeJobForProviderJob({ redis: redis.redis, prefix: redis.prefix, queue: queue.queue }, parsed.providerJobId).catch(() => false);
    res.status(woke ? 200 : 404).json({ ok: woke });
  });

  let base = '';
  let bound = { host: '', port: 0 };
  return {
    app,
    checks,
    baseUrl: () => base,
    bound: () => bound,
    async listen() {
      let host = config.HOST;
      if (config.localMode && !config.ADMIN_PASSWORD && !LOOPBACK.has(host)) {
        logger.warn({ host }, 'local mode without ADMIN_PASSWORD listens on 127.0.0.1 only; set ADMIN_PASSWORD to open the playground to the network');
        host = '127.0.0.1';
      }
      const server: Server = createServer(app);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`Port ${config.PORT} is in use: set PORT to a free one.`) : err));
        server.listen(config.PORT, host, resolve);
      });
      closers.add('http server', () => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }));
      const { port } = server.address() as AddressInfo;
      bound = { host, port };
      const linkHost = ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      base = config.PUBLIC_URL?.replace(/\/+$/, '') ?? `http://${linkHost}:${port}`;
      return base;
    },
  };
}
