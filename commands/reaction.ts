/**
 * Reactions: the workspace's animate emoji (🎬 `clapper` by default) on a message with an image
 * starts an image-to-video job in that message's thread; the cancel emoji (❌ `x`) on a status
 * message cancels it when the reactor may. Anything else is ignored silently: people react for
 * many reasons and the bot must not chatter.
 */
import { UserError } from '../src/errors.js';
import type { ReactionInvocation } from '../src/invocation.js';
import type { Responder } from '../src/ports.js';
import { cancelJob } from './actions.js';
import { animateImage, imagesOf, NO_IMAGE_MESSAGE } from './animate.js';
import type { CommandServices } from './services.js';

export function createReactionHandler(s: CommandServices) {
  return async function handleReaction(invocation: ReactionInvocation, responder: Responder): Promise<void> {
    const workspace = { platform: invocation.platform, workspaceId: invocation.workspaceId };
    const settings = await s.settings.get(workspace);
    const emoji = invocation.emoji.replace(/^:|:$/g, '');

    if (emoji === settings.cancelEmoji) {
      const indexed = await s.messageIndex.lookup(invocation.message);
      if (indexed?.role !== 'status') return;
      const job = await s.queue.get(indexed.jobId);
      if (!job || job.outcome) return;
      return cancelJob(s, job, invocation.actor, responder);
    }

    if (emoji !== settings.animateEmoji) return;
    // Our own results are indexed: no history call needed. Others come from the adapter or the platform.
    const indexed = await s.messageIndex.lookup(invocation.message);
    let media = indexed?.media.length ? indexed.media : invocation.media;
    if (!media || media.length === 0) {
      const platform = await s.platforms.forWorkspace(workspace);
      media = await platform.fetchMessageMedia(invocation.message);
    }
    const image = imagesOf(media)[0];
    if (!image) {
      // A reaction on our own status message (no image yet) is not worth a reply.
      if (indexed?.role === 'status') return;
      throw new UserError('missing_value', NO_IMAGE_MESSAGE);
    }
    await animateImage(s, {
      invocationId: invocation.id,
      workspace,
      actor: invocation.actor,
      image,
      placement: { kind: 'thread-of', message: invocation.message },
      ...(indexed ? { parentJobId: indexed.jobId } : {}),
    });
  };
}
