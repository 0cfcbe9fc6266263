/** Krea HTTP answers → ProviderError, with the short message a user reads when it is final. */
import { ProviderError, providerText } from '../../../src/errors.js';

const P = 'krea';
/** What a model id looks like (`image/bfl/flux-1-dev`); a `replacement` that is not one is not shown. */
const MODEL_ID = /^[a-z0-9][a-z0-9._/-]{0,120}$/;

/** Krea's error text, fit to show a user (see providerText); the fallback when it has none. */
export function errorText(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown; detail?: unknown };
    for (const v of [b.message, b.error, b.detail]) {
      const text = typeof v === 'string' ? providerText(v) : '';
      if (text) return text;
    }
  }
  return fallback;
}

/** 402 means "out of API balance" or "this model needs a higher plan"; only the message tells. */
export function isPlanMessage(text: string): boolean {
  return /\bplan\b|upgrade|subscription|tier/i.test(text) && !/top.?up|balance/i.test(text);
}

export function mapKreaError(status: number, body: unknown, retryAfterMs: number | undefined, context: { modelId?: string }): ProviderError {
  const text = errorText(body, `HTTP ${status}`);
  const model = context.modelId ? `\`${context.modelId}\`` : 'That model';
  const base = { provider: P, status, message: `Krea answered ${status}: ${text}` };
  switch (status) {
    case 400:
      return new ProviderError({ ...base, code: 'bad_request', retryable: false, userMessage: `Krea rejected the request: ${text}` });
    case 401:
    case 403:
      return new ProviderError({ ...base, code: 'unauthorized', retryable: false, userMessage: 'The Krea API key was rejected (revoked or wrong). An admin can reconnect it with `<cmd:connect krea>`.' });
    case 402:
      return isPlanMessage(text)
        ? new ProviderError({ ...base, code: 'plan_required', retryable: false, userMessage: `${model} needs a higher Krea plan than this workspace has. Pick another model with \`<flag:model>\`, or ask an admin to upgrade.` })
        : new ProviderError({ ...base, code: 'out_of_balance', retryable: false, userMessage: 'The Krea API balance is used up. An owner can top it up at [krea.ai/app/api](https://krea.ai/app/api); nothing was charged for this request.' });
    case 404:
      return new ProviderError({ ...base, code: 'not_found', retryable: false, userMessage: `Krea does not know ${model}. See the models with \`<cmd:models>\`.` });
    case 410: {
      const b = (body ?? {}) as { replacement?: unknown; sunset_date?: unknown };
      // It goes into the message and a `--model` hint: only a model id, never whatever Krea wrote.
      const replacement = typeof b.replacement === 'string' && MODEL_ID.test(b.replacement) ? b.replacement : undefined;
      return new ProviderError({
        ...base,
        code: 'model_retired',
        retryable: false,
        ...(replacement ? { replacement } : {}),
        userMessage: replacement ? `${model} was retired by Krea; use \`${replacement}\` instead (add \`<flag:model ${replacement}>\`).` : `${model} was retired by Krea. Pick another with \`<cmd:models>\`.`,
      });
    }
    case 422:
      return new ProviderError({ ...base, code: 'invalid_asset', retryable: true, userMessage: 'Krea could not read an input image. Try uploading it again, as PNG or JPEG.' });
    case 429:
      return new ProviderError({ ...base, code: 'backlog_full', retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), userMessage: 'Krea is busy with this workspace’s other jobs; still retrying.' });
    default:
      if (status >= 500) return new ProviderError({ ...base, code: 'server_error', retryable: true, userMessage: 'Krea is having trouble right now. Please try again in a few minutes.' });
      return new ProviderError({ ...base, code: 'bad_response', retryable: false, userMessage: `Krea answered with an unexpected error (${status}).` });
  }
}

/** A finished job whose every result link is broken: asking again may bring good ones; if not, this is the final word. */
export function brokenResultLinks(): ProviderError {
  return new ProviderError({
    provider: P,
    code: 'bad_response',
    retryable: true,
    message: 'finished job whose result URLs do not parse',
    userMessage: 'Krea finished this job, but the links it sent for the results are broken, so they could not be delivered.',
  });
}

/** A job id no URL can carry (a lone surrogate is valid JSON): asking again cannot help. */
export function unusableId(): ProviderError {
  return new ProviderError({ provider: P, code: 'bad_response', retryable: false, message: 'job id is not well-formed Unicode', userMessage: 'Krea gave this job an id that cannot be looked up, so it cannot be followed.' });
}

export function networkError(err: unknown): ProviderError {
  const e = err as { name?: string; code?: string; message?: string };
  const timeout = e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT';
  return new ProviderError({
    provider: P,
    code: timeout ? 'timeout' : 'network',
    retryable: true,
    message: `Krea request failed: ${e?.code ?? e?.name ?? 'error'} ${e?.message ?? ''}`.trim(),
    userMessage: 'Krea could not be reached. Please try again in a few minutes.',
    cause: err,
  });
}
