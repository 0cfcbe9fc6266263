/**
 * Krev's product catalog, as the commands use it: `--product <name or id>` on /generate and
 * /brief, the `products` command and Discord's `product` autocomplete. Names are matched without
 * regard to case against the workspace's catalog (provider.listProducts), read through a short
 * per-workspace cache so autocomplete answers within Discord's 3 s.
 *
 * The commands reach the catalog through the provider object structurally (`listProducts`,
 * `createProduct`): only Krev has one, and commands may not import an adapter.
 */
import type { ModelInfo } from '../src/catalog.js';
import { tokenize } from '../src/command-text.js';
import { UserError } from '../src/errors.js';
import type { ProviderId } from '../src/generation.js';
import type { MediaFile, WorkspaceRef } from '../src/model.js';
import type { ProviderCallContext, ProviderCredentials } from '../src/ports.js';
import { closest } from '../src/suggest.js';
import type { CommandServices } from './services.js';

export const PRODUCT_PROVIDER: ProviderId = 'krev';
/** Model ids the commands name in hints (ids are data: the Krev client declares the models). */
export const KREV_AD_MODEL_ID = 'image/krev/ad';
export const KREV_AGENT_MODEL_ID = 'chat/krev/agent';
/** How long a workspace's product list is reused. */
export const PRODUCT_CACHE_MS = 60_000;
/** Krev lists at most 100 products per call. */
const LIST_LIMIT = 100;

export interface CatalogProduct {
  id: string;
  name?: string;
  category?: string;
  createdAt?: string;
}

/** What a provider with a product catalog offers (Krev's client has these). */
export interface ProductCatalogProvider {
  listProducts(ctx: ProviderCallContext, options?: { limit?: number }): Promise<CatalogProduct[]>;
  createProduct(ctx: ProviderCallContext, source: ({ imageUrl: string } | { file: MediaFile }) & { name?: string }): Promise<CatalogProduct>;
}

function isProductCatalog(p: unknown): p is ProductCatalogProvider {
  const c = p as Partial<ProductCatalogProvider> | undefined;
  return typeof c?.listProducts === 'function' && typeof c.createProduct === 'function';
}

/** Krev's client, when this bot has Krev; undefined otherwise. */
export function productProvider(s: CommandServices): ProductCatalogProvider | undefined {
  const p = s.providers[PRODUCT_PROVIDER];
  return isProductCatalog(p) ? p : undefined;
}

/**
 * The key a product call uses: the workspace's own, else the operator's server-wide one when the
 * workspace allows it (needs `resolveCredentials` from the composition root).
 */
export async function productCredentials(s: CommandServices, workspace: WorkspaceRef): Promise<ProviderCredentials | undefined> {
  const own = await s.credentials.get(workspace, PRODUCT_PROVIDER);
  if (own) return own;
  if (!s.resolveCredentials || !s.hasDefaultCredentials(PRODUCT_PROVIDER)) return undefined;
  return s.resolveCredentials(workspace, PRODUCT_PROVIDER);
}

interface CacheEntry {
  at: number;
  products: CatalogProduct[];
  /** A read under way, shared by everyone asking meanwhile. */
  loading?: Promise<CatalogProduct[]>;
}

/** One cache per set of services (per process): product lists by workspace. */
const caches = new WeakMap<CommandServices, Map<string, CacheEntry>>();
const keyOf = (w: WorkspaceRef) => `${w.platform}:${w.workspaceId}`;

function cacheOf(s: CommandServices): Map<string, CacheEntry> {
  let cache = caches.get(s);
  if (!cache) caches.set(s, (cache = new Map()));
  return cache;
}

/** Forget a workspace's list (after adding a product). */
export function forgetProducts(s: CommandServices, workspace: WorkspaceRef): void {
  cacheOf(s).delete(keyOf(workspace));
}

/** What the cache holds for the workspace, however old; undefined when nothing was read yet. */
export function cachedProducts(s: CommandServices, workspace: WorkspaceRef): { products: CatalogProduct[]; fresh: boolean } | undefined {
  const entry = cacheOf(s).get(keyOf(workspace));
  if (!entry || entry.at === 0) return undefined;
  return { products: entry.products, fresh: s.clock.now() - entry.at < PRODUCT_CACHE_MS };
}

/**
 * The workspace's Krev products (newest first, at most 100), from the cache when it is under a
 * minute old. Refuses with what to do when the bot has no Krev or the workspace no Krev key.
 */
