/**
 * Three kinds of failure, told apart because each is handled differently:
 * - UserError: the user can fix it; shown as-is (short, actionable), never logged as an error.
 * - ProviderError: a generation API refused or broke; `retryable` decides whether the job retries.
 * - PlatformError: Slack/Discord refused or rate-limited a call; `retryAfterMs` when known.
 * Anything else is a bug: logged with a reference id that the user sees.
 */

export type UserErrorCode =
  | 'bad_flag'
  | 'bad_value'
  | 'missing_value'
  | 'unknown_model'
  | 'model_retired'
  | 'no_credentials'
  | 'out_of_balance'
  | 'plan_required'
  | 'input_too_big'
  | 'input_unsupported'
  | 'moderation'
  | 'forbidden'
  | 'not_found'
  | 'quota'
  | 'rate_limited'
  | 'invalid_key'
  | 'provider_unavailable'
  | 'other';

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly code: UserErrorCode,
    /** The exact text the user sees. Neutral markdown (see view.ts). */
    readonly userMessage: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(userMessage);
  }
}

export type ProviderErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'out_of_balance'
  | 'plan_required'
  | 'not_found'
  | 'model_retired'
  | 'invalid_asset'
  | 'backlog_full'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'bad_response'
  | 'moderation'
  | 'failed';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: string;
  readonly code: ProviderErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** What to tell the user when this error is final. */
  readonly userMessage: string;
  /** For 410: the model to use instead. */
  readonly replacement: string | undefined;
  constructor(init: {
    provider: string;
    code: ProviderErrorCode;
    retryable: boolean;
    message: string;
    userMessage: string;
    status?: number;
    retryAfterMs?: number;
    replacement?: string;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.provider = init.provider;
    this.code = init.code;
    this.retryable = init.retryable;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.userMessage = init.userMessage;
    this.replacement = init.replacement;
  }
}

/**
 * Why the platform refused access, when the adapter can tell; lets every layer say what to do
 * (src/hints.ts `accessHint`): invite the bot, grant it permissions, or use another way in.
 */
export interface PlatformAccessDetail {
  /** not_in_channel: the bot is not a member (Slack); missing_permissions: it lacks some (Discord); content_hidden: the platform hides the message's content from bots. */
  reason: 'not_in_channel' | 'missing_permissions' | 'content_hidden';
  /** The channel concerned, when known. */
  channelId?: string;
  /** Permission names the bot lacks there, as the platform's settings show them (e.g. "Send Messages"). */
  missing?: string[];
}

export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly access: PlatformAccessDetail | undefined;
  constructor(
    readonly platform: string,
    readonly code: 'rate_limited' | 'not_found' | 'forbidden' | 'too_large' | 'invalid_auth' | 'other',
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown; access?: PlatformAccessDetail },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.access = options?.access;
  }
}

/** A short id a user can quote to an admin; the same id is in the log line. */
export function newErrorRef(): string {
  return Math.random().toString(36).slice(2, 8).toUpperCase();
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

/** Redis or network trouble of our own: always worth another try, never the user's problem. */
export function isInfrastructureError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/.test(code)) ||
    /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|LOADING|READONLY|MaxRetriesPerRequest|Reached the max retries/i.test(err.message)
  );
}

/**
 * A provider's own words (an error, a failure reason) as a user may see them: one line without
 * control characters, at most `max` characters. Providers send any text at any length, and a
 * raw control character can break or spoof the message it lands in. Empty when nothing is left.
 */
export function providerText(text: string, max = 300): string {
  const line = text
    .replace(/[\t-\r\u0085]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (line.length <= max) return line;
  let cut = line.slice(0, Math.max(0, max - 1));
  // Never end on half of a surrogate pair (an emoji cut in two).
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
