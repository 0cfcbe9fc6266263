/**
 * Krev products end to end, through the real dispatcher, routes and job pipeline, against the
 * Krev (and Krea) simulators: `--product` on /generate (names without regard to case, repeated or
 * comma-separated, refused off Krev), the `products` command (list, paged; add with an image on
 * Discord, a Slack mention and the playground; admins only), an ad whose images and copy land in
 * the thread, and Discord autocomplete of models (every provider) and products.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import type { MediaRef } from '../../src/model.js';
import { ADMIN, KREV_KEY, startKrevBot, viewText, type KrevBot } from '../helpers/krev-bot.js';

const ctx = { credentials: { apiKey: KREV_KEY } };
let bot: KrevBot;
let wallet: string;
let bag: string;

const png = (seed: string) => renderPng(64, 64, seed);
/** A file "uploaded" to the platform: the command must download it through the platform. */
function upload(source: MediaRef['source'], name: string, mimeType = 'image/png', bytes: Uint8Array = png(name)): MediaRef {
  const url = source === 'discord' ? `https://cdn.discordapp.com/attachments/1/2/${name}` : source === 'slack' ? `https://files.slack.com/files-pri/T1-F1/${name}` : `http://127.0.0.1:1/files/f-${name}/${name}`;
  bot.platform.files.set(url, { name, mimeType, bytes });
  return { url, source, name, mimeType, sizeBytes: bytes.length };
}

const lastBody = (path: string) => bot.krevSim.requests().filter((r) => r.method === 'POST' && r.path === path).at(-1)?.body as Record<string, unknown> | undefined;

beforeAll(async () => {
  bot = await startKrevBot({ withKrea: true });
  bot.startWorker();
  wallet = (await bot.krev.createProduct(ctx, { file: { name: 'wallet.png', mimeType: 'image/png', bytes: png('wallet') }, name: 'Leather Wallet' })).id;
  bag = (await bot.krev.createProduct(ctx, { imageUrl: 'https://example.com/bag.png', name: 'Crossbody Bag' })).id;
});
afterAll(() => bot.close());

describe('--product on /generate', () => {
  it('maps names (any case, repeated flags) onto the request’s product ids and sends them to Krev', async () => {
    const r = await bot.command('slack', 'generate', { text: 'a wallet and a bag on marble --product leather wallet --product CROSSBODY BAG --provider krev' }, { id: 'p-repeat' });
    expect(r.text).toBe('');
    const job = await bot.jobOf('p-repeat');
    expect(job?.request).toMatchObject({ provider: 'krev', modelId: 'image/krev/studio', prompt: 'a wallet and a bag on marble', params: { product_ids: [wallet, bag] } });
    await bot.waitFor(job!.id);
    expect(lastBody('/images')).toMatchObject({ prompt: 'a wallet and a bag on marble', product_ids: [wallet, bag] });
  });

  it('takes comma-separated names and ids as one option on Discord', async () => {
    await bot.command('discord', 'generate', { options: { prompt: 'studio shot', provider: 'krev', product: `Leather Wallet, ${bag}` } }, { id: 'p-comma' });
    expect((await bot.jobOf('p-comma'))?.request.params).toEqual({ product_ids: [wallet, bag] });
  });

  it('lists close names when none matches, and asks for a product on an ad', async () => {
    const miss = await bot.command('slack', 'generate', { text: 'summer sale --model image/krev/ad --product Leather Walet' });
    expect(miss.text).toBe('No product called “Leather Walet” in your Krev catalog. Closest: “Leather Wallet”. See them all with `/genbot products`.');
    const none = await bot.command('discord', 'generate', { options: { prompt: 'summer sale', model: 'image/krev/ad' } });
    expect(none.text).toBe('`image/krev/ad` needs a product from your Krev catalog: add `product:name`. See yours with `/products`.');
  });

  it('refuses the flag on another provider with the reason, and more products than a model takes', async () => {
    const krea = await bot.command('slack', 'generate', { text: 'a fox at dawn --product Leather Wallet' });
    expect(krea.text).toBe('`--product` picks products from your Krev catalog, so it works with Krev models; `image/bfl/flux-1-dev` is a Krea model. Use `--model image/krev/ad` for an ad, or `--provider krev` for a product image.');
    const video = await bot.command('slack', 'generate', { text: 'a slow turn --video --provider krev --product Leather Wallet, Crossbody Bag' });
    expect(video.text).toBe('`video/krev/studio` takes one product; you gave 2.');
    expect(bot.krevSim.requests().filter((r) => r.path === '/videos')).toHaveLength(0);
  });
});

