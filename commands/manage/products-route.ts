/**
 * `products [search] [page N]`: the workspace's Krev catalog (name and id), paged like `models`.
 * `products add <name>` (or `--add <name>`) with an image attached: an admin adds a product; the
 * image is downloaded through the platform (its own credentials and limits), never fetched here,
 * and sent to Krev (which removes the background and names the product when no name is given).
 * Slack slash commands carry no files: there the add goes through a mention or a direct message
 * with the image attached (commands/mention.ts hands it here).
 */
import type { CommandArgs } from '../../src/command.js';
import type { CommandRoute } from '../../src/dispatcher.js';
import { UserError } from '../../src/errors.js';
import type { CommandInvocation } from '../../src/invocation.js';
import { isImageMime, MediaRef, type MediaFile, type PlatformKind } from '../../src/model.js';
import type { Responder } from '../../src/ports.js';
import { extractImageUrls } from '../../src/prompt-media.js';
import { textView } from '../../src/view.js';
import { commandHint, mentionHint, optionHint } from '../hints.js';
import { forgetProducts, KREV_AD_MODEL_ID, listProducts, productCredentials, productLabel, productProvider, type CatalogProduct } from '../krev-products.js';
import { paginate, pageView } from '../paging.js';
import { checkInputs } from '../resolve-request.js';
import type { CommandServices } from '../services.js';
import { productsSpec } from '../specs.js';
import { str, workspaceOf } from './common.js';

/** The types Krev takes for a product picture. */
const PRODUCT_IMAGE = /^image\/(png|jpe?g|webp)$/i;
const MAX_NAME = 100;

/** `add Leather Wallet` as the free text (Slack, the playground), or the `add` option / `--add` flag. */
function addRequest(args: CommandArgs): { name: string } | undefined {
  const flag = args['add'];
  if (typeof flag === 'string') return { name: flag.trim() };
  const rest = str(args, 'search');
  const m = rest ? /^add(?:\s+([\s\S]*))?$/i.exec(rest) : null;
  return m ? { name: (m[1] ?? '').trim() } : undefined;
}

function mediaOf(args: CommandArgs, attachments: MediaRef[]): MediaRef[] {
  const fromArgs = (Array.isArray(args['image']) ? args['image'] : []).map((v) => MediaRef.safeParse(v)).flatMap((r) => (r.success ? [r.data] : []));
  const all = [...attachments, ...fromArgs];
  return all.filter((m, i) => all.findIndex((o) => o.url === m.url) === i);
}

/** How to add a product with its image on this platform, for a message that lacked the image. */
function howToAttach(platform: PlatformKind, name: string): string {
  const label = name || 'Name';
  switch (platform) {
    case 'discord':
      return `Attach the product’s image: \`/products add:${label}\` with the \`image\` option (JPG, PNG or WebP).`;
    case 'slack':
      return `Slack slash commands can’t carry files: mention me with the image attached and \`products add ${label}\` (\`${mentionHint('slack')} products add ${label}\`), or send me that in a direct message.`;
    default:
      return `Attach the product’s image (JPG, PNG or WebP) and send \`${commandHint(platform, 'products', `add ${label}`)}\` again.`;
  }
}

export interface ProductAdd {
  platform: PlatformKind;
  workspaceId: string;
  actor: { userId: string; isAdmin: boolean };
  name: string;
  media: MediaRef[];
}

