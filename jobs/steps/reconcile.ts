/**
 * Exactly-once submits. A submit whose answer was lost (timeout, reset, 5xx, a crash between
 * sending and saving) may or may not have created a job at the provider, and Krea has no
 * idempotency key. So before sending again, ask: list the key's recent jobs and adopt the one no
 * job of ours owns yet (ownership is a Redis SET NX, so two workers never adopt the same one).
 * Only when nothing is found after a second look is the submit sent again. See docs/RELIABILITY.md
 * for the window that remains (another client of the same key submitting in the same seconds).
 */
import type { Operation } from '../../src/generation.js';
import type { ProviderSubmitRequest, RecentProviderJob } from '../../src/ports.js';
import type { Turn } from './turn.js';

/** Our clock and the provider's may disagree by this much. */
export const CLOCK_SKEW_MS = 30_000;
/** A job the provider just created may take a moment to appear in its listing: look twice. */
export const LISTINGS_BEFORE_RESUBMIT = 2;
/** Looks while other submits settle, before choosing by time alone. */
export const MAX_LISTINGS = 6;

export type Reconciled =
  | { kind: 'adopted'; operation: Operation }
  | { kind: 'none' }
  | { kind: 'look_again' }
  | { kind: 'unknowable' };

export async function reconcileSubmit(turn: Turn, request: ProviderSubmitRequest, requestTimeoutMs: number): Promise<Reconciled> {
  const intent = turn.job.submitting!;
  const provider = turn.provider();
  if (!provider.capabilities.reconcile || !provider.listRecentJobs || !provider.adopt) return { kind: 'unknowable' };
  const { state } = turn.runtime;
  const listed = await provider.listRecentJobs(intent.startedAt - CLOCK_SKEW_MS, await turn.providerCall());
  const windowEnd = intent.lastAttemptAt + requestTimeoutMs + CLOCK_SKEW_MS;
  const unowned: RecentProviderJob[] = [];
  for (const candidate of listed) {
    if (candidate.modelId && candidate.modelId !== request.modelId) continue;
    if (candidate.createdAt > windowEnd) continue;
    const owner = await state.jobForProviderJob(candidate.providerJobId);
    // Claimed by this very job before a crash: it is ours, whatever else is listed.
    if (owner === turn.job.id) return { kind: 'adopted', operation: provider.adopt(candidate, request) };
    if (owner === undefined) unowned.push(candidate);
  }
  if (unowned.length === 0) {
    if (intent.listings + 1 < LISTINGS_BEFORE_RESUBMIT) return { kind: 'look_again' };
    return { kind: 'none' };
  }
  // Another submit of ours may have created one of these and not claimed it yet (its answer is on
  // the way): wait until those settle rather than take its job. Only submits sent within the last
  // timeout can still be on the way; older marks are uncertain submits like ours (a crashed worker
  // left them), which will never answer: waiting for them would only make everyone wait.
  const settling = await state.othersSubmitting(provider.id, turn.job.id, turn.now() - requestTimeoutMs);
  if (settling > 0 && intent.listings < MAX_LISTINGS) return { kind: 'look_again' };
  // Nearest in time to our first try first: with several uncertain submits at once, each tends to get its own.
  unowned.sort((a, b) => Math.abs(a.createdAt - intent.startedAt) - Math.abs(b.createdAt - intent.startedAt));
  let adopted: Operation | undefined;
  const extras: RecentProviderJob[] = [];
  for (const candidate of unowned) {
    if (!adopted) {
      if (await state.claimProviderJob(candidate.providerJobId, turn.job.id)) {
        adopted = provider.adopt(candidate, request);
        turn.log.info({ providerJobId: candidate.providerJobId, attempts: intent.attempts }, 'submit reconciled: adopted the job the provider had already created');
      }
    } else if (extras.length < intent.attempts - 1) {
      // We sent this submit several times: up to that many jobs may be ours. One is kept, the rest are cancelled (not billed).
      extras.push(candidate);
    }
  }
  if (!adopted) return { kind: 'none' };
  for (const extra of extras) {
    if (!(await state.claimProviderJob(extra.providerJobId, `${turn.job.id}:duplicate`))) continue;
    turn.log.warn({ providerJobId: extra.providerJobId }, 'a duplicate of this submit was created at the provider; cancelling it');
    await provider.cancel?.(provider.adopt(extra, request), await turn.providerCall()).catch((err: unknown) => turn.log.warn({ err }, 'could not cancel the duplicate'));
  }
  return { kind: 'adopted', operation: adopted };
}
