/**
 * The simulated product catalog: POST /products from a URL, a base64 data URL or a multipart
 * `file` (JPG, PNG or WebP, checked by magic bytes), GET /products with `limit` or `id`, and the
 * product pictures under /storage/products/. Public URLs are not fetched (the simulator stays
 * offline): a drawn picture stands in for them.
 */
import { randomUUID } from 'node:crypto';
import { sniffMime } from '../../krea/simulator/assets.js';
import { renderPng } from '../../krea/simulator/media.js';
import { HttpError, parseBody, ProductBody } from './bodies.js';

export interface SimProduct {
  id: string;
  name: string;
  bytes: Buffer;
  mime: string;
  segmented: boolean;
  createdAt: number;
}

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export interface ProductCatalog {
  has(id: string): boolean;
  all(): SimProduct[];
  /** POST /products: the new product's JSON. */
  create(raw: Buffer, json: unknown, contentType: string): Promise<Record<string, unknown>>;
  /** GET /products: one product (`id`) or a list with its `meta`. */
  read(query: URLSearchParams): { data: unknown; meta?: Record<string, unknown> };
  /** The bytes behind a /storage/products/ path. */
  file(path: string): SimProduct | undefined;
}

export function createProductCatalog(origin: () => string): ProductCatalog {
  const products = new Map<string, SimProduct>();

  const json = (p: SimProduct) => ({
    id: p.id,
    name: p.name,
    image_url: `${origin()}/storage/products/${p.id}.${EXT[p.mime] ?? 'png'}`,
    segmented_image_url: p.segmented ? `${origin()}/storage/products/${p.id}_cutout.png` : null,
    category: null,
    metadata: { productName: p.name, productType: 'product', colors: [], materials: [] },
    source: 'api',
    created_at: new Date(p.createdAt).toISOString(),
  });

  return {
    has: (id) => products.has(id),
    all: () => [...products.values()],

    async create(raw, body, contentType) {
      let bytes: Buffer;
      let name: string | undefined;
      let skip = false;
      if (contentType.startsWith('multipart/form-data')) {
        const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData().catch(() => undefined);
        const file = form?.get('file');
        if (!file || typeof file === 'string') throw new HttpError(400, 'Expected an image_url, or multipart/form-data with a file field');
        bytes = Buffer.from(await file.arrayBuffer());
        const n = form?.get('name');
        name = typeof n === 'string' && n.trim() ? n.trim() : undefined;
        skip = form?.get('skip_segmentation') === 'true';
      } else {
        const b = parseBody(ProductBody, body);
        name = b.name;
        skip = b.skip_segmentation ?? false;
        const data = /^data:[^;]+;base64,(.*)$/.exec(b.image_url);
        bytes = data ? Buffer.from(data[1]!, 'base64') : renderPng(128, 128, b.image_url);
      }
      const mime = sniffMime(bytes);
      if (!mime || !EXT[mime]) throw new HttpError(400, 'Unsupported image type: expected JPG, PNG or WebP');
      const product: SimProduct = { id: randomUUID(), name: name ?? `Product ${products.size + 1}`, bytes, mime, segmented: !skip, createdAt: Date.now() };
      products.set(product.id, product);
      return json(product);
    },

    read(query) {
      const id = query.get('id');
      if (id) {
        const p = products.get(id);
        if (!p) throw new HttpError(404, `Product not found: ${id}`);
        return { data: json(p) };
      }
      const limit = query.has('limit') ? Number(query.get('limit')) : 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, 'limit must be an integer from 1 to 100');
      const items = [...products.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit).map(json);
      return { data: items, meta: { count: items.length } };
    },

    file(path) {
      const m = /^\/storage\/products\/([^/_.]+)(_cutout)?\.(png|jpg|webp)$/.exec(path);
      return m ? products.get(m[1]!) : undefined;
    },
  };
}