describe('an ad: /generate <brief> --model image/krev/ad --product <name>', () => {
  it('delivers the ad images and the ad copy into the thread (Slack)', async () => {
    const r = await bot.command('slack', 'generate', { text: 'a summer sale for busy people --model image/krev/ad --product leather wallet --n 2 --ar 4:5' }, { id: 'ad-slack' });
    expect(r.text).toBe('');
    const id = (await bot.jobOf('ad-slack'))!.id;
    const done = await bot.waitFor(id);
    expect(done.outcome).toMatchObject({ state: 'succeeded', charged: 'yes', cost: { amount: 80, unit: 'credits' } });
    expect(lastBody('/ads')).toEqual({ brief: 'a summer sale for busy people', product_ids: [wallet], aspect_ratio: '4:5', image_count: 2 });
    const thread = done.thread!.threadId!;
    const files = bot.platform.threadUploads(thread);
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.mimeType === 'image/png' && Buffer.from(f.bytes).subarray(1, 4).toString() === 'PNG')).toBe(true);
    const copy = bot.platform.threadTexts(thread).join('\n');
    expect(copy).toContain('**Meet a summer sale for busy people**');
    expect(copy).toContain('_Built for long days_');
    expect(copy).toContain('**Shop now** →');
    expect(done.outcome?.text).toBe(copy);
  });

  it('runs the same from Discord options and from a playground command', async () => {
    await bot.command('discord', 'generate', { options: { prompt: 'back to school', model: 'image/krev/ad', product: 'crossbody bag' } }, { id: 'ad-discord' });
    await bot.command('web', 'generate', { text: 'gift guide --model image/krev/ad --product Leather Wallet' }, { id: 'ad-web' });
    for (const id of ['ad-discord', 'ad-web']) {
      const done = await bot.waitFor((await bot.jobOf(id))!.id);
      expect(done.outcome?.state).toBe('succeeded');
      expect(bot.platform.threadTexts(done.thread!.threadId!).join('\n')).toContain('**Shop now** →');
    }
  });
});

describe('products', () => {
  it('lists the catalog with names and ids, filtered by the search text, and says how to use one', async () => {
    const all = await bot.command('slack', 'products', { text: '' });
    expect(all.replies[0]?.ephemeral).toBe(true);
    expect(all.text).toContain(`**Crossbody Bag** · \`${bag}\``);
    expect(all.text).toContain(`**Leather Wallet** · \`${wallet}\``);
    expect(all.text).toContain('Use one: `--product Name` on a Krev model, e.g. `--model image/krev/ad` for an ad.');
    const some = await bot.command('discord', 'products', { options: { search: 'wallet' } });
    expect(some.text).toContain('Leather Wallet');
    expect(some.text).not.toContain('Crossbody Bag');
    expect(some.text).toContain('`product:Name`');
  });

  it('lets only admins add, downloading a Discord attachment through the platform', async () => {
    const tote = upload('discord', 'tote.png');
    const refused = await bot.command('discord', 'products', { options: { add: 'Canvas Tote' } }, { attachments: [tote] });
    expect(refused.text).toBe('Only workspace admins can add products to the Krev catalog. Ask one to add it.');
    expect(bot.platform.downloads).toHaveLength(0);

    const added = await bot.command('discord', 'products', { options: { add: 'Canvas Tote' } }, { actor: ADMIN, attachments: [tote] });
    const created = bot.krevSim.products().find((p) => p.name === 'Canvas Tote');
    expect(created).toBeDefined();
    expect(added.text).toBe(`Added **Canvas Tote** to the Krev catalog (\`${created!.id}\`). Use it: \`/generate prompt:a summer ad model:image/krev/ad product:Canvas Tote\``);
    expect(bot.platform.downloads.map((d) => d.url)).toEqual([tote.url]);
    expect(lastBody('/products')).toMatchObject({ fields: { name: 'Canvas Tote' }, files: [{ field: 'file', filename: 'tote.png', type: 'image/png' }] });

    // The new product is usable at once (the cached list was dropped).
    const used = await bot.command('slack', 'generate', { text: 'beach day --model image/krev/ad --product canvas tote' }, { id: 'ad-tote' });
    expect(used.text).toBe('');
    expect((await bot.jobOf('ad-tote'))?.request.params).toEqual({ product_ids: [created!.id] });
  });

  it('Slack: a slash command says how to attach; a mention with the file adds it', async () => {
    const slash = await bot.command('slack', 'products', { text: 'add Desk Lamp' }, { actor: ADMIN });
    expect(slash.text).toBe('Slack slash commands can’t carry files: mention me with the image attached and `products add Desk Lamp` (`@genbot products add Desk Lamp`), or send me that in a direct message.');
    const lamp = upload('slack', 'lamp.jpg', 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]));
    const mention = await bot.mention('slack', 'products add Desk Lamp', { actor: ADMIN, attachments: [lamp] });
    expect(mention.text).toMatch(/^Added \*\*Desk Lamp\*\* to the Krev catalog/);
    expect(bot.krevSim.products().find((p) => p.name === 'Desk Lamp')?.mime).toBe('image/jpeg');
    const listed = await bot.mention('slack', 'products');
    expect(listed.text).toContain('Desk Lamp');
    // A mention that only starts with the word is a prompt, not the command.
    const prompt = await bot.mention('slack', 'products on a shelf, soft light', { id: 'men-shelf' });
    expect(prompt.text).toBe('');
    expect((await bot.jobOf('men-shelf'))?.request.prompt).toBe('products on a shelf, soft light');
  });

  it('the playground: /products add with the file input, and types Krev does not take', async () => {
    const mug = upload('web', 'mug.png');
    const added = await bot.command('web', 'products', { text: 'add Enamel Mug' }, { actor: ADMIN, attachments: [mug] });
    expect(added.text).toContain('Added **Enamel Mug**');
    expect(added.text).toContain('`/generate a summer ad --model image/krev/ad --product Enamel Mug`');
    const gif = upload('web', 'spin.gif', 'image/gif');
    const refused = await bot.command('web', 'products', { text: '--add Spinner' }, { actor: ADMIN, attachments: [gif] });
    expect(refused.text).toBe('`spin.gif` is image/gif; Krev takes JPG, PNG or WebP for products.');
    const missing = await bot.command('web', 'products', { text: 'add Spinner' }, { actor: ADMIN });
    expect(missing.text).toBe('Attach the product’s image (JPG, PNG or WebP) and send `/products add Spinner` again.');
  });
});

