/**
 * Reactions: the workspace's animate emoji (🎬 `clapper` by default) on a message with an image
 * starts an image-to-video job in that message's thread; the cancel emoji (❌ `x`) on a status
 * message cancels it when the reactor may. Anything else is ignored silently: people react for
 * many reasons and the bot must not chatter.
 *
 * One animation per message at a time: while the job started by a 🎬 runs, more 🎬 add nothing;
 * once it ended (done, failed, cancelled), a new 🎬 starts a new one. The lock is taken only when
 * a job is really started, so a refused reaction holds nothing.
 */
import { UserError } from '../src/errors.js';
import { jobIdFor } from '../src/generation.js';
import type { ReactionInvocation } from '../src/invocation.js';
import type { MediaRef, WorkspaceRef } from '../src/model.js';
import type { Responder } from '../src/ports.js';
import { cancelJob } from './actions.js';
import { animateImage, imagesOf, NO_IMAGE_MESSAGE } from './animate.js';
import type { CommandServices } from './services.js';

export function reactionLockKey(invocation: ReactionInvocation, emoji: string): string {
  return `${invocation.message.channelId}:${invocation.message.messageId}:${emoji}`;
}

/** A lock whose job never appeared (a crash between lock and enqueue) is taken over after this. */
const UNSTARTED_LOCK_MS = 60_000;

/**
 * Takes the message's lock, unless a job started by an earlier reaction still runs (or is being
 * started right now). The token is `jobId@time`, so a lock whose job never appeared can expire.
 */
async function takeLock(s: CommandServices, workspace: WorkspaceRef, key: string, token: string): Promise<boolean> {
  if (!s.reactionLocks) return true;
  const claim = await s.reactionLocks.claim(workspace, key, token);
  if (claim.ok) return true;
  const [holderJob, at] = claim.holder.split('@');
  const holder = holderJob ? await s.queue.get(holderJob) : undefined;
  if (holder && !holder.outcome) return false;
  if (!holder && s.clock.now() - Number(at) < UNSTARTED_LOCK_MS) return false;
  return s.reactionLocks.replace(workspace, key, claim.holder, token);
}

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

    // Admins may switch 🎬 off (it spends money on a single click).
    if (emoji !== settings.animateEmoji || !settings.reactionsEnabled) return;
    // Our own results are indexed: no history call needed. Others come from the adapter or the platform.
    const indexed = await s.messageIndex.lookup(invocation.message);
    let media: MediaRef[] | undefined = indexed?.media.length ? indexed.media : invocation.media;
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
    const key = reactionLockKey(invocation, emoji);
    const token = `${jobIdFor(invocation.id)}@${s.clock.now()}`;
    if (!(await takeLock(s, workspace, key, token))) return;
    try {
      const started = await animateImage(s, {
        invocationId: invocation.id,
        workspace,
        actor: invocation.actor,
        image,
        placement: { kind: 'thread-of', message: invocation.message },
        reactionLock: { key, token },
        ...(indexed ? { parentJobId: indexed.jobId } : {}),
      });
      if (!started.created) await s.reactionLocks?.release(workspace, key, token);
    } catch (err) {
      await s.reactionLocks?.release(workspace, key, token);
      throw err;
    }
  };
}
