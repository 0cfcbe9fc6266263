/**
 * Discord autocomplete (at most 25 choices, answered within 3 s, never deferred):
 * - `model`: every configured provider's models from the cached catalogs (a provider whose
 *   catalog is not cached yet is warmed for the next keystroke), filtered by what was typed and
 *   by the `provider` option when one is chosen, each labelled with its provider and kind;
 * - `product`: the workspace's Krev catalog (cached a minute per workspace; a stale list answers
 *   at once and is refreshed behind it; with no list yet the read gets a short wait), when the
 *   workspace has a Krev key. Several products are comma-separated: the last one is completed.
 */
import type { ModelInfo } from '../src/catalog.js';
import { ProviderId } from '../src/generation.js';
import type { AutocompleteInvocation } from '../src/invocation.js';
import type { WorkspaceRef } from '../src/model.js';
import type { Responder } from '../src/ports.js';
import { cachedProducts, listProducts, productLabel, productProvider, type CatalogProduct } from './krev-products.js';
import { configuredProviders, kindLabel } from './model-lookup.js';
import type { CommandServices } from './services.js';

export const MAX_CHOICES = 25;
/** Discord's limits for one choice. */
const MAX_NAME = 100;
const MAX_VALUE = 100;
/** How long a first product read may hold the answer (Discord gives 3 s for everything). */
export const PRODUCT_WAIT_MS = 1500;

type Choice = { name: string; value: string };

/** The other options already filled in travel with the invocation (Discord's interaction carries them; `provider` narrows the model list). */
type AutocompleteWithOptions = AutocompleteInvocation;

const PROVIDER_NAMES: Record<ProviderId, string> = { krea: 'Krea', krev: 'Krev', kpainter: 'KPainter' };
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function label(model: ModelInfo): string {
  const eta = model.averageSeconds ? ` · ~${Math.round(model.averageSeconds)}s` : '';
  return clip(`${model.id} · ${PROVIDER_NAMES[model.provider]} ${kindLabel(model)}${eta}${model.deprecated ? ' · deprecated' : ''}`, MAX_NAME);
}

export function modelChoices(models: ModelInfo[], partial: string, kind?: ModelInfo['kind'], provider?: ProviderId): Choice[] {
  const q = partial.trim().toLowerCase();
  const scored = models
    .filter((m) => (!kind || m.kind === kind) && (!provider || m.provider === provider))
    .map((m) => {
      const id = m.id.toLowerCase();
      const score =
        q === ''
          ? 1
          : id.startsWith(q)
            ? 3
            : id.split('/').some((p) => p.startsWith(q))
              ? 2
              : id.includes(q) || m.provider.startsWith(q)
                ? 1
                : 0;
      return { m, score };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || Number(a.m.deprecated) - Number(b.m.deprecated) || a.m.provider.localeCompare(b.m.provider) || a.m.id.localeCompare(b.m.id));
  return scored.slice(0, MAX_CHOICES).map(({ m }) => ({ name: label(m), value: m.id }));
}

/** Choices for the last of comma-separated products; earlier ones are kept in the value. */
export function productChoices(products: readonly CatalogProduct[], partial: string): Choice[] {
  const parts = partial.split(',');
  const last = parts.pop()!.trim().toLowerCase();
  const before = parts.map((p) => p.trim()).filter(Boolean);
  const taken = new Set(before.map((p) => p.toLowerCase()));
  const counts = new Map<string, number>();
  for (const p of products) counts.set(productLabel(p).toLowerCase(), (counts.get(productLabel(p).toLowerCase()) ?? 0) + 1);
  const scored = products
    .filter((p) => !taken.has(productLabel(p).toLowerCase()) && !taken.has(p.id.toLowerCase()))
    .map((p) => {
      const name = productLabel(p).toLowerCase();
      const score = last === '' ? 1 : name.startsWith(last) ? 3 : name.split(/\s+/).some((w) => w.startsWith(last)) ? 2 : name.includes(last) || p.id.toLowerCase().startsWith(last) ? 1 : 0;
      return { p, score };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || productLabel(a.p).localeCompare(productLabel(b.p), 'en', { sensitivity: 'base' }));
  return scored.slice(0, MAX_CHOICES).map(({ p }) => {
    // A name that is unique and comma-free reads better in the box; otherwise the id is exact.
    const name = productLabel(p);
    const own = name !== p.id && counts.get(name.toLowerCase()) === 1 && !name.includes(',') ? name : p.id;
    const joined = [...before, own].join(', ');
    return {
      name: clip(`${name}${p.category ? ` · ${p.category}` : ''} · ${p.id.slice(0, 8)}`, MAX_NAME),
      value: joined.length <= MAX_VALUE ? joined : own.slice(0, MAX_VALUE),
    };
  });
}

/** The workspace's products for a keystroke: fresh cache, else stale cache (refreshed behind), else a short wait. */
async function productsNow(s: CommandServices, workspace: WorkspaceRef): Promise<CatalogProduct[]> {
  if (!productProvider(s)) return [];
  const cached = cachedProducts(s, workspace);
  if (cached?.fresh) return cached.products;
  // No key (a UserError) or Krev down: nothing to suggest, never an error on a keystroke.
  const loading = listProducts(s, workspace, { signal: AbortSignal.timeout(10_000) }).catch((err: unknown) => {
    s.logger.debug({ err }, 'product list for autocomplete failed');
    return undefined;
  });
  if (cached) return cached.products;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), PRODUCT_WAIT_MS);
  });
  const products = await Promise.race([loading, late]).finally(() => clearTimeout(timer));
  return products ?? [];
}

export function createAutocompleteHandler(s: CommandServices) {
  return async function handleAutocomplete(invocation: AutocompleteWithOptions, responder: Responder): Promise<void> {
    if (!responder.choices) return;
    if (invocation.option === 'product') {
      const products = await productsNow(s, { platform: invocation.platform, workspaceId: invocation.workspaceId });
      return responder.choices(productChoices(products, invocation.partial));
    }
    if (invocation.option !== 'model') return responder.choices([]);
    const chosen = ProviderId.safeParse(invocation.options?.['provider']);
    const providers = configuredProviders(s).filter((p) => !chosen.success || p === chosen.data);
    const models = providers.flatMap((p) => {
      const cached = s.catalog.cached(p);
      if (cached.length === 0) {
        // Warm the cache for the next keystroke; answer now with what there is rather than time out.
        void s.catalog.list(p).catch((err: unknown) => s.logger.warn({ err, provider: p }, 'catalog warm-up failed'));
      }
      return cached;
    });
    const kind = invocation.command === 'animate' || invocation.options?.['video'] === true ? 'video' : undefined;
    await responder.choices(modelChoices(models, invocation.partial, kind, chosen.success ? chosen.data : undefined));
  };
}
