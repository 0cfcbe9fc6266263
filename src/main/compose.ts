/**
 * The composition root: configuration in, a running bot out. One process runs the ingress role
 * (platform events, the command core, HTTP), the worker role (jobs, the sweeper), or both
 * (`BOT_ROLE=all`, the default); local mode adds the playground and the simulators. Each part is
 * one file under ./parts/; this file only says which parts a process runs, in what order.
 */
import type { WebAdapter } from '../../adapters/web/router.js';
import type { BullGenerationQueue } from '../../jobs/queue.js';
import type { Config } from '../config.js';
import type { Dispatcher } from '../dispatcher-port.js';
import type { Logger } from '../logger.js';
import { renderBanner } from './banner.js';
import { Closers } from './parts/closers.js';
import { createHttp } from './parts/http.js';
import { auditSecrets } from './parts/secret-audit.js';
import type { ProviderParts } from './parts/providers.js';
import { createShared } from './parts/shared.js';

export interface RunningBot {
  /** Base URL of the HTTP server. */
  url: string;
  /** The interface and port the HTTP server listens on. */
  bound: { host: string; port: number };
  /** The command core (absent in a worker-only process). */
  dispatcher?: Dispatcher;
  queue: BullGenerationQueue;
  web?: WebAdapter;
  /** Local mode's provider simulators. */
  simulators: ProviderParts['simulators'];
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
  const closers = new Closers(logger);
  try {
    const shared = await createShared(config, logger, closers, options.simulatorMsPerSecond);
    await auditSecrets(shared);
    const http = createHttp(shared, closers);
    // Each role's part is loaded only by the processes that run it: a worker never loads Bolt's
    // receiver, the gateway client or the playground (~40 MB of RSS, docs/BENCHMARKS.md).
    const ingress = config.BOT_ROLE !== 'worker' ? await (await import('./parts/ingress.js')).startIngress(shared, http, closers) : undefined;
    const url = await http.listen();
    if (config.BOT_ROLE !== 'ingress') await (await import('./parts/worker-role.js')).startWorkerRole(shared, closers);

    if (options.banner !== false) {
      const web = ingress?.web;
      const simulated = web ? [...shared.providers.simulated, 'chat (web playground)'] : shared.providers.simulated;
      process.stdout.write(`${renderBanner({ ...(web ? { url: `${url}/` } : {}), real: [...shared.providers.real, ...(ingress?.real ?? [])], simulated, redis: shared.redis.note, role: config.BOT_ROLE })}\n`);
    }
    logger.info({ url, role: config.BOT_ROLE, localMode: config.localMode }, 'genbot started');
    return { url, bound: http.bound(), ...(ingress ? { dispatcher: ingress.dispatcher } : {}), queue: shared.queue, simulators: shared.providers.simulators, ...(ingress?.web ? { web: ingress.web } : {}), close: () => closers.closeAll() };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}
