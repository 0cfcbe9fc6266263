/**
 * Image-to-video, from wherever the image is: `/animate` (attachment or message link), the
 * "Animate image" shortcut / context menu, a 🎬 reaction, or the Animate button on a result.
 */
import type { CommandArgs } from '../src/command.js';
import type { CommandRoute } from '../src/dispatcher.js';
import { UserError } from '../src/errors.js';
import { isImageMime, type Actor, type MediaRef, type WorkspaceRef } from '../src/model.js';
import { textView } from '../src/view.js';
import { linkIsHere, parseMessageLink } from './message-link.js';
import { startedView } from './replies.js';
import { resolveRequest } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { animateSpec } from './specs.js';
import { startGeneration, type Placement, type StartedGeneration } from './start-generation.js';

export const DEFAULT_MOTION_PROMPT = 'Bring this image to life with gentle, natural motion';

/** Images only; a media ref without a type is given the benefit of the doubt (checked on download). */
export function imagesOf(media: MediaRef[]): MediaRef[] {
  return media.filter((m) => (m.mimeType ? isImageMime(m.mimeType) : !/\.(mp4|mov|webm|pdf|zip)(\?|$)/i.test(m.url)));
}

export interface AnimateStart {
  invocationId: string;
  workspace: WorkspaceRef;
  actor: Actor;
  image: MediaRef;
  placement: Placement;
  args?: CommandArgs;
  parentJobId?: string;
  reactionLock?: { key: string; token: string };
}

export async function animateImage(s: CommandServices, start: AnimateStart): Promise<StartedGeneration> {
  const args: CommandArgs = { ...(start.args ?? {}), video: true };
  if (typeof args['prompt'] !== 'string' || args['prompt'].trim() === '') args['prompt'] = DEFAULT_MOTION_PROMPT;
  // The image travels as the start image; drop attachment-typed args so it is not counted twice.
  delete args['image'];
  const request = await resolveRequest(s, { workspace: start.workspace, args, attachments: [start.image], kind: 'video' });
  return startGeneration(s, {
    invocationId: start.invocationId,
    workspace: start.workspace,
    actor: start.actor,
    placement: start.placement,
    request,
    ...(start.parentJobId ? { parentJobId: start.parentJobId } : {}),
    ...(start.reactionLock ? { reactionLock: start.reactionLock } : {}),
  });
}

export const NO_IMAGE_MESSAGE = 'I could not find an image on that message to animate. Attach a PNG, JPEG or WebP, or react to a message that has one.';
/**
 * One answer whether the linked channel does not exist, the bot cannot see it, or the user may not
 * read it: a link must not let anyone probe which channels exist or what is in them.
 */
export const UNREACHABLE_LINK_MESSAGE = 'I can only use a link to a message in this channel or in a channel you can read. Attach the image instead.';

export function createAnimateRoute(s: CommandServices): CommandRoute {
  return {
    spec: animateSpec,
    async run(invocation, args, responder) {
      const workspace = { platform: invocation.platform, workspaceId: invocation.workspaceId };
      const platform = await s.platforms.forWorkspace(workspace);
      let images = imagesOf(invocation.attachments);
      let placement: Placement = { kind: 'here', conversation: invocation.conversation };
      const link = typeof args['message_link'] === 'string' ? args['message_link'] : undefined;
      if (images.length === 0 && link) {
        const message = parseMessageLink(link, invocation.platform, invocation.workspaceId);
        if (!message) throw new UserError('bad_value', 'That does not look like a link to a message in this workspace. Use “Copy link” on the message.');
        // Checked before the index or the history is read: both would show what is in that channel.
        if (!linkIsHere(message, invocation.conversation) && !(await platform.userCanRead(message, invocation.actor.userId))) {
          throw new UserError('forbidden', UNREACHABLE_LINK_MESSAGE);
        }
        const indexed = await s.messageIndex.lookup(message);
        images = imagesOf(indexed?.media.length ? indexed.media : await platform.fetchMessageMedia(message));
        placement = { kind: 'thread-of', message };
      }
      if (images.length === 0) {
        const fromArgs = Object.values(args).flat().filter((v): v is MediaRef => typeof v === 'object' && v !== null && 'url' in v);
        images = imagesOf(fromArgs);
      }
      const image = images[0];
      if (!image) throw new UserError('missing_value', NO_IMAGE_MESSAGE);
      const started = await animateImage(s, { invocationId: invocation.id, workspace, actor: invocation.actor, image, placement, args });
      await responder.settle?.(started.created ? startedView(started) : textView('Already animating that.'));
    },
  };
}
