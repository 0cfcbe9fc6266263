/**
 * Message shortcuts / context-menu commands: "Animate image" animates the message's image;
 * "Generate from this message" uses its text as the prompt (and its images as inputs).
 */
import { UserError } from '../src/errors.js';
import type { ShortcutInvocation } from '../src/invocation.js';
import type { Responder } from '../src/ports.js';
import type { ArgumentParsers } from '../src/dispatcher.js';
import { animateImage, imagesOf, NO_IMAGE_MESSAGE } from './animate.js';
import { startedView } from './replies.js';
import { productFlagValues } from './krev-products.js';
import { resolveRequest } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { generateSpec } from './specs.js';
import { startGeneration } from './start-generation.js';

export function createShortcutHandler(s: CommandServices, parsers: ArgumentParsers) {
  return async function handleShortcut(invocation: ShortcutInvocation, responder: Responder): Promise<void> {
    const workspace = { platform: invocation.platform, workspaceId: invocation.workspaceId };
    const placement = { kind: 'thread-of' as const, message: invocation.message };
    let media = invocation.media;
    if (media.length === 0) {
      const indexed = await s.messageIndex.lookup(invocation.message);
      media = indexed?.media ?? [];
    }
    if (invocation.shortcut === 'animate') {
      const image = imagesOf(media)[0];
      if (!image) throw new UserError('missing_value', NO_IMAGE_MESSAGE);
      const started = await animateImage(s, { invocationId: invocation.id, workspace, actor: invocation.actor, image, placement });
      await responder.settle?.(startedView(started));
      return;
    }
    const text = invocation.messageText.trim();
    if (!text) throw new UserError('missing_value', 'That message has no text to use as a prompt.');
    const args = parsers.fromText(generateSpec, text);
    const products = productFlagValues(text);
    const request = await resolveRequest(s, { workspace, args, attachments: imagesOf(media).slice(0, 3), ...(products ? { products } : {}) });
    const started = await startGeneration(s, { invocationId: invocation.id, workspace, actor: invocation.actor, placement, request });
    await responder.settle?.(startedView(started));
  };
}
