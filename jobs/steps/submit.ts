/**
 * submit: wait for a slot in the workspace's line (parked, costing nothing), host the inputs with
 * the provider, then send each batch once. Every submit is recorded as an intent before it is
 * sent and as an operation the moment it is accepted; an intent found without its operation is
 * reconciled with the provider (./reconcile.ts), never blindly repeated.
 */
import { isAbortError, PlatformError, ProviderError, UserError } from '../../src/errors.js';
import type { GenerationJob } from '../../src/generation.js';
import { isImageMime, isVideoMime, type MediaFile, type MediaRef } from '../../src/model.js';
import type { ProviderSubmitRequest } from '../../src/ports.js';
import { isRetryableFetch, submitOutcomeUnknown } from '../classify-error.js';
import { firstPollDelayMs } from '../poll-schedule.js';
import { callsBack } from './poll.js';
import { reconcileSubmit } from './reconcile.js';
import type { StepResult, Turn } from './turn.js';
import { withLinkedSignal } from '../../src/linked-signal.js';

/** A parked job is woken when a slot frees; this is only the safety net if that wake is lost. */
export const PARK_MS = 10 * 60_000;
/** How long a submit may wait for the provider's answer before it counts as uncertain. */
export const SUBMIT_TIMEOUT_MS = 30_000;
/**
 * Pause before asking the provider which jobs it has, after an uncertain submit: as long again as
 * the submit was allowed to take, so a request the provider is still working on has finished
 * (and shows in its listing) before we decide it made nothing.
 */
const reconcilePauseMs = (submitTimeoutMs: number) => submitTimeoutMs;
/** Uncertain submits of one batch before the job gives up (each one reconciled first). */
const MAX_SUBMIT_ATTEMPTS = 4;

export async function submit(turn: Turn): Promise<StepResult> {
  const { runtime, deps } = turn;
  const job = turn.job;
  const provider = turn.provider();

  if (job.confirm && !job.confirm.confirmedAt) {
    if (await runtime.state.confirmed(job.id)) {
      await turn.handle.save({ confirm: { ...job.confirm, confirmedAt: turn.now() } });
    } else if (turn.now() >= job.confirm.expiresAt) {
      const message = 'Not confirmed in time, so it was not started. Nothing was spent.';
      return { kind: 'end', outcome: { state: 'cancelled', message, outputs: [], charged: 'no', reason: 'not_confirmed' } };
    } else {
      await turn.show({ phase: 'confirm' }, true);
      return { kind: 'wait', ms: job.confirm.expiresAt - turn.now() };
    }
  }

  if (job.operations.length === 0 && !job.submitting) {
    const settings = await turn.settings();
    const claim = await runtime.line.claim(job.workspace, job.id, settings.maxConcurrentJobs, job.createdAt);
    if (!claim.ok) {
      await turn.show({ phase: 'waiting', position: claim.position, running: claim.running });
      return { kind: 'wait', ms: Math.round(PARK_MS * turn.scale) };
    }
    // The deadline is for running, not for waiting in line: it starts when the slot is taken.
    if (!job.slotAt) turn.handle.note({ slotAt: turn.now(), deadlineAt: turn.now() + (job.deadlineAt - job.createdAt) });
  }

  if (job.request.inputs.length > 0 && !turn.job.uploadedInputs) {
    await turn.show({ phase: 'uploading' });
    const urls: string[] = [];
    for (const input of job.request.inputs) urls.push(await uploadInput(turn, input.media));
    await turn.handle.save({ uploadedInputs: urls });
  }

  const model = await turn.model();
  if (!turn.job.batches) {
    const batches = model && provider.batches ? provider.batches(job.request.count, model) : Array.from({ length: job.request.count }, () => 1);
    turn.handle.note({ batches });
  }
  const batches = turn.job.batches!;
  const submitTimeout = deps.limits.submitTimeoutMs ?? SUBMIT_TIMEOUT_MS;

  for (let index = turn.job.operations.length; index < batches.length; index++) {
    const request = submitRequest(turn.job, index, batches[index]!, turn);
    if (turn.job.submitting?.index === index) {
      const found = await reconcileSubmit(turn, request, submitTimeout);
      if (found.kind === 'look_again') {
        await turn.handle.save({ submitting: { ...turn.job.submitting, listings: turn.job.submitting.listings + 1 } });
        return { kind: 'wait', ms: reconcilePauseMs(submitTimeout) };
      }
      if (found.kind === 'unknowable') {
        const name = provider.displayName;
        const message = `${name} did not confirm the job, and it cannot be asked which jobs it made, so I did not send it again (that could charge twice). If it was made, it is in your ${name} account.`;
        await runtime.state.settled(provider.id, job.id);
        return { kind: 'end', outcome: { state: 'failed', message, outputs: [], charged: 'unknown', reason: 'submit_unconfirmed' } };
      }
      if (found.kind === 'adopted') {
        await accept(turn, found.operation, index === batches.length - 1);
        continue;
      }
      if (turn.job.submitting.attempts >= MAX_SUBMIT_ATTEMPTS) {
        await runtime.state.settled(provider.id, job.id);
        throw new ProviderError({ provider: provider.id, code: 'server_error', retryable: false, message: 'submit kept failing without an answer', userMessage: `${provider.displayName} kept failing to take the job. Nothing was made; please try again later.` });
      }
    }
    const previous = turn.job.submitting?.index === index ? turn.job.submitting : undefined;
    const sentAt = turn.now();
    // The intent is saved before sending: a crash after this line is reconciled, not resent blindly.
    await turn.handle.save({ submitting: { index, startedAt: previous?.startedAt ?? sentAt, lastAttemptAt: sentAt, attempts: (previous?.attempts ?? 0) + 1, listings: 0 } });
    await runtime.state.submitting(provider.id, job.id, sentAt);
    try {
      const call = await turn.providerCall();
      const operation = await withLinkedSignal(runtime.stopping, submitTimeout, (signal) => provider.submit(request, { ...call, signal }));
      await accept(turn, operation, index === batches.length - 1);
    } catch (err) {
      if (submitOutcomeUnknown(err)) {
        turn.log.warn({ err, index }, 'submit outcome unknown; reconciling before any resend');
        return { kind: 'wait', ms: reconcilePauseMs(submitTimeout) };
      }
      // The provider answered "no": nothing was created, the intent is void.
      await turn.handle.save({ submitting: undefined });
      await runtime.state.settled(provider.id, job.id);
      if (err instanceof ProviderError && err.code === 'invalid_asset' && !turn.job.reuploaded) {
        turn.log.info('provider refused an input asset; uploading the inputs again once');
        await turn.handle.save({ uploadedInputs: undefined, reuploaded: true });
        return { kind: 'wait', ms: Math.round(500 * turn.scale) };
      }
      throw err;
    }
  }

  deps.metrics.jobStarted(job.request.provider, job.request.kind);
  turn.handle.note({ step: 'poll', polls: 0, retries: 0 });
  const avg = model?.averageSeconds;
  await turn.show({ phase: 'queued', ...(avg !== undefined ? { etaSeconds: avg } : {}) });
  return { kind: 'wait', ms: firstPollDelayMs(avg, turn.scale, { webhooks: callsBack(turn) }) };
}

