/**
 * One turn of a generation job, as an explicit step machine: announce → submit → poll → deliver
 * → finalize → done. Each step is a small function (./steps/) that returns the next step, a wait,
 * or the job's end. This runner is the error boundary: whatever a step throws becomes a retry or
 * a final, visible outcome; every outcome goes through finalize, which frees the workspace's
 * slot and makes the final status edit. Nothing a step learns is kept only in memory.
 */
import type { JobStep, ProviderStatus } from '../src/generation.js';
import { renderHints } from '../src/hints.js';
import { classifyError } from './classify-error.js';
import type { PipelineDeps } from './deps.js';
import { announce } from './steps/announce.js';
import { cancelOperations } from './steps/cancel.js';
import { deliver } from './steps/deliver.js';
import { finalize } from './steps/finalize.js';
import { poll } from './steps/poll.js';
import { submit } from './steps/submit.js';
import { createTurn, type JobHandle, type Runtime, type StepResult, type Turn } from './steps/turn.js';

export type { JobHandle, Runtime } from './steps/turn.js';

const STEPS: Record<Exclude<JobStep, 'done'>, (turn: Turn) => Promise<StepResult>> = { announce, submit, poll, deliver, finalize };
/** Steps a turn may run back to back before it yields to other jobs. */
const MAX_STEPS_PER_TURN = 8;
/** finalize never gives up (it frees the slot); its own backoff is capped here. */
const FINALIZE_RETRY_CAP_MS = 60_000;

export async function runGenerationJob(handle: JobHandle, deps: PipelineDeps, runtime: Runtime): Promise<void> {
  const log = deps.logger.child({ job: handle.data.id, workspace: handle.data.workspace.workspaceId });
  const turn = createTurn(handle, deps, runtime, log);
  for (let i = 0; i < MAX_STEPS_PER_TURN; i++) {
    const step = handle.data.step;
    if (step === 'done') return;
    // Stopping: hand the job back at once; any worker resumes it from the saved step.
    if (runtime.stopping.aborted) return handle.delay(0);
    let result: StepResult;
    try {
      result = (await cancelled(turn)) ?? (await STEPS[step](turn));
    } catch (err) {
      if (isDelay(err)) throw err;
      // Stopping aborted what the step was doing: not the step's failure, so not a retry; hand it back.
      if (runtime.stopping.aborted) return handle.delay(0);
      result = await onError(turn, step, err);
    }
    // Stopping: whatever the step wanted to wait for, another worker takes it up at once.
    if (result.kind === 'wait') return handle.delay(runtime.stopping.aborted ? 0 : result.ms);
    if (result.kind === 'next') {
      // A step change can be learned again after a crash (each step checks what is done), except the last.
      const patch = { step: result.step, ...(result.step !== step ? { retries: 0 } : {}), ...result.patch };
      if (result.step === 'done') await handle.save(patch);
      else handle.note(patch);
    } else {
      await handle.save({ outcome: { ...result.outcome, finishedAt: deps.clock.now() }, step: 'finalize', retries: 0 });
    }
  }
  return handle.delay(0);
}

/** The delay signal is BullMQ's DelayedError; recognised by name so the steps need no BullMQ import. */
export function isDelay(err: unknown): boolean {
  return err instanceof Error && err.name === 'DelayedError';
}