export async function listProducts(s: CommandServices, workspace: WorkspaceRef, options: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<CatalogProduct[]> {
  const provider = productProvider(s);
  if (!provider) throw new UserError('provider_unavailable', 'Products live in a Krev catalog, and Krev is not available on this bot.');
  const cache = cacheOf(s);
  const key = keyOf(workspace);
  const entry = cache.get(key);
  if (entry && !options.fresh && entry.at > 0 && s.clock.now() - entry.at < PRODUCT_CACHE_MS) return entry.products;
  if (entry?.loading && !options.fresh) return entry.loading;
  const credentials = await productCredentials(s, workspace);
  if (!credentials) {
    throw new UserError('no_credentials', 'No Krev API key is set up for this workspace, so there is no product catalog to use. An admin can add one with `<cmd:connect krev>`.');
  }
  const loading = provider.listProducts({ credentials, signal: options.signal ?? AbortSignal.timeout(10_000) }, { limit: LIST_LIMIT });
  cache.set(key, { at: entry?.at ?? 0, products: entry?.products ?? [], loading });
  try {
    const products = await loading;
    cache.set(key, { at: s.clock.now(), products });
    return products;
  } catch (err) {
    if (entry && entry.at > 0) cache.set(key, { at: entry.at, products: entry.products });
    else cache.delete(key);
    throw err;
  }
}

/** `a, b` and repeated flags → one list of names or ids, trimmed, empty ones dropped, each once. */
export function splitProductNames(values: readonly string[]): string[] {
  const names = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return names.filter((n, i) => names.findIndex((o) => o.toLowerCase() === n.toLowerCase()) === i);
}

const PRODUCT_FLAG = /^--(products?)(?:=([\s\S]*))?$/i;

/**
 * Every `--product` in command text (the parser keeps only the last of a repeated flag). Each
 * takes the words up to the next flag, like the spec's greedy `product`. Undefined when the
 * text has none.
 */
export function productFlagValues(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const tokens = tokenize(text);
  const values: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const m = t.quoted ? null : PRODUCT_FLAG.exec(t.value);
    if (!m) continue;
    if (m[2] !== undefined) {
      values.push(m[2]);
      continue;
    }
    const words: string[] = [];
    while (i + 1 < tokens.length && (tokens[i + 1]!.quoted || !/^--[A-Za-z]/.test(tokens[i + 1]!.value))) words.push(tokens[++i]!.value);
    values.push(words.join(' '));
  }
  return values.length > 0 ? values : undefined;
}

/** What a model takes in products, from its input schema: none (undefined), at most `max`, and whether one is required. */
export function productSupport(model: ModelInfo): { max: number; required: boolean } | undefined {
  if (model.provider !== PRODUCT_PROVIDER) return undefined;
  const schema = model.inputSchema as { properties?: Record<string, { maxItems?: number } | undefined>; required?: string[] } | undefined;
  const props = schema?.properties ?? {};
  const many = props['product_ids'];
  const one = props['product_id'];
  if (!many && !one) return undefined;
  const required = (schema?.required ?? []).some((r) => r === 'product_ids' || r === 'product_id');
  return { max: many ? (many.maxItems ?? Number.POSITIVE_INFINITY) : 1, required };
}

export const productLabel = (p: CatalogProduct) => p.name?.trim() || p.id;

function nearNames(name: string, products: readonly CatalogProduct[]): string[] {
  const named = products.filter((p) => p.name).map((p) => p.name!);
  const q = name.toLowerCase();
  const containing = named.filter((n) => n.toLowerCase().includes(q) || q.includes(n.toLowerCase()));
  const near = closest(name, named, 3);
  return [...new Set([...containing, ...near])].slice(0, 3);
}

/**
 * Names or ids → product ids, in order. A name matches without regard to case; an id matches
 * exactly. Refuses a name that matches nothing (with the closest names) or several products.
 */
export function matchProducts(names: readonly string[], products: readonly CatalogProduct[]): string[] {
  const ids: string[] = [];
  for (const name of names) {
    const byId = products.find((p) => p.id === name) ?? products.find((p) => p.id.toLowerCase() === name.toLowerCase());
    if (byId) {
      ids.push(byId.id);
      continue;
    }
    const matches = products.filter((p) => p.name?.trim().toLowerCase() === name.toLowerCase());
    if (matches.length === 1) {
      ids.push(matches[0]!.id);
      continue;
    }
    if (matches.length > 1) {
      const list = matches.slice(0, 3).map((p) => `\`${p.id}\``).join(', ');
      throw new UserError('bad_value', `${matches.length} products in your Krev catalog are called “${name}”. Give the id instead: ${list}.`);
    }
    if (products.length === 0) {
      throw new UserError('not_found', 'Your Krev catalog has no products yet. An admin can add one with `<cmd:products --add Name>` and its image attached.');
    }
    const near = nearNames(name, products);
    const hint = near.length > 0 ? ` Closest: ${near.map((n) => `“${n}”`).join(', ')}.` : '';
    throw new UserError('not_found', `No product called “${name}” in your Krev catalog.${hint} See them all with \`<cmd:products>\`.`);
  }
  return [...new Set(ids)];
}

/** Checks `names` against what the model takes, then resolves them against the workspace's catalog. */
export async function resolveProducts(s: CommandServices, workspace: WorkspaceRef, model: ModelInfo, names: readonly string[]): Promise<string[]> {
  const support = productSupport(model);
  if (names.length === 0) {
    if (support?.required) throw new UserError('missing_value', `\`${model.id}\` needs a product from your Krev catalog: add \`<flag:product name>\`. See yours with \`<cmd:products>\`.`);
    return [];
  }
  if (!support) {
    const provider = s.providers[model.provider]?.displayName ?? model.provider;
    const reason =
      model.provider === PRODUCT_PROVIDER
        ? `\`${model.id}\` doesn't take products.`
        : `\`<flag:product>\` picks products from your Krev catalog, so it works with Krev models; \`${model.id}\` is a ${provider} model.`;
    throw new UserError('bad_value', `${reason} Use \`<flag:model ${KREV_AD_MODEL_ID}>\` for an ad, or \`<flag:provider krev>\` for a product image.`);
  }
  if (names.length > support.max) {
    throw new UserError('bad_value', `\`${model.id}\` takes ${support.max === 1 ? 'one product' : `at most ${support.max} products`}; you gave ${names.length}.`);
  }
  const cached = cachedProducts(s, workspace);
  try {
    return matchProducts(names, await listProducts(s, workspace));
  } catch (err) {
    // A name missing from a list read earlier may be new (added in Krev's dashboard, or from another workspace): read once more.
    if (!(err instanceof UserError) || err.code !== 'not_found' || !cached?.fresh) throw err;
    return matchProducts(names, await listProducts(s, workspace, { fresh: true }));
  }
}