describe('products, paged', () => {
  let many: KrevBot;
  beforeAll(async () => {
    many = await startKrevBot();
    for (let i = 1; i <= 70; i++) await many.krev.createProduct(ctx, { imageUrl: `https://example.com/p${i}.png`, name: `Product ${String(i).padStart(2, '0')}` });
  });
  afterAll(() => many.close());

  it('pages like models: within Discord’s 2,000 characters, with the command for the next page', async () => {
    const first = await many.command('discord', 'products', { options: {} });
    const view = first.replies[0]!.view;
    expect(view.blocks.map((b) => ('text' in b ? b.text : '')).join('\n').length).toBeLessThanOrEqual(2000);
    const footer = viewText(view);
    expect(footer).toMatch(/Page 1 of \d\. Next: `\/products search:page 2`/);
    expect(footer).toContain('Product 01');
    const second = await many.command('discord', 'products', { options: { search: 'page 2' } });
    expect(second.text).toMatch(/Page 2 of \d/);
    expect(second.text).not.toContain('Product 01');
  });
});

describe('Discord autocomplete', () => {
  beforeAll(async () => {
    await Promise.all([bot.services.catalog.list('krea'), bot.services.catalog.list('krev')]);
  });

  it('suggests models of every provider, labelled with provider and kind, narrowed by the provider option', async () => {
    const krev = await bot.autocomplete('generate', 'model', 'krev');
    expect(krev.map((c) => c.value)).toEqual(expect.arrayContaining(['image/krev/studio', 'image/krev/ad', 'video/krev/studio', 'chat/krev/agent']));
    expect(krev.find((c) => c.value === 'image/krev/ad')?.name).toBe('image/krev/ad · Krev image · ~60s');
    expect(krev.find((c) => c.value === 'chat/krev/agent')?.name).toContain('Krev agent');
    const onKrea = await bot.autocomplete('generate', 'model', '', { provider: 'krea' });
    expect(onKrea.length).toBeGreaterThan(0);
    expect(onKrea.length).toBeLessThanOrEqual(25);
    expect(onKrea.every((c) => c.name.includes(' · Krea '))).toBe(true);
    const videos = await bot.autocomplete('animate', 'model', 'studio');
    expect(videos.map((c) => c.value)).toEqual(['video/krev/studio']);
  });

  it('suggests products from the Krev catalog, completing the last of several', async () => {
    const started = Date.now();
    const first = await bot.autocomplete('generate', 'product', 'lea');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(first[0]).toEqual({ name: `Leather Wallet · ${wallet.slice(0, 8)}`, value: 'Leather Wallet' });
    const second = await bot.autocomplete('brief', 'product', 'Leather Wallet, cross');
    expect(second.map((c) => c.value)).toEqual(['Leather Wallet, Crossbody Bag']);
  });

  it('suggests no products to a workspace without a Krev key', async () => {
    const keyless = await startKrevBot({ serverKey: false });
    try {
      expect(await keyless.autocomplete('generate', 'product', '')).toEqual([]);
      const r = await keyless.command('slack', 'products', { text: '' });
      expect(r.text).toBe('No Krev API key is set up for this workspace, so there is no product catalog to use. An admin can add one with `/genbot connect krev`.');
    } finally {
      await keyless.close();
    }
  });
});
