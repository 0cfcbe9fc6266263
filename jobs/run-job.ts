/**
 * One turn of a generation job: submit → poll → deliver, resumable at every point because
 * everything a turn learns is saved in the job data before the next thing can fail. A turn ends
 * by finishing the job, or by asking to be woken later (no worker slot is held meanwhile).
 */
import { ProviderError, PlatformError, UserError, isAbortError, newErrorRef } from '../src/errors.js';
import type { GenerationJob, JobOutcome, Operation, ProviderStatus } from '../src/generation.js';
import { isImageMime, isVideoMime, type Actor, type MediaFile, type MediaRef } from '../src/model.js';
import type { ChatPlatform, ProviderCallContext } from '../src/ports.js';
import { estimatePercent, renderStatusView, stateKey, type ProgressState } from '../src/progress.js';
import type { PipelineDeps } from './deps.js';
import type { JobState } from './job-state.js';
import { outputFile, withSize } from './media-files.js';
import { firstPollDelayMs, nextPollDelayMs, retryDelayMs } from './poll-schedule.js';

export interface JobHandle {
  data: GenerationJob;
  save(patch: Partial<GenerationJob>): Promise<void>;
  /** Ends this turn; the job runs again after `ms` (BullMQ moveToDelayed + DelayedError). */
  delay(ms: number): Promise<never>;
}

/** Thrown after a job ended for good (outcome saved, user told): BullMQ must not retry it. */
export class JobFinished extends Error {
  override readonly name = 'JobFinished';
  constructor(readonly outcome: JobOutcome) {
    super(outcome.message ?? outcome.state);
  }
}

const TOO_SLOW = 'This took longer than the time limit and was stopped. Cancelled jobs are not billed; try again or pick a faster model.';

