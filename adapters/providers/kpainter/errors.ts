/**
 * KPainter HTTP answers → ProviderError. KPainter is a FastAPI service: errors carry `{detail}`,
 * a string or a list of validation items `{loc, msg, type}`. The key is scrubbed from every text.
 */
import { ProviderError, providerText } from '../../../src/errors.js';

const P = 'kpainter';
export const KPAINTER_SITE = 'https://kpainter.ai';

/** Text with something to say once control characters are gone (uncapped: the key is cut out before the cap). */
const said = (v: unknown): string => (typeof v === 'string' ? providerText(v, Infinity) : '');

/** `{detail}` as one line: a string as-is, a validation list as "field: msg; …". */
export function detailText(body: unknown, fallback: string): string {
  if (!body || typeof body !== 'object') return fallback;
  const b = body as { detail?: unknown; message?: unknown; error?: unknown };
  const detail = said(b.detail);
  if (detail) return detail;
  if (Array.isArray(b.detail)) {
    const items = b.detail.map((item: unknown) => {
      const i = (item ?? {}) as { loc?: unknown; msg?: unknown };
      // FastAPI prefixes the location with "body"/"query"; the field name is what a user recognises.
      const loc = Array.isArray(i.loc) ? i.loc.filter((p) => p !== 'body' && p !== 'query').join('.') : '';
      const msg = typeof i.msg === 'string' ? i.msg : 'invalid';
      return loc ? `${loc}: ${msg}` : msg;
    });
    if (items.length > 0) return items.slice(0, 3).join('; ');
  }
  for (const v of [b.message, b.error]) {
    const text = said(v);
    if (text) return text;
  }
  return fallback;
}

export const isInsufficientCredits = (text: string) => /insufficient.{0,12}credit|not enough credit|out of credit|credit balance/i.test(text);

export function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

export function outOfCredits(status: number | undefined, message: string): ProviderError {
  return new ProviderError({
    provider: P,
    code: 'out_of_balance',
    retryable: false,
    message,
    ...(status !== undefined ? { status } : {}),
    // KPainter asks integrators to route "insufficient credits" back to its own site.
    userMessage: `The KPainter account is out of credits. Its owner can top up at [kpainter.ai](${KPAINTER_SITE}); nothing was charged for this request.`,
  });
}

export function mapKPainterError(status: number, body: unknown, retryAfterMs: number | undefined, context: { modelId?: string; secret?: string }): ProviderError {
  // The key is cut out before the cap, so no half key is left.
  const text = providerText(redact(detailText(body, `HTTP ${status}`), context.secret)) || `HTTP ${status}`;
  const base = { provider: P, status, message: `KPainter answered ${status}: ${text}` };
  if (status === 402 || isInsufficientCredits(text)) return outOfCredits(status, base.message);
  switch (status) {
    case 401:
    case 403:
      return new ProviderError({ ...base, code: 'unauthorized', retryable: false, userMessage: 'The KPainter key was rejected; an admin should reconnect it with `<cmd:connect kpainter>`.' });
    case 404:
      return new ProviderError({
        ...base,
        code: 'not_found',
        retryable: false,
        userMessage: context.modelId ? `KPainter does not know \`${context.modelId}\`. See the models with \`<cmd:models>\`.` : 'KPainter has no record of that job.',
      });
    case 400:
    case 422:
      return new ProviderError({ ...base, code: 'bad_request', retryable: false, userMessage: `KPainter refused these settings: ${text}` });
    case 429:
      return new ProviderError({ ...base, code: 'backlog_full', retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), userMessage: 'KPainter is rate-limiting this account; still retrying.' });
    default:
      if (status >= 500) return new ProviderError({ ...base, code: 'server_error', retryable: true, userMessage: 'KPainter is having trouble right now. Please try again in a few minutes.' });
      return new ProviderError({ ...base, code: 'bad_response', retryable: false, userMessage: `KPainter answered with an unexpected error (${status}).` });
  }
}

/** A 2xx whose body is not the JSON we expect: a glitch worth one more try. */
export function badResponse(what: string): ProviderError {
  return new ProviderError({ provider: P, code: 'bad_response', retryable: true, message: `unexpected KPainter ${what}`, userMessage: 'KPainter answered with something unexpected. Retrying.' });
}

/** A finished creation whose every result link is broken: asking again may bring good ones; if not, this is the final word. */
export function brokenResultLinks(): ProviderError {
  return new ProviderError({
    provider: P,
    code: 'bad_response',
    retryable: true,
    message: 'finished KPainter creation whose result URLs do not parse',
    userMessage: 'KPainter finished this job, but the links it sent for the results are broken, so they could not be delivered.',
  });
}

/** An id no URL can carry (a lone surrogate is valid JSON): asking again cannot help. */
export function unusableId(): ProviderError {
  return new ProviderError({ provider: P, code: 'bad_response', retryable: false, message: 'KPainter id is not well-formed Unicode', userMessage: 'KPainter gave this job an id that cannot be looked up, so it cannot be followed.' });
}

export function networkError(err: unknown): ProviderError {
  const e = (err ?? {}) as { name?: string; code?: string; message?: string };
  const timeout = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT';
  return new ProviderError({
    provider: P,
    code: timeout ? 'timeout' : 'network',
    retryable: true,
    message: `KPainter request failed: ${e.code ?? e.name ?? 'error'} ${e.message ?? ''}`.trim(),
    userMessage: 'KPainter could not be reached. Please try again in a few minutes.',
    cause: err,
  });
}