/** The operation is ours: claimed in Redis (webhooks and reconciliation), then saved (with the move to poll after the last batch). */
async function accept(turn: Turn, operation: GenerationJob['operations'][number], last: boolean): Promise<void> {
  const { state } = turn.runtime;
  if (!(await state.claimProviderJob(operation.providerJobId, turn.job.id))) {
    // Another of our jobs adopted it while our answer was on its way: ours is still to be found.
    turn.log.warn({ providerJobId: operation.providerJobId }, 'submitted job was adopted by another job; reconciling');
    throw new ProviderError({ provider: turn.job.request.provider, code: 'network', retryable: true, message: 'submitted job already owned', userMessage: 'The provider is slow to answer; retrying.' });
  }
  const toPoll = last ? { step: 'poll' as const, polls: 0, retries: 0 } : {};
  await turn.handle.save({ operations: [...turn.job.operations, operation], submitting: undefined, submittedAt: turn.job.submittedAt ?? turn.now(), ...toPoll });
  await state.settled(turn.job.request.provider, turn.job.id);
}

function submitRequest(job: GenerationJob, index: number, outputs: number, turn: Turn): ProviderSubmitRequest {
  const { inputs: _neutral, count: _count, ...rest } = job.request;
  const inputs = job.request.inputs.map((input, i) => ({ role: input.role, url: job.uploadedInputs?.[i] ?? input.media.url }));
  const hook = callsBack(turn) ? { webhookUrl: turn.deps.webhookUrl!(job.id) } : {};
  return { ...rest, inputs, index, outputs, ...hook };
}

async function uploadInput(turn: Turn, media: MediaRef): Promise<string> {
  const { deps } = turn;
  const provider = turn.provider();
  let file: MediaFile;
  try {
    file =
      media.source === 'url' || media.source === 'provider'
        ? await deps.fetchMedia(media, deps.limits.maxInputBytes, turn.runtime.stopping)
        : await (await turn.platform()).download(media, { maxBytes: deps.limits.maxInputBytes }, turn.runtime.stopping);
  } catch (err) {
    // Stopping or timing out says nothing about the file: the runner retries (a refusal would be final).
    if (err instanceof UserError || err instanceof ProviderError || isAbortError(err) || isRetryableFetch(err) || turn.runtime.stopping.aborted) throw err;
    if (err instanceof PlatformError) {
      if (err.code === 'rate_limited' || err.code === 'other') throw err;
      // A platform's download refusals are written for the user (an expired link, a missing scope).
      throw new UserError(err.code === 'too_large' ? 'input_too_big' : 'input_unsupported', err.message);
    }
    const userMessage = (err as { userMessage?: unknown }).userMessage;
    throw new UserError('input_unsupported', typeof userMessage === 'string' ? userMessage : 'I could not download an input image. Share it again, or attach it instead of linking.');
  }
  if (!isImageMime(file.mimeType) && !isVideoMime(file.mimeType)) {
    throw new UserError('input_unsupported', `\`${file.name}\` is not an image I can use (PNG, JPEG, WebP, GIF, HEIC, AVIF).`);
  }
  if (!provider.uploadInput) return media.url;
  return provider.uploadInput(file, await turn.providerCall());
}
