/**
 * Models across every configured provider. Model ids carry their provider (`image/krev/studio`,
 * `image/kpainter/poster`, Krea's `image/bfl/flux-1-dev`), so a model id alone says where a
 * request goes; a provider alone picks that provider's first model of the kind.
 */
import type { ModelInfo } from '../src/catalog.js';
import type { ProviderId } from '../src/generation.js';
import { unknownModelError } from '../src/model-check.js';
import type { CommandServices } from './services.js';

/** What a model makes, as people say it: Krev's agent (`chat/krev/agent`) is an agent, not an image model. */
export function kindLabel(model: Pick<ModelInfo, 'id' | 'kind'>): string {
  return model.id.startsWith('chat/') ? 'agent' : model.kind;
}

export function configuredProviders(s: CommandServices): ProviderId[] {
  return Object.keys(s.providers) as ProviderId[];
}

/** Every provider's models, from the catalog (a provider whose catalog cannot load is skipped). */
export async function allModels(s: CommandServices): Promise<ModelInfo[]> {
  const lists = await Promise.all(configuredProviders(s).map((p) => s.catalog.list(p).catch(() => [] as ModelInfo[])));
  return lists.flat();
}

/** The model with this id on whichever provider has it; the closest ids when none does. */
export async function findModel(s: CommandServices, modelId: string, provider?: ProviderId): Promise<ModelInfo> {
  if (provider) {
    const found = await s.catalog.get(provider, modelId).catch(() => undefined);
    if (found) return found;
  }
  const all = await allModels(s);
  const found = all.find((m) => m.id === modelId && (!provider || m.provider === provider));
  if (found) return found;
  throw unknownModelError(modelId, all.filter((m) => !provider || m.provider === provider).map((m) => m.id));
}

/** A provider's default model for a kind: its first non-deprecated one. */
export async function providerDefault(s: CommandServices, provider: ProviderId, kind: ModelInfo['kind']): Promise<ModelInfo | undefined> {
  const models = await s.catalog.list(provider).catch(() => [] as ModelInfo[]);
  return models.find((m) => m.kind === kind && !m.deprecated) ?? models.find((m) => m.kind === kind);
}