/** Adds one product from the attached image (or a pasted image link) and says how to use it. */
export async function addProduct(s: CommandServices, add: ProductAdd, responder: Responder): Promise<void> {
  if (!add.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can add products to the Krev catalog. Ask one to add it.');
  const provider = productProvider(s);
  if (!provider) throw new UserError('provider_unavailable', 'Products live in a Krev catalog, and Krev is not available on this bot.');
  const workspace = workspaceOf(add);
  const { text: rawName, urls } = extractImageUrls(add.name);
  const name = rawName.replace(/^["“'‘]|["”'’]$/g, '').trim();
  if (name.length > MAX_NAME) throw new UserError('bad_value', `That name is ${name.length} characters; keep it to ${MAX_NAME}.`);
  const images = add.media.filter((m) => !m.mimeType || isImageMime(m.mimeType));
  if (images.length > 1 || (images.length === 1 && urls.length > 0) || urls.length > 1) throw new UserError('bad_value', 'One product, one image: attach just one.');
  const image = images[0];
  if (!image && urls.length === 0) throw new UserError('missing_value', howToAttach(add.platform, name));
  if (image) {
    checkInputs([image], s.limits.maxInputBytes);
    if (image.mimeType && !PRODUCT_IMAGE.test(image.mimeType)) throw new UserError('input_unsupported', `${image.name ? `\`${image.name}\`` : 'That file'} is ${image.mimeType}; Krev takes JPG, PNG or WebP for products.`);
  }
  const credentials = await productCredentials(s, workspace);
  if (!credentials) throw new UserError('no_credentials', `No Krev API key is set up for this workspace yet. Add one with \`${commandHint(add.platform, 'connect', 'krev')}\`.`);

  let source: { imageUrl: string } | { file: MediaFile };
  if (image && image.source !== 'url' && image.source !== 'provider') {
    // Platform-hosted (Slack private file, Discord attachment, playground upload): the platform downloads it with its credentials.
    const platform = await s.platforms.forWorkspace(workspace);
    const file = await platform.download(image, { maxBytes: s.limits.maxInputBytes }, AbortSignal.timeout(30_000));
    if (!PRODUCT_IMAGE.test(file.mimeType)) throw new UserError('input_unsupported', `\`${file.name}\` is ${file.mimeType}; Krev takes JPG, PNG or WebP for products.`);
    source = { file };
  } else {
    // A public link: Krev fetches it itself (its documented `image_url`), so the bot never does.
    source = { imageUrl: image?.url ?? urls[0]! };
  }
  const product = await provider.createProduct({ credentials, signal: AbortSignal.timeout(60_000) }, { ...source, ...(name ? { name } : {}) });
  forgetProducts(s, workspace);
  const label = productLabel(product);
  const use = commandHint(add.platform, 'generate', `a summer ad --model ${KREV_AD_MODEL_ID} --product ${label}`);
  await responder.reply(textView(`Added **${label}** to the Krev catalog (\`${product.id}\`). Use it: \`${use}\``), { ephemeral: true });
}

function productLine(p: CatalogProduct): string {
  const name = p.name?.trim() ? `**${p.name.trim()}**` : '_(no name)_';
  return [name, `\`${p.id}\``, ...(p.category ? [p.category] : [])].join(' · ');
}

export async function listProductsView(s: CommandServices, inv: Pick<CommandInvocation, 'platform' | 'workspaceId'>, searchText: string | undefined, responder: Responder): Promise<void> {
  // `products wallet page 2`: the page rides on the search text, like `models`.
  const words = (searchText ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const pageAt = words.lastIndexOf('page');
  const page = pageAt >= 0 && /^\d+$/.test(words[pageAt + 1] ?? '') ? Number(words[pageAt + 1]) : 1;
  const search = (pageAt >= 0 ? [...words.slice(0, pageAt), ...words.slice(pageAt + 2)] : words).join(' ');
  const all = await listProducts(s, workspaceOf(inv), { fresh: true });
  if (all.length === 0) {
    const add = commandHint(inv.platform, 'products', '--add Leather Wallet');
    await responder.reply(textView(`Your Krev catalog has no products yet. An admin can add one: \`${add}\` with its image attached.`), { ephemeral: true });
    return;
  }
  const found = all
    .filter((p) => !search || productLabel(p).toLowerCase().includes(search) || p.id.toLowerCase() === search)
    .sort((a, b) => productLabel(a).localeCompare(productLabel(b), 'en', { sensitivity: 'base' }));
  if (found.length === 0) throw new UserError('not_found', `No product matches “${search}”. Try \`${commandHint(inv.platform, 'products')}\` with no filter.`);
  const title = `${found.length} Krev product${found.length === 1 ? '' : 's'}${all.length >= 100 ? ' (Krev lists its newest 100)' : ''}`;
  const use = `Use one: \`${optionHint(inv.platform, 'product', 'Name')}\` on a Krev model, e.g. \`${optionHint(inv.platform, 'model', KREV_AD_MODEL_ID)}\` for an ad.`;
  // The usage line shares the message with the page: counted with the title so a page leaves room for it.
  const shown = paginate(found.map(productLine), { platform: inv.platform, page, title: `${title}\n-# ${use}`, next: (n) => commandHint(inv.platform, 'products', `${search ? `${search} ` : ''}page ${n}`) });
  const view = pageView(title, shown);
  view.blocks.push({ type: 'context', text: use });
  await responder.reply(view, { ephemeral: true });
}

export function productsRoute(s: CommandServices): CommandRoute {
  return {
    spec: productsSpec,
    async run(inv, args, responder) {
      const add = addRequest(args);
      if (add) return addProduct(s, { platform: inv.platform, workspaceId: inv.workspaceId, actor: inv.actor, name: add.name, media: mediaOf(args, inv.attachments) }, responder);
      await listProductsView(s, inv, str(args, 'search'), responder);
    },
  };
}