/** Cancel is honoured before and while the provider works; a result already paid for is still delivered. */
async function cancelled(turn: Turn): Promise<StepResult | undefined> {
  const { job } = turn;
  if (job.step !== 'announce' && job.step !== 'submit' && job.step !== 'poll') return undefined;
  const request = await turn.runtime.state.cancelRequest(job.id);
  if (request === undefined) return undefined;
  const by = request ? { cancelledBy: request.userId } : {};
  if (job.operations.length === 0) {
    return { kind: 'end', outcome: { state: 'cancelled', message: 'Cancelled before anything was sent to the provider.', outputs: [], charged: 'no', reason: 'cancelled', ...by } };
  }
  const provider = turn.provider();
  if (!provider.capabilities.cancel) {
    const message = `${provider.displayName} cannot stop a job once it has started: I stopped following it and will not post its result. It may still be charged.`;
    return { kind: 'end', outcome: { state: 'cancelled', message, outputs: [], charged: 'unknown', reason: 'cancelled_unstoppable', ...by } };
  }
  const states = await cancelOperations(turn);
  if (states.some((s) => s.state === 'succeeded')) {
    turn.log.info('cancel came after the provider finished part of the job; delivering the paid result');
    // The cancel is spent: no further batches are sent, and poll delivers what finished.
    await turn.runtime.state.clearCancel(job.id);
    return { kind: 'next', step: 'poll', patch: { batches: (job.batches ?? []).slice(0, job.operations.length), submitting: undefined } };
  }
  const stopped = states.every((s) => s.state === 'cancelled' || (s.state === 'failed' && !s.billed));
  return { kind: 'end', outcome: { state: 'cancelled', message: 'Cancelled', outputs: [], charged: stopped ? 'no' : 'unknown', reason: 'cancelled', ...by } };
}

async function onError(turn: Turn, step: JobStep, err: unknown): Promise<StepResult> {
  const { handle, deps, log } = turn;
  const classified = classifyError(err, handle.data.retries, deps.maxRetries ?? 12, turn.scale);
  // Messages written with hint tokens name the commands of the job's own platform.
  const verdict = classified.kind === 'fail' ? { ...classified, message: renderHints(classified.message, handle.data.workspace.platform, deps.specs ?? []) } : classified;
  if (step === 'finalize') {
    // The outcome is saved; only the clean-up failed (Redis, the platform). It must happen eventually.
    log.warn({ err }, 'finalize failed; retrying');
    handle.note({ retries: handle.data.retries + 1 });
    return { kind: 'wait', ms: Math.min(FINALIZE_RETRY_CAP_MS, verdict.kind === 'retry' ? verdict.ms : 5000 * turn.scale) };
  }
  if (verdict.kind === 'retry') {
    log.info({ err: describe(err), step, retries: handle.data.retries }, 'retryable error; backing off');
    handle.note({ retries: handle.data.retries + 1 });
    if (verdict.note) await turn.show({ phase: 'retrying', message: verdict.note }).catch(() => undefined);
    return { kind: 'wait', ms: verdict.ms };
  }
  if (verdict.ref) log.error({ err, ref: verdict.ref, step }, 'generation job failed');
  else log.info({ reason: verdict.reason, step }, 'generation job failed');
  if (step === 'deliver') return deliveredAsLinks(turn, verdict.message);
  return { kind: 'end', outcome: { state: 'failed', message: verdict.message, outputs: [], charged: await stopSpending(turn), reason: verdict.reason } };
}

/** A job that fails while the provider still works on it is cancelled there, so nobody pays for nothing. */
async function stopSpending(turn: Turn): Promise<'no' | 'unknown'> {
  if (turn.job.operations.length === 0) return turn.job.submitting ? 'unknown' : 'no';
  let states: ProviderStatus[];
  try {
    states = await cancelOperations(turn);
  } catch {
    return 'unknown';
  }
  return states.every((s) => s.state === 'cancelled' || (s.state === 'failed' && !s.billed)) ? 'no' : 'unknown';
}

/** Delivery itself broke (not a transient error): hand over the provider's links, never nothing. */
async function deliveredAsLinks(turn: Turn, reason: string): Promise<StepResult> {
  const outputs = turn.job.results?.outputs ?? [];
  const links = outputs.map((o, i) => `[result ${i + 1}](${o.url})`).join(', ');
  const message = links ? `I could not upload the results (${reason.replace(/\.$/, '')}). Download them while the links last: ${links}.` : reason;
  if (links && turn.job.thread) {
    await (await turn.platform()).post(turn.job.thread, { text: message, blocks: [{ type: 'text', text: message }] }).catch((err: unknown) => turn.log.warn({ err }, 'could not post the links either'));
  }
  return { kind: 'end', outcome: { state: outputs.length > 0 ? 'succeeded' : 'failed', message, outputs, charged: 'yes', reason: 'delivery_failed' } };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

