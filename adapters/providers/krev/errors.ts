/**
 * Krev HTTP answers → ProviderError, with the short message a user reads when it is final.
 * Krev documents every error as `{success:false, error}` with 400/401/402/404/429/500; a 500
 * refunds the credits, so retrying it cannot charge twice for one failure.
 */
import { ProviderError, providerText } from '../../../src/errors.js';
import { scrubSecrets } from '../../../src/logger.js';

const P = 'krev';

/** The `error` string of a Krev answer (or `message`), fit to show a user and without anything that looks like a key. */
export function krevErrorText(body: unknown, fallback: string, apiKey?: string): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown };
    for (const v of [b.error, b.message]) {
      const text = typeof v === 'string' ? redact(v, apiKey) : '';
      if (text) return text;
    }
  }
  return redact(fallback, apiKey);
}

/** An error body might echo the request; the caller's key never leaves in a message. Cut out before the cap, so no half key is left. */
export function redact(text: string, apiKey?: string): string {
  const scrubbed = apiKey && apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
  return providerText(scrubSecrets(scrubbed));
}

export function mapKrevError(status: number, body: unknown, retryAfterMs: number | undefined, apiKey?: string): ProviderError {
  const text = krevErrorText(body, `HTTP ${status}`, apiKey);
  const base = { provider: P, status, message: `Krev answered ${status}: ${text}` };
  switch (status) {
    case 400:
      return new ProviderError({ ...base, code: 'bad_request', retryable: false, userMessage: `Krev rejected the request: ${text}` });
    case 401:
      return new ProviderError({ ...base, code: 'unauthorized', retryable: false, userMessage: 'The Krev API key was rejected (missing, revoked or expired). An admin can reconnect the Krev key with the connect command.' });
    case 403:
      // Undocumented for generations; the chat API answers 403 to Meta account changes, and a key without a scope would too.
      return new ProviderError({ ...base, code: 'unauthorized', retryable: false, userMessage: `This Krev key may not do that: ${text}. An admin can reconnect the Krev key with one that has the needed scopes.` });
    case 402:
      return new ProviderError({ ...base, code: 'out_of_balance', retryable: false, userMessage: 'Krev credits are used up; nothing was charged. An owner can add credits in the Krev dashboard.' });
    case 404:
      return new ProviderError({ ...base, code: 'not_found', retryable: false, userMessage: `Krev could not find that: ${text}` });
    case 429:
      return new ProviderError({
        ...base,
        code: 'backlog_full',
        retryable: true,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        userMessage: 'Krev is rate-limiting this account (its limits count every key of the user); still retrying.',
      });
    default:
      if (status >= 500) return new ProviderError({ ...base, code: 'server_error', retryable: true, userMessage: 'Krev is having trouble right now (credits of a failed request are refunded). Please try again in a few minutes.' });
      return new ProviderError({ ...base, code: 'bad_response', retryable: false, userMessage: `Krev answered with an unexpected error (${status}).` });
  }
}

/** A 2xx answer that is not the documented `{success:true, data}`: Krev hiccuped, so a retry is worth it. */
export function badResponse(what: string, apiKey?: string): ProviderError {
  return new ProviderError({ provider: P, code: 'bad_response', retryable: true, message: `unexpected Krev answer: ${redact(what, apiKey)}`, userMessage: 'Krev answered with something unexpected. Retrying.' });
}

/** A finished generation or run whose every result link is broken: asking again may bring good ones; if not, this is the final word. */
export function brokenResultLinks(): ProviderError {
  return new ProviderError({
    provider: P,
    code: 'bad_response',
    retryable: true,
    message: 'finished Krev job whose result URLs do not parse',
    userMessage: 'Krev finished this job, but the links it sent for the results are broken, so they could not be delivered.',
  });
}

/** An id no URL can carry (a lone surrogate is valid JSON): asking again cannot help. */
export function unusableId(): ProviderError {
  return new ProviderError({ provider: P, code: 'bad_response', retryable: false, message: 'Krev id is not well-formed Unicode', userMessage: 'Krev gave this job an id that cannot be looked up, so it cannot be followed.' });
}

/** Our own request would break Krev's documented rules: a caller's mistake, never retried. */
export function badRequest(message: string, userMessage: string): ProviderError {
  return new ProviderError({ provider: P, code: 'bad_request', retryable: false, message, userMessage });
}

export function networkError(err: unknown): ProviderError {
  const e = err as { name?: string; code?: string; message?: string };
  const timeout = e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT';
  return new ProviderError({
    provider: P,
    code: timeout ? 'timeout' : 'network',
    retryable: true,
    message: `Krev request failed: ${e?.code ?? e?.name ?? 'error'} ${scrubSecrets(e?.message ?? '')}`.trim(),
    userMessage: 'Krev could not be reached. Please try again in a few minutes.',
    cause: err,
  });
}
