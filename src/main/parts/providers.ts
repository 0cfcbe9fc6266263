/**
 * The generation providers: each one whose key is configured, and in local mode every one, backed
 * by its simulator when no real key is set (the playground can try all three). Server-wide keys
 * are the fallback credentials; a workspace's own key always wins.
 */
import { createKPainterProvider } from '../../../adapters/providers/kpainter/client.js';
import { createKreaProvider } from '../../../adapters/providers/krea/client.js';
import { KREV_MODELS } from '../../../adapters/providers/krev/catalog.js';
import { createKrevProvider } from '../../../adapters/providers/krev/client.js';
import { createModelCatalog } from '../../../adapters/providers/model-catalog.js';
import type { KPainterSimulator } from '../../../adapters/providers/kpainter/simulator/server.js';
import type { KreaSimulator } from '../../../adapters/providers/krea/simulator/server.js';
import type { KrevSimulator } from '../../../adapters/providers/krev/simulator/server.js';
import type { Config } from '../../config.js';
import type { ProviderId } from '../../generation.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics-port.js';
import type { GenerationProvider, ModelCatalog } from '../../ports.js';
import type { Closers } from './closers.js';

/** The simulators' token in local mode: any token works there; this one says what it is. */
export const SIMULATOR_TOKEN = 'local-simulator';

export interface ProviderParts {
  providers: Partial<Record<ProviderId, GenerationProvider>>;
  catalog: ModelCatalog;
  /** Server-wide keys from the environment (or the simulators'), by provider. */
  defaultKeys: Partial<Record<ProviderId, string>>;
  /** Base URLs actually used, for the safe fetcher's trusted origins. */
  urls: string[];
  real: string[];
  simulated: string[];
  /** Local mode: shrinks polling to the simulators' speed. */
  timeScale?: number;
  /** The simulators local mode started (tests drive their fault controls). */
  simulators: { krea?: KreaSimulator; krev?: KrevSimulator; kpainter?: KPainterSimulator };
}

export async function createProviders(config: Config, logger: Logger, metrics: Metrics, closers: Closers, simulatorMsPerSecond = 150): Promise<ProviderParts> {
  const parts: ProviderParts = { providers: {}, catalog: undefined as unknown as ModelCatalog, defaultKeys: {}, urls: [], real: [], simulated: [], simulators: {} };
  const simulate = async <T extends { url: string; close(): Promise<void> }>(name: string, start: () => Promise<T>): Promise<T> => {
    const sim = await start();
    closers.add(`${name} simulator`, () => sim.close());
    parts.simulated.push(`${name} API (simulator at ${sim.url})`);
    parts.timeScale = Math.max(0.01, simulatorMsPerSecond / 1000);
    return sim;
  };
  // Simulators are loaded only when used: the production image does not carry them. Without one,
  // that provider is simply unusable until its key is set (users are told so when they ask).
  const load = async <T>(name: string, path: () => Promise<T>): Promise<T | undefined> =>
    path().catch(() => {
      logger.warn({ provider: name }, 'no simulator in this build; the provider needs its API key');
      return undefined;
    });

  let kreaUrl = config.KREA_API_URL;
  if (config.KREA_API_TOKEN) {
    parts.defaultKeys.krea = config.KREA_API_TOKEN;
    parts.real.push(`Krea API (${kreaUrl})`);
  } else if (config.localMode) {
    const mod = await load('Krea', () => import('../../../adapters/providers/krea/simulator/server.js'));
    if (mod) {
      // Each job lasts the model's published average, scaled like the polling: the ETA shown is the truth.
      parts.simulators.krea = await simulate('Krea', () => mod.startKreaSimulator({ msPerSecond: simulatorMsPerSecond }));
      kreaUrl = parts.simulators.krea.url;
      parts.defaultKeys.krea = SIMULATOR_TOKEN;
    }
  }
  parts.providers.krea = createKreaProvider({ baseUrl: kreaUrl, logger, metrics });
  parts.urls.push(kreaUrl);

  let krevUrl: string | undefined = config.KREV_API_URL;
  if (config.KREV_API_KEY) {
    parts.defaultKeys.krev = config.KREV_API_KEY;
    parts.real.push(`Krev API (${krevUrl})`);
  } else if (config.localMode) {
    const mod = await load('Krev', () => import('../../../adapters/providers/krev/simulator/server.js'));
    if (mod) {
      // As long as Krev's catalog average for the kind, scaled like the polling, so the ETA shown holds.
      const average = (kind: string) => KREV_MODELS.find((m) => m.id.includes(kind === 'ad' ? '/ad' : `${kind}/`))?.averageSeconds ?? 45;
      parts.simulators.krev = await simulate('Krev', () => mod.startKrevSimulator({ jobDurationMs: (kind) => Math.max(300, average(kind) * simulatorMsPerSecond) }));
      krevUrl = parts.simulators.krev.url;
      parts.defaultKeys.krev = SIMULATOR_TOKEN;
    }
  }
  parts.providers.krev = createKrevProvider({ baseUrl: krevUrl, logger, metrics });
  parts.urls.push(krevUrl);

  let kpainterUrl = config.KPAINTER_API_URL;
  if (config.KPAINTER_API_KEY) {
    parts.defaultKeys.kpainter = config.KPAINTER_API_KEY;
    parts.real.push(`KPainter API (${kpainterUrl})`);
  } else if (config.localMode) {
    const mod = await load('KPainter', () => import('../../../adapters/providers/kpainter/simulator/server.js'));
    if (mod) {
      const average = (type: string) => mod.SIM_CATALOG.content_types.find((t) => t.type === type)?.average_seconds ?? 30;
      parts.simulators.kpainter = await simulate('KPainter', () => mod.startKPainterSimulator({ jobDurationMs: (type) => Math.max(300, average(type) * simulatorMsPerSecond) }));
      kpainterUrl = parts.simulators.kpainter.url;
      parts.defaultKeys.kpainter = SIMULATOR_TOKEN;
    }
  }
  const catalogKey = parts.defaultKeys.kpainter;
  parts.providers.kpainter = createKPainterProvider({ baseUrl: kpainterUrl, logger, metrics, ...(catalogKey ? { catalogKey } : {}) });
  parts.urls.push(kpainterUrl);

  if (config.localMode && Object.keys(parts.defaultKeys).length === 0) {
    throw new Error('Local mode needs a provider: this build has no simulators, so set KREA_API_TOKEN (or KREV_API_KEY, KPAINTER_API_KEY), or run from source with `npm start`.');
  }
  parts.catalog = createModelCatalog({ sources: Object.values(parts.providers), logger });
  for (const id of Object.keys(parts.providers) as ProviderId[]) {
    void parts.catalog.list(id).catch((err: unknown) => logger.warn({ err, provider: id }, 'model catalog not loaded yet; will retry on use'));
  }
  return parts;
}
