/**
 * `@bot <prompt> [flags]` — the way to generate inside a thread, where Slack allows no slash
 * commands, and a direct message to the bot (Slack `message.im`, Discord DMs) reads the same way.
 * The result goes into the thread of the message (Slack, the playground) or right after it where
 * the platform has no threads there (a Discord DM). `@bot animate` animates the latest image in
 * the thread; `--thread-images` uses the thread's images. `@bot brief <message>` briefs Krev's
 * agent; `@bot products` lists the Krev catalog and `@bot products add <name>` with an image
 * attached adds to it (the only way on Slack, whose slash commands carry no files).
 */
import type { CommandArgs } from '../src/command.js';
import type { ArgumentParsers } from '../src/dispatcher.js';
import { UserError } from '../src/errors.js';
import type { MentionInvocation } from '../src/invocation.js';
import type { Responder } from '../src/ports.js';
import { renderHelp } from '../src/help.js';
import { animateImage, imagesOf, NO_IMAGE_MESSAGE } from './animate.js';
import { startBrief } from './brief.js';
import { productFlagValues } from './krev-products.js';
import { addProduct, listProductsView } from './manage/products-route.js';
import { resolveRequest } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { allSpecs, briefSpec, generateSpec, productsSpec } from './specs.js';
import { startGeneration } from './start-generation.js';

const USE_THREAD = /(^|\s)--thread-images(\s|$)/;
/**
 * `products`, `products page 2`, `products add …`, `products --add …`: the catalog command. Other
 * text that starts with the word is a prompt ("products on a shelf").
 */
const PRODUCTS = /^products(?:\s*$|\s+(?:add\b|--add\b|list\s*$|page\s+\d+\s*$))/i;

export function createMentionHandler(s: CommandServices, parsers: ArgumentParsers) {
  return async function handleMention(invocation: MentionInvocation, responder: Responder): Promise<void> {
    const workspace = { platform: invocation.platform, workspaceId: invocation.workspaceId };
    const text = invocation.text.trim();
    // The thread of the mention (its own thread at top level); the platform decides what a thread is.
    const placement = { kind: 'thread-of' as const, message: invocation.message };

    if (text === '' || /^help\b/i.test(text)) {
      await responder.reply(renderHelp(allSpecs, invocation.platform), { ephemeral: true });
      return;
    }

    const animate = /^animate\b/i.exec(text);
    if (animate) {
      const rest = text.slice(animate[0].length).trim();
      const images = imagesOf([...invocation.attachments, ...(invocation.threadMedia ?? []).slice().reverse()]);
      const image = images[0];
      if (!image) throw new UserError('missing_value', NO_IMAGE_MESSAGE);
      const args: CommandArgs = rest ? parsers.fromText(generateSpec, rest) : {};
      await animateImage(s, { invocationId: invocation.id, workspace, actor: invocation.actor, image, placement, args });
      return;
    }

    if (PRODUCTS.test(text)) {
      const rest = text.replace(/^products\b/i, '').trim().replace(/^list$/i, '');
      const args = parsers.fromText(productsSpec, rest);
      const add = typeof args['add'] === 'string' ? args['add'] : /^add\b/i.test(rest) ? rest.replace(/^add\b/i, '') : undefined;
      if (add !== undefined) {
        await addProduct(s, { platform: invocation.platform, workspaceId: invocation.workspaceId, actor: invocation.actor, name: add.trim(), media: invocation.attachments }, responder);
      } else {
        await listProductsView(s, invocation, typeof args['search'] === 'string' ? args['search'] : undefined, responder);
      }
      return;
    }

    const brief = /^brief\b/i.exec(text);
    if (brief) {
      const rest = text.slice(brief[0].length).trim();
      const args = parsers.fromText(briefSpec, rest);
      const products = productFlagValues(rest);
      await startBrief(s, { invocationId: invocation.id, workspace, actor: invocation.actor, placement, args, attachments: invocation.attachments, ...(products ? { products } : {}) });
      return;
    }

    const useThread = USE_THREAD.test(text);
    const args = parsers.fromText(generateSpec, text.replace(USE_THREAD, ' ').trim());
    const attachments = [...invocation.attachments, ...(useThread ? imagesOf(invocation.threadMedia ?? []).slice(-3) : [])];
    const products = productFlagValues(text);
    const request = await resolveRequest(s, { workspace, args, attachments, ...(products ? { products } : {}) });
    await startGeneration(s, { invocationId: invocation.id, workspace, actor: invocation.actor, placement, request });
  };
}
