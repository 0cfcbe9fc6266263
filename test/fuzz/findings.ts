/**
 * What fuzzing found and nobody has fixed yet. Each finding names where the fix belongs and says
 * exactly which failures it explains: the properties tolerate those (and only those), so CI stays
 * green while every other failure is new and fails the run. known-findings.fuzz.test.ts holds one
 * example of each, marked `it.fails`: once fixed it passes, vitest says so, and the entry goes.
 */
import { ProviderError, UserError } from '../../src/errors.js';
import { conforms, discordShapes, slackShapes } from './declared-shapes.js';

/** A failed status whose `reason` (shown to the user) is unfit: what the contract asks the findings about. */
export class UnfitReason extends Error {
  override readonly name = 'UnfitReason';
}

export interface Finding {
  id: string;
  /** Where the fix belongs. */
  fixIn: string;
  summary: string;
  explains(target: string, input: unknown, err: unknown): boolean;
}

const isTypeError = (err: unknown) => err instanceof TypeError;
const userErrorSaying = (err: unknown, start: string) => err instanceof UserError && err.userMessage.startsWith(start);
const providerError = (err: unknown, provider: string, codes: readonly string[]) => err instanceof ProviderError && err.provider === provider && codes.includes(err.code);
const shapeOf = <T extends Record<string, unknown>>(shapes: T, target: string, prefix: string) => shapes[target.slice(prefix.length) as keyof T];

export const FINDINGS: readonly Finding[] = [
  {
    id: 'F1',
    fixIn: 'src/command-text.ts (parseCommandText, unknown flag)',
    summary: 'an unknown flag is echoed whole: `--a--a--a…` (600+ characters, one word) gives a userMessage over 600 characters',
    explains: (target, _input, err) => target === 'parseCommandText' && userErrorSaying(err, 'Unknown flag'),
  },
  {
    id: 'F2',
    fixIn: 'src/command-args.ts (parseCommandOptions, unknown option)',
    summary: 'an unknown option name is echoed raw: `{"\\t": 1}` puts a tab (any control character, any length) in the userMessage',
    explains: (target, _input, err) => target === 'parseCommandOptions' && userErrorSaying(err, 'Unknown option'),
  },
  {
    id: 'F3',
    fixIn: 'adapters/slack/parse.ts (or a zod check in adapters/slack/app.ts before parsing)',
    summary: 'the Slack parsers trust their declared types: a payload with a field missing or of another type throws TypeError (e.g. fromSlashCommand({}) reads undefined.replace)',
    explains: (target, input, err) => target.startsWith('slack.') && isTypeError(err) && !conforms(shapeOf(slackShapes, target, 'slack.'), input),
  },
  {
    id: 'F4',
    fixIn: 'adapters/discord/parse.ts (or a check in adapters/discord/client.ts before parsing)',
    summary: 'the Discord parsers trust their declared types: a context without user, options that are not an array, a message without attachments throw TypeError',
    explains: (target, input, err) => target.startsWith('discord.') && isTypeError(err) && !conforms(shapeOf(discordShapes, target, 'discord.'), input),
  },
  {
    id: 'F5',
    fixIn: 'adapters/discord/parse.ts (parseAutocomplete)',
    summary: '`String(focused.value ?? "")` throws TypeError for a value without a primitive form (an object with a null prototype), although `value: unknown` allows it',
    explains: (target, _input, err) => target === 'discord.parseAutocomplete' && isTypeError(err) && /primitive/.test((err as Error).message),
  },
  {
    id: 'F6',
    fixIn: 'adapters/providers/krea/states.ts (urlsOf / mediaOf)',
    summary: 'a finished job whose result URL starts with http(s):// but does not parse (`"https://a b.png"`, `"http://"`) throws TypeError: Invalid URL instead of a status; the paid result is lost to a bug',
    explains: (target, _input, err) => target.startsWith('krea.') && isTypeError(err) && (err as { code?: string }).code === 'ERR_INVALID_URL',
  },
  {
    id: 'F7',
    fixIn: 'adapters/providers/krev/states.ts (mediaOf; toProviderStatus, chatRunStatus, and the synchronous answer in client.ts status)',
    summary: 'the same for Krev: an output URL like `"http:// x"` throws TypeError: Invalid URL',
    explains: (target, _input, err) => target.startsWith('krev.') && isTypeError(err) && (err as { code?: string }).code === 'ERR_INVALID_URL',
  },
  {
    id: 'F8',
    fixIn: 'adapters/providers/kpainter/client.ts (mediaOf in outputsOf: main_url is parsed before the http(s) filter)',
    summary: 'the same for KPainter: a creation whose `main_url` does not parse (`"not a url"`, `"http://"`) throws TypeError: Invalid URL',
    explains: (target, _input, err) => target.startsWith('kpainter.') && isTypeError(err) && (err as { code?: string }).code === 'ERR_INVALID_URL',
  },
  {
    id: 'F9',
    fixIn: 'adapters/providers/krea/errors.ts (mapKreaError 400 and 410) and adapters/providers/krea/states.ts (toProviderStatus, failed)',
    summary: "Krea's own text reaches the user whole: the error text of a 400, the `replacement` of a 410, the reason of a failed job; any length, control characters included",
    explains: (target, _input, err) => target.startsWith('krea.') && (err instanceof UnfitReason || providerError(err, 'krea', ['bad_request', 'model_retired'])),
  },
  {
    id: 'F10',
    fixIn: 'adapters/providers/kpainter/errors.ts (mapKPainterError 400/422) and adapters/providers/kpainter/client.ts (failedStatus)',
    summary: "KPainter's `detail` and a failed job's error reach the user whole: any length, control characters included",
    explains: (target, _input, err) => target.startsWith('kpainter.') && (err instanceof UnfitReason || providerError(err, 'kpainter', ['bad_request'])),
  },
  {
    id: 'F11',
    fixIn: 'adapters/providers/krev/errors.ts (mapKrevError 400/403/404: redact() caps at 300 but keeps control characters) and adapters/providers/krev/states.ts (failedStatus: no cap)',
    summary: "Krev's error text reaches the user with raw control characters, and a failed generation's error at any length",
    explains: (target, _input, err) => target.startsWith('krev.') && (err instanceof UnfitReason || providerError(err, 'krev', ['bad_request', 'unauthorized', 'not_found'])),
  },
  {
    id: 'F12',
    fixIn: 'adapters/providers/krev/client.ts (call: `(res.body as {success?}).success === false`)',
    summary: 'a 2xx answer whose JSON is `null` throws TypeError (reading "success") instead of a retryable bad_response ProviderError',
    explains: (target, _input, err) => target.startsWith('krev.') && isTypeError(err) && /reading 'success'/.test((err as Error).message),
  },
  {
    id: 'F13',
    fixIn: 'adapters/providers/{krea,krev,kpainter}/client.ts (`encodeURIComponent(operation.providerJobId)`, KPainter also `creation_id`)',
    summary: 'an id the provider sent with a lone surrogate (`"\\ud83e"`, valid JSON) makes encodeURIComponent throw URIError: URI malformed out of status()',
    explains: (target, _input, err) => target.endsWith('.status') && err instanceof URIError,
  },
];

/** The finding that explains this failure, if any. */
export function explainedBy(target: string, input: unknown, err: unknown): Finding | undefined {
  return FINDINGS.find((f) => f.explains(target, input, err));
}
