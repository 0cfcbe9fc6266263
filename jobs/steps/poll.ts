/**
 * poll: read every operation's state, show progress, and wait (no worker slot held) until all
 * have ended. Batches that succeeded are delivered even when a sibling failed (a paid result is
 * never thrown away); the job fails only when none succeeded. Past the deadline, what still runs
 * is cancelled at the provider and what already finished is delivered.
 */
import type { Charged, JobResults, ProviderStatus } from '../../src/generation.js';
import { estimatePercent } from '../../src/progress.js';
import { nextPollDelayMs } from '../poll-schedule.js';
import { cancelOperations } from './cancel.js';
import type { StepResult, Turn } from './turn.js';

type Failed = Extract<ProviderStatus, { state: 'failed' }>;

const TOO_SLOW = 'This took longer than the time limit and was stopped at the provider. Try again, or pick a faster model.';

export async function poll(turn: Turn): Promise<StepResult> {
  const provider = turn.provider();
  const ctx = await turn.providerCall();
  let all = await Promise.all(turn.job.operations.map((op) => provider.status(op, ctx)));

  if (turn.now() > turn.job.deadlineAt && all.some((s) => !isTerminal(s))) {
    turn.log.info('deadline passed; cancelling what still runs at the provider');
    all = await cancelOperations(turn, all);
    const settled = endWhenSettled(turn, all, TOO_SLOW);
    if (settled) return settled;
    // The provider could not stop them: stop following, and say that the charge is unknown.
    return { kind: 'end', outcome: { state: 'failed', message: TOO_SLOW, outputs: [], charged: 'unknown', reason: 'deadline' } };
  }

  const settled = endWhenSettled(turn, all);
  if (settled) return settled;

  const model = await turn.model();
  const avg = model?.averageSeconds;
  // What the user is shown counts in this deployment's time: local mode runs the simulators `scale` times faster.
  const expected = avg === undefined ? undefined : avg * turn.scale;
  const elapsed = turn.now() - (turn.job.submittedAt ?? turn.job.createdAt);
  const running = all.filter((s): s is Extract<ProviderStatus, { state: 'running' }> => s.state === 'running');
  const preview = running.flatMap((s) => s.previewUrls ?? [])[0];
  const reported = running.map((s) => s.percent).filter((p): p is number => p !== undefined);
  // Real percentages when the provider reports them (averaged over batches), else estimated and marked as such.
  const percent = running.length === 0 ? undefined : reported.length === running.length ? Math.round(reported.reduce((a, b) => a + b, 0) / reported.length) : estimatePercent(elapsed, expected);
  const estimated = running.length > 0 && reported.length !== running.length;
  const reportedEta = running.map((s) => s.etaSeconds).filter((e): e is number => e !== undefined);
  const eta = reportedEta.length > 0 ? Math.max(...reportedEta) : expected !== undefined ? Math.max(0, Math.round(expected - elapsed / 1000)) : undefined;
  const extra = { ...(percent !== undefined ? { percent, estimated } : {}), ...(eta ? { etaSeconds: eta } : {}) };
  await turn.show(preview ? { phase: 'preview', previewUrl: preview, ...extra } : running.length > 0 ? { phase: 'running', ...extra } : { phase: 'queued', ...extra });
  turn.handle.note({ polls: turn.job.polls + 1, retries: 0 });
  return { kind: 'wait', ms: nextPollDelayMs(avg, turn.job.polls, elapsed, turn.scale, { webhooks: callsBack(turn) }) };
}

/** The job was submitted with a webhook: the provider calls back when it ends (./submit.ts). */
export function callsBack(turn: Turn): boolean {
  return turn.deps.webhookUrl !== undefined && turn.provider().capabilities.webhooks === true;
}

function isTerminal(s: ProviderStatus): boolean {
  return s.state === 'succeeded' || s.state === 'failed' || s.state === 'cancelled';
}

/** When every operation has ended: deliver what succeeded, or end with the reason none did. */
function endWhenSettled(turn: Turn, all: ProviderStatus[], failedMessage?: string): StepResult | undefined {
  if (!all.every(isTerminal)) return undefined;
  const succeeded = all.filter((s): s is Extract<ProviderStatus, { state: 'succeeded' }> => s.state === 'succeeded');
  if (succeeded.length > 0) {
    const results: JobResults = {
      outputs: succeeded.flatMap((s) => s.outputs),
      ...sumCost(succeeded),
      ...(succeeded.some((s) => s.text) ? { text: succeeded.map((s) => s.text).filter(Boolean).join('\n\n') } : {}),
    };
    const missing = all.length - succeeded.length;
    if (missing > 0) turn.log.info({ missing }, 'some batches did not succeed; delivering the rest');
    // Saved with the step change: delivery never asks the provider again.
    return { kind: 'next', step: 'deliver', patch: { results, completedAt: turn.now(), missingBatches: missing } };
  }
  const failed = all.find((s): s is Failed => s.state === 'failed');
  // Failed and cancelled jobs are not billed (Krea, Krev); a provider that bills them says billed: true.
  const charged: Charged = all.some((s) => s.state === 'failed' && s.billed) ? 'yes' : 'no';
  if (failedMessage) return { kind: 'end', outcome: { state: 'failed', message: failedMessage, outputs: [], charged, reason: 'deadline' } };
  if (failed) return { kind: 'end', outcome: { state: 'failed', message: failed.reason, outputs: [], charged, reason: 'provider_failed' } };
  const message = 'Cancelled at the provider.';
  return { kind: 'end', outcome: { state: 'cancelled', message, outputs: [], charged, reason: 'provider_cancelled' } };
}

function sumCost(succeeded: Array<Extract<ProviderStatus, { state: 'succeeded' }>>): Pick<JobResults, 'cost'> {
  const costs = succeeded.map((s) => s.cost);
  const first = costs[0];
  if (!first || costs.some((c) => !c || c.unit !== first.unit)) return {};
  const amount = costs.reduce((sum, c) => sum + c!.amount, 0);
  const usd = costs.every((c) => c!.usd !== undefined) ? costs.reduce((sum, c) => sum + c!.usd!, 0) : undefined;
  return { cost: { amount, unit: first.unit, ...(usd !== undefined ? { usd } : {}) } };
}
