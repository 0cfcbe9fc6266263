/**
 * announce: the job already exists, so now its status message is posted (in the conversation,
 * with a thread opened on it, or in the thread of the message it works on). Posting after the
 * enqueue means a failure can never leave a "Queued" message with a dead Cancel button; a status
 * message that cannot be posted at all (the bot is not in the channel) becomes a DM that says what
 * to do, and the job ends before anything is spent.
 */
import { PlatformError, type PlatformAccessDetail } from '../../src/errors.js';
import { accessHint } from '../../src/hints.js';
import type { ConversationRef, MessageRef, PlatformKind } from '../../src/model.js';
import { renderStatusView } from '../../src/progress.js';
import { textView } from '../../src/view.js';
import type { StepResult, Turn } from './turn.js';

function threadName(turn: Turn): string {
  const r = turn.job.request;
  const base = r.prompt.trim() || (r.kind === 'video' ? 'Animation' : r.kind === 'enhance' ? 'Upscale' : 'Generation');
  return base.length > 90 ? `${base.slice(0, 89)}…` : base;
}

/** What to do about it, in the platform's own words (which permissions are missing, when the platform told). */
export function notInChannelMessage(platform: PlatformKind, access?: PlatformAccessDetail): string {
  return `${accessHint(platform, access ?? (platform === 'slack' ? { reason: 'not_in_channel' } : undefined), 'there')} Nothing was charged.`;
}

export async function announce(turn: Turn): Promise<StepResult> {
  const job = turn.job;
  if (job.statusMessage && job.thread) return { kind: 'next', step: 'submit' };
  const placement = job.placement;
  if (!placement) throw new Error('job has neither a status message nor a placement');
  const platform = await turn.platform();
  const view = renderStatusView(job, { phase: 'queued' }, turn.now());

  try {
    let status: MessageRef | undefined = job.statusMessage;
    let thread: ConversationRef;
    if (placement.kind === 'here') {
      const here = placement.conversation;
      if (!status) {
        const slot = await turn.pace('post', here);
        if ('wait' in slot) return slot.wait;
        const posted = await postHoldingSlot(turn, () => platform.post(here, view, turn.runtime.stopping, { reserved: slot.reserved }), slot.reserved);
        if ('wait' in posted) return posted.wait;
        status = posted.message;
        turn.handle.note({ statusMessage: status, lastEditAt: turn.now() });
      }
      // Known without a call (a Slack ts, the playground): one write below records message and thread.
      const known = here.threadId ? here : platform.threadOf?.(status);
      // Otherwise saved before the call: a crash while opening the thread must not post a second status message.
      if (!known && !job.statusMessage) await turn.handle.save({ statusMessage: status });
      thread = known ?? (await platform.openThread(status, threadName(turn), turn.runtime.stopping));
    } else {
      thread = await platform.openThread(placement.message, threadName(turn), turn.runtime.stopping);
      if (!status) {
        const slot = await turn.pace('post', thread);
        if ('wait' in slot) return slot.wait;
        const posted = await postHoldingSlot(turn, () => platform.post(thread, view, turn.runtime.stopping, { reserved: slot.reserved }), slot.reserved);
        if ('wait' in posted) return posted.wait;
        status = posted.message;
        turn.handle.note({ lastEditAt: turn.now() });
      }
    }
    await turn.handle.save({ statusMessage: status, thread });
    await turn.deps.messageIndex.remember(status, { jobId: job.id, role: 'status', requesterId: job.requester.userId, media: [] });
    return { kind: 'next', step: 'submit' };
  } catch (err) {
    if (!(err instanceof PlatformError) || (err.code !== 'forbidden' && err.code !== 'not_found')) throw err;
    const message = notInChannelMessage(job.workspace.platform, err.access);
    await platform.directMessage(job.workspace, job.requester.userId, textView(message), turn.runtime.stopping).catch((dmErr: unknown) => turn.log.warn({ err: dmErr }, 'could not tell the requester by DM either'));
    return { kind: 'end', outcome: { state: 'failed', message, outputs: [], charged: 'no', reason: 'not_in_channel' } };
  }
}

/**
 * A post made with a reserved slot that the platform holds back a little longer (Slack's second
 * gate, when late jobs meet at once) waits as a delayed job still holding its slot, instead of
 * failing the step and queueing again behind everyone.
 */
async function postHoldingSlot(turn: Turn, post: () => Promise<MessageRef>, reserved: boolean): Promise<{ message: MessageRef } | { wait: StepResult }> {
  try {
    return { message: await post() };
  } catch (err) {
    if (!reserved || !(err instanceof PlatformError) || err.code !== 'rate_limited' || err.retryAfterMs === undefined) throw err;
    turn.handle.note({ pacing: { call: 'post', at: turn.now() + err.retryAfterMs } });
    return { wait: { kind: 'wait', ms: err.retryAfterMs } };
  }
}
