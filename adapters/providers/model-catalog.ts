/**
 * The model catalog over all providers: loaded on first use (concurrent callers share one
 * fetch), then served from memory and refreshed in the background. A failed refresh keeps the
 * last good list, so an outage of /openapi.json never breaks /generate.
 */
import type { ModelInfo } from '../../src/catalog.js';
import type { ProviderId } from '../../src/generation.js';
import type { Logger } from '../../src/logger.js';
import type { Clock, ModelCatalog } from '../../src/ports.js';

export interface CatalogSource {
  id: ProviderId;
  listModels(options: { signal?: AbortSignal }): Promise<ModelInfo[]>;
}

export interface ModelCatalogOptions {
  sources: CatalogSource[];
  logger: Logger;
  clock?: Clock;
  /** How old a list may get before a read triggers a background refresh. */
  refreshMs?: number;
}

interface Entry {
  models: ModelInfo[];
  loadedAt: number;
  loading?: Promise<ModelInfo[]>;
  failedOnce?: boolean;
}

export function createModelCatalog(options: ModelCatalogOptions): ModelCatalog & { refresh(provider: ProviderId): Promise<void> } {
  const clock = options.clock ?? { now: () => Date.now() };
  const refreshMs = options.refreshMs ?? 10 * 60_000;
  const entries = new Map<ProviderId, Entry>();
  const sources = new Map(options.sources.map((s) => [s.id, s]));

  function load(provider: ProviderId): Promise<ModelInfo[]> {
    const source = sources.get(provider);
    if (!source) return Promise.resolve([]);
    const entry = entries.get(provider) ?? { models: [], loadedAt: 0 };
    entries.set(provider, entry);
    if (entry.loading) return entry.loading;
    entry.loading = source
      .listModels({ signal: AbortSignal.timeout(20_000) })
      .then((models) => {
        entry.models = models;
        entry.loadedAt = clock.now();
        entry.failedOnce = false;
        return models;
      })
      .catch((err: unknown) => {
        if (!entry.failedOnce) options.logger.warn({ err, provider }, 'could not load the model catalog; keeping the last list');
        entry.failedOnce = true;
        if (entry.models.length === 0) throw err;
        return entry.models;
      })
      .finally(() => {
        entry.loading = undefined;
      });
    return entry.loading;
  }

  async function list(provider: ProviderId): Promise<ModelInfo[]> {
    const entry = entries.get(provider);
    if (!entry || entry.models.length === 0) return load(provider);
    if (clock.now() - entry.loadedAt > refreshMs) void load(provider).catch(() => undefined);
    return entry.models;
  }

  return {
    list,
    async get(provider, modelId) {
      return (await list(provider)).find((m) => m.id === modelId);
    },
    cached(provider) {
      const entry = entries.get(provider);
      if (entry && clock.now() - entry.loadedAt > refreshMs) void load(provider).catch(() => undefined);
      return entry?.models ?? [];
    },
    async refresh(provider) {
      await load(provider);
    },
  };
}
