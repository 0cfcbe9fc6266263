/**
 * finalize: the outcome is saved; now give back what the job held (its slot, its place in line,
 * its reaction lock) exactly once, wake the jobs that can now run, and make the final status
 * edit. The edit is retried on its own (a rate limit must not leave a dead Cancel button behind),
 * and a status message the user deleted, or a channel the bot left, is recorded, not fatal.
 */
import { PlatformError } from '../../src/errors.js';
import type { JobOutcome, OutputMedia } from '../../src/generation.js';
import { varyOptionsOf } from '../../src/model-check.js';
import type { ProgressState, VaryOptions } from '../../src/progress.js';
import type { MediaItem } from '../../src/view.js';
import { altText } from '../media-files.js';
import { retryDelayMs } from '../poll-schedule.js';
import { cancelOperations } from './cancel.js';
import type { StepResult, Turn } from './turn.js';

/** Attempts at the final edit before it is given up (spread over about an hour by the backoff). */
const MAX_FINAL_EDITS = 40;

/**
 * Final edits that failed this often (not rate limits) are sent without the results: Slack can
 * refuse an image block (a file still being processed, a type slack_file does not show), and a
 * card must never stay stuck with a Cancel button because of a picture.
 */
const MEDIA_ATTEMPTS = 2;

/** A delivered output as the card shows it: the platform's copy when there is one, else the provider's link. */
export function mediaItemOf(output: OutputMedia, alt: string): MediaItem {
  const hosted = output.hosted;
  const mimeType = hosted?.mimeType ?? output.mimeType;
  const width = output.width ?? hosted?.width;
  const height = output.height ?? hosted?.height;
  return {
    url: hosted?.url ?? output.url,
    alt,
    ...(hosted ? { originUrl: output.url } : {}),
    ...(hosted?.fileId ? { fileId: hosted.fileId } : {}),
    ...(mimeType ? { mimeType } : {}),
    ...(width && height ? { width, height } : {}),
  };
}

export function finalProgress(outcome: JobOutcome, extra: { alt?: string; vary?: VaryOptions; media?: boolean } = {}): ProgressState {
  const phase = outcome.state;
  const showMedia = phase === 'succeeded' && extra.media !== false && outcome.outputs.length > 0;
  return {
    phase,
    charged: outcome.charged,
    ...(outcome.message ? { message: outcome.message } : {}),
    ...(outcome.cancelledBy ? { cancelledBy: outcome.cancelledBy } : {}),
    ...(phase === 'succeeded' ? { outputCount: outcome.outputs.length } : {}),
    ...(outcome.cost ? { cost: outcome.cost } : {}),
    ...(showMedia ? { media: outcome.outputs.map((o) => mediaItemOf(o, extra.alt ?? 'Generated image')) } : {}),
    ...(extra.vary ? { vary: extra.vary } : {}),
  };
}

export async function finalize(turn: Turn): Promise<StepResult> {
  const { job, runtime, deps } = turn;
  const outcome = job.outcome!;
  if (!job.released) {
    // A job ended by the repair (it kept crashing) may still run at the provider: stop it there.
    if (outcome.reason === 'crashed' && job.operations.length > 0) await cancelOperations(turn).catch((err: unknown) => turn.log.warn({ err }, 'could not cancel after a crash'));
    // Freeing the slot must not depend on anything but Redis: without settings, wake a few and let them claim.
    const max = await turn.settings().then((s) => s.maxConcurrentJobs, () => 1);
    const wake = await runtime.line.release(job.workspace, job.id, max);
    await runtime.state.settled(job.request.provider, job.id);
    if (job.reactionLock) await deps.reactionLocks?.release(job.workspace, job.reactionLock.key, job.reactionLock.token);
    // What it really cost replaces the estimate; a job that charged nothing gives its reservation back.
    await deps.quotas?.settle({ workspace: job.workspace, userId: job.requester.userId, jobId: job.id }, { charged: outcome.charged, ...(outcome.cost ? { cost: outcome.cost } : {}) });
    await deps.ledger?.record(job.workspace, {
      jobId: job.id,
      userId: job.requester.userId,
      createdAt: job.createdAt,
      finishedAt: outcome.finishedAt,
      provider: job.request.provider,
      modelId: job.request.modelId,
      kind: job.request.kind,
      prompt: job.request.prompt,
      state: outcome.state,
      charged: outcome.charged,
      // The actual cost when the provider reported one, else the estimate (marked), and nothing when nothing was charged.
      ...(outcome.charged !== 'no' && outcome.cost ? { cost: outcome.cost } : outcome.charged !== 'no' && job.estimate ? { cost: job.estimate, costIsEstimate: true } : {}),
      ...(job.statusMessage ? { channelId: job.statusMessage.channelId, messageId: job.statusMessage.messageId } : {}),
    });
    if (outcome.reason === 'provider_unauthorized') await deps.onKeyRejected?.(job.workspace, job.request.provider).catch((err: unknown) => turn.log.warn({ err }, 'could not record the rejected key'));
    // Noted, written with the step's end: every release above is idempotent (a set member, a
    // reservation settled once, a ledger entry keyed by the saved outcome), so a crash before that
    // write only repeats them.
    turn.handle.note({ released: true });
    deps.metrics.jobFinished(job.request.provider, outcome.state, outcome.finishedAt - job.createdAt);
    await runtime.wake(wake.filter((id) => id !== job.id));
  }
  if (!job.statusMessage) return { kind: 'next', step: 'done' };
  try {
    const media = !(turn.job.finalEditError === 'other' && turn.job.retries >= MEDIA_ATTEMPTS);
    const vary = varyOptionsOf(await turn.model());
    // Many jobs ending together in one workspace line up for chat.update slots, waiting outside the workers.
    const slot = await turn.pace('final-edit', job.statusMessage);
    if ('wait' in slot) return slot.wait;
    await turn.show(finalProgress(outcome, { alt: altText(job.request), vary, media }), true, { reserved: slot.reserved });
    return { kind: 'next', step: 'done', patch: { retries: 0, finalEditError: undefined } };
  } catch (err) {
    const code = err instanceof PlatformError ? err.code : 'other';
    const retryable = code === 'rate_limited' || code === 'other';
    if (retryable && turn.job.retries < MAX_FINAL_EDITS) {
      turn.handle.note({ retries: turn.job.retries + 1, finalEditError: code });
      return { kind: 'wait', ms: retryDelayMs(Math.min(turn.job.retries, 6), err instanceof PlatformError ? err.retryAfterMs : undefined, turn.scale) };
    }
    turn.log.warn({ err }, 'the final status edit was given up');
    return { kind: 'next', step: 'done', patch: { finalEditError: code } };
  }
}
