/**
 * Every error a step can meet, sorted into "try again later" or "this job is over", in one place.
 * Anything unrecognised is a bug: the job ends with a reference the user can quote (the same
 * reference is in the log), never with a silent failure or an endless retry.
 */
import { isAbortError, isInfrastructureError, newErrorRef, PlatformError, ProviderError, UserError } from '../src/errors.js';

export { isInfrastructureError } from '../src/errors.js';
import { retryDelayMs } from './poll-schedule.js';

export type Verdict =
  | { kind: 'retry'; ms: number; note?: string }
  | { kind: 'fail'; message: string; reason: string; ref?: string };

/** Errors of a fetch say whether another try may help (see PipelineDeps.fetchMedia). */
export function isRetryableFetch(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}

/**
 * A submit that failed this way may still have reached the provider and created (and billed) a
 * job: a timeout, a dropped connection after sending, a 5xx, an unreadable answer. It must be
 * reconciled, never blindly repeated.
 */
export function submitOutcomeUnknown(err: unknown): boolean {
  if (!(err instanceof ProviderError)) return isAbortError(err);
  if (!['timeout', 'network', 'server_error', 'bad_response'].includes(err.code)) return false;
  // Refused before anything was sent: the provider cannot have seen the request.
  const cause = err.cause as { code?: unknown } | undefined;
  return !(typeof cause?.code === 'string' && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(cause.code));
}

export function classifyError(err: unknown, retries: number, maxRetries: number, scale: number): Verdict {
  const retry = (retryAfterMs?: number, note?: string): Verdict | undefined =>
    retries < maxRetries ? { kind: 'retry', ms: retryDelayMs(retries, retryAfterMs, scale), ...(note ? { note } : {}) } : undefined;

  if (err instanceof UserError) return { kind: 'fail', message: err.userMessage, reason: err.code };
  if (err instanceof ProviderError) {
    if (err.retryable) {
      const note = err.code === 'backlog_full' ? `${err.provider === 'krea' ? 'Krea' : 'The provider'} is busy with this workspace’s other jobs; retrying.` : 'The provider had a hiccup; retrying.';
      const again = retry(err.retryAfterMs, note);
      if (again) return again;
    }
    return { kind: 'fail', message: err.userMessage, reason: `provider_${err.code}` };
  }
  if (err instanceof PlatformError) {
    if (err.code === 'rate_limited' || err.code === 'other') {
      const again = retry(err.retryAfterMs);
      if (again) return again;
    }
    return { kind: 'fail', message: platformMessage(err), reason: `platform_${err.code}` };
  }
  if (isAbortError(err) || isRetryableFetch(err) || isInfrastructureError(err)) {
    const again = retry();
    if (again) return again;
    return { kind: 'fail', message: 'This kept timing out and was stopped. Please try again in a few minutes.', reason: 'timeout' };
  }
  const ref = newErrorRef();
  return { kind: 'fail', message: `Something went wrong on our side (ref \`${ref}\`). Please try again; if it keeps happening, give an admin this ref.`, reason: 'bug', ref };
}

function platformMessage(err: PlatformError): string {
  switch (err.code) {
    case 'forbidden':
      return 'I am not allowed to post there any more. Invite me back to the channel (or give me permission to post), then try again.';
    case 'invalid_auth':
      return 'This workspace’s connection to the bot was revoked. An admin needs to reinstall the app.';
    case 'not_found':
      return 'The conversation this job was posting to is gone.';
    default:
      return 'The chat platform kept refusing to post. Please try again in a few minutes.';
  }
}