export async function runGenerationJob(handle: JobHandle, deps: PipelineDeps, state: JobState): Promise<void> {
  const job = handle.data;
  const log = deps.logger.child({ job: job.id, workspace: job.workspace.workspaceId, step: job.step });
  const scale = deps.timeScale ?? 1;
  const provider = deps.providers[job.request.provider];
  const platform = await deps.platforms.forWorkspace(job.workspace);
  const now = () => deps.clock.now();

  const show = async (progress: ProgressState, final = false): Promise<void> => {
    const key = stateKey(progress);
    if (!final && key === handle.data.lastViewKey) return deps.metrics.editSkipped(job.workspace.platform, 'unchanged');
    if (!final && !(await deps.editBudget.tryTake(job.workspace))) return deps.metrics.editSkipped(job.workspace.platform, 'budget');
    const view = renderStatusView(handle.data, progress, now());
    try {
      await platform.update(job.statusMessage, view, { priority: final ? 'final' : 'progress' });
      await handle.save({ lastViewKey: key, lastEditAt: now() });
    } catch (err) {
      if (!final && err instanceof PlatformError && err.code === 'rate_limited') {
        deps.metrics.platformRateLimited(job.workspace.platform, 'update');
        return deps.metrics.editSkipped(job.workspace.platform, 'rate_limited');
      }
      if (final) throw err;
      log.warn({ err }, 'progress edit failed');
    }
  };

  const finish = async (outcome: JobOutcome, progress: ProgressState): Promise<never> => {
    await handle.save({ outcome, step: 'done' });
    await state.finish(job.workspace, job.id);
    deps.metrics.jobFinished(job.request.provider, outcome.state, outcome.finishedAt - job.createdAt);
    await show(progress, true).catch((err: unknown) => log.warn({ err }, 'final status edit failed'));
    throw new JobFinished(outcome);
  };

  const fail = (message: string) => finish({ state: 'failed', message, outputs: [], finishedAt: now() }, { phase: 'failed', message });

  const credentials = await deps.resolveCredentials(job.workspace, job.request.provider);
  if (!provider) return fail(`The ${job.request.provider} provider is not configured on this bot.`);
  if (!credentials) return fail(`No ${job.request.provider} API key is set up for this workspace anymore. An admin can add one with \`/genbot connect ${job.request.provider}\`.`);
  const ctx: ProviderCallContext = { credentials };
  const model = await deps.catalog.get(job.request.provider, job.request.modelId).catch(() => undefined);
  const avg = model?.averageSeconds;

  const cancelAll = async (ops: Operation[]) => {
    if (!provider.cancel) return;
    await Promise.all(ops.map((op) => provider.cancel!(op, ctx).catch((err: unknown) => log.warn({ err }, 'provider cancel failed'))));
  };

  // Cancel and deadline are checked first, on every turn.
  const cancel = await state.cancelRequest(job.id);
  if (cancel !== undefined) {
    await cancelAll(handle.data.operations);
    return finish({ state: 'cancelled', message: 'Cancelled', outputs: [], finishedAt: now() }, { phase: 'cancelled', ...(cancel ? { cancelledBy: (cancel as Actor).userId } : {}) });
  }
  if (now() > job.deadlineAt) {
    await cancelAll(handle.data.operations);
    return fail(TOO_SLOW);
  }

  try {
    if (handle.data.step === 'submit') await submit();
    if (handle.data.step === 'poll') await poll();
    if (handle.data.step === 'deliver') await deliver();
  } catch (err) {
    if (err instanceof JobFinished || isDelay(err)) throw err;
    await handleError(err);
  }

  async function submit(): Promise<void> {
    const settings = await deps.settings.get(job.workspace);
    const slot = await state.claimSlot(job.workspace, job.id, settings.maxConcurrentJobs);
    if (!slot.ok) {
      await show({ phase: 'waiting', position: slot.ahead });
      return handle.delay(Math.round(3000 * scale));
    }
    if (job.request.inputs.length > 0 && !handle.data.uploadedInputs) {
      await show({ phase: 'uploading' });
      const urls: string[] = [];
      for (const input of job.request.inputs) urls.push(await uploadInput(input.media));
      await handle.save({ uploadedInputs: urls });
    }
    const inputs = job.request.inputs.map((input, i) => ({ role: input.role, url: handle.data.uploadedInputs![i]! }));
    const { inputs: _neutral, count, ...rest } = job.request;
    for (let index = handle.data.operations.length; index < count; index++) {
      const op = await provider!.submit({ ...rest, inputs, index, outputs: 1, ...(deps.webhookUrl ? { webhookUrl: deps.webhookUrl(job.id) } : {}) }, ctx);
      // Saved before anything else can fail: a restarted worker polls this job, never submits again.
      await handle.save({ operations: [...handle.data.operations, op], submittedAt: handle.data.submittedAt ?? now() });
      await state.mapProviderJob(op.providerJobId, job.id);
    }
    deps.metrics.jobStarted(job.request.provider, job.request.kind);
    await handle.save({ step: 'poll', polls: 0, retries: 0 });
    await show({ phase: 'queued', etaSeconds: avg });
    return handle.delay(firstPollDelayMs(avg, scale));
  }

  async function uploadInput(media: MediaRef): Promise<string> {
    let file: MediaFile;
    try {
      file = media.source === 'url' || media.source === 'provider' ? await deps.fetchMedia(media, deps.limits.maxInputBytes) : await platform.download(media, { maxBytes: deps.limits.maxInputBytes });
    } catch (err) {
      if (err instanceof UserError || err instanceof ProviderError) throw err;
      if (err instanceof Error && err.name === 'TooLargeError') throw new UserError('input_too_big', `An input image is over the ${Math.round(deps.limits.maxInputBytes / 1048576)} MB limit.`);
      if (err instanceof PlatformError && err.code === 'too_large') throw new UserError('input_too_big', err.message);
      throw new UserError('input_unsupported', `I could not download an input image (${media.name ?? new URL(media.url).hostname}). Share it again, or attach it instead of linking.`);
    }
    if (!isImageMime(file.mimeType) && !isVideoMime(file.mimeType)) {
      throw new UserError('input_unsupported', `\`${file.name}\` is not an image I can use (PNG, JPEG, WebP, GIF, HEIC).`);
    }
    if (!provider!.uploadInput) return media.url;
    return provider!.uploadInput(file, ctx);
  }

  async function statuses(): Promise<ProviderStatus[]> {
    return Promise.all(handle.data.operations.map((op) => provider!.status(op, ctx)));
  }

  async function poll(): Promise<void> {
    const all = await statuses();
    const failed = all.find((s): s is Extract<ProviderStatus, { state: 'failed' }> => s.state === 'failed');
    if (failed) {
      await cancelAll(handle.data.operations.filter((_, i) => all[i]!.state !== 'failed' && all[i]!.state !== 'succeeded'));
      return fail(`${failed.reason}${failed.billed ? '' : ' Failed jobs are not billed.'}`);
    }
    if (all.some((s) => s.state === 'cancelled')) {
      await cancelAll(handle.data.operations);
      return finish({ state: 'cancelled', message: 'Cancelled at the provider', outputs: [], finishedAt: now() }, { phase: 'cancelled', message: 'Cancelled at the provider.' });
    }
    if (all.every((s) => s.state === 'succeeded')) {
      await handle.save({ step: 'deliver', retries: 0 });
      return deliver(all);
    }
    const started = handle.data.submittedAt ?? job.createdAt;
    const elapsed = now() - started;
    const preview = all.flatMap((s) => (s.state === 'running' ? (s.previewUrls ?? []) : []))[0];
    const running = all.some((s) => s.state === 'running');
    const percent = running ? estimatePercent(elapsed, avg) : undefined;
    const eta = avg !== undefined ? Math.max(0, Math.round(avg - elapsed / 1000)) : undefined;
    await show(preview ? { phase: 'preview', previewUrl: preview, ...(percent ? { percent } : {}) } : running ? { phase: 'running', percent: percent!, ...(eta ? { etaSeconds: eta } : {}) } : { phase: 'queued', ...(eta ? { etaSeconds: eta } : {}) });
    await handle.save({ polls: handle.data.polls + 1, retries: 0 });
    return handle.delay(nextPollDelayMs(avg, handle.data.polls, elapsed, scale));
  }

  async function deliver(known?: ProviderStatus[]): Promise<void> {
    const all = known ?? (await statuses());
    const outputs = all.flatMap((s) => (s.state === 'succeeded' ? s.outputs : []));
    if (outputs.length === 0) return fail('The provider finished without returning a result. Failed jobs are not billed; try again.');
    await show({ phase: 'delivering', percent: 99 });
    const limit = await platform.maxUploadBytes(job.thread);
    const delivered = new Set(handle.data.delivered);
    const finalOutputs: MediaRef[] = [];
    for (const [index, output] of outputs.entries()) {
      const fetched = await deps.fetchMedia(output, deps.limits.maxOutputBytes).catch(async (err: unknown) => {
        if (err instanceof Error && err.name === 'TooLargeError') return undefined;
        throw err;
      });
      const media = fetched ? withSize(output, fetched.bytes) : output;
      finalOutputs.push(media);
      if (delivered.has(index)) continue;
      const posted = await deliverOne(platform, index, media, fetched, limit);
      await deps.messageIndex.remember(posted, { jobId: job.id, role: 'result', requesterId: job.requester.userId, media: [media] });
      delivered.add(index);
      // Recorded right after each upload: a re-run after a stall skips what is already posted.
      await handle.save({ delivered: [...delivered] });
    }
    return finish(
      { state: 'succeeded', outputs: finalOutputs, finishedAt: now() },
      { phase: 'succeeded', outputCount: finalOutputs.length },
    );
  }

  async function deliverOne(chat: ChatPlatform, index: number, media: MediaRef, fetched: MediaFile | undefined, limit: number) {
    const tooBig = !fetched || fetched.bytes.length > limit;
    if (tooBig) {
      const size = media.sizeBytes ? ` (${(media.sizeBytes / 1048576).toFixed(1)} MB)` : '';
      const note = `Result ${index + 1} is too large to upload here${size}: [download it](${media.url}). The link expires after a while, so save it.`;
      return chat.post(job.thread, { text: note, blocks: [{ type: 'text', text: note }] });
    }
    const file = outputFile(fetched.bytes, job.id, index, media.mimeType);
    const result = await chat.upload(job.thread, [file], {});
    return result.messages[0] ?? { ...job.thread, messageId: `upload-${job.id}-${index}` };
  }

  async function handleError(err: unknown): Promise<void> {
    const retries = handle.data.retries;
    if (err instanceof UserError) return fail(err.userMessage);
    if (err instanceof ProviderError) {
      if (err.code === 'invalid_asset' && !handle.data.reuploaded && handle.data.step === 'submit') {
        log.info('provider refused an input asset; uploading the inputs again once');
        await handle.save({ uploadedInputs: undefined, reuploaded: true });
        return handle.delay(Math.round(500 * scale));
      }
      if (err.retryable && retries < (deps.maxRetries ?? 12)) {
        log.info({ code: err.code, retries }, 'retryable provider error; backing off');
        await handle.save({ retries: retries + 1 });
        await show({ phase: 'retrying', message: err.code === 'backlog_full' ? 'Krea is busy with this workspace’s other jobs; retrying.' : 'The provider had a hiccup; retrying.' });
        return handle.delay(retryDelayMs(retries, err.retryAfterMs, scale));
      }
      log.warn({ code: err.code, status: err.status }, 'provider refused the job');
      return fail(err.userMessage);
    }
    if (err instanceof PlatformError && err.code === 'rate_limited' && retries < (deps.maxRetries ?? 12)) {
      await handle.save({ retries: retries + 1 });
      return handle.delay(retryDelayMs(retries, err.retryAfterMs, scale));
    }
    if (isAbortError(err) && retries < 3) {
      await handle.save({ retries: retries + 1 });
      return handle.delay(retryDelayMs(retries, undefined, scale));
    }
    const ref = newErrorRef();
    log.error({ err, ref }, 'generation job failed');
    return fail(`Something went wrong on our side (ref \`${ref}\`). Nothing was charged for a failed job; please try again.`);
  }
}

/** The delay signal is BullMQ's DelayedError; recognised by name so this file needs no BullMQ import. */
export function isDelay(err: unknown): boolean {
  return err instanceof Error && err.name === 'DelayedError';
}

