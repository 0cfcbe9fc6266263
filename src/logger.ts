/**
 * pino with redaction of every token, key and Authorization header, wherever it sits in a log
 * object. Child loggers carry ids (job, invocation) so one job's lines can be followed.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

const SECRET_KEYS = [
  'token',
  'botToken',
  'bot_token',
  'appToken',
  'accessToken',
  'access_token',
  'apiKey',
  'api_key',
  'secret',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'password',
  'authorization',
  'Authorization',
  'x-kgp-api-key',
  'cookie',
  'credentials',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'config.headers.Authorization',
];

/** Bearer tokens, Slack and Discord tokens that slip into messages (e.g. an error string). */
const TOKEN_PATTERN = /(Bearer\s+)[A-Za-z0-9._~+/=-]{6,}|xox[abprs]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|sk_live_[A-Za-z0-9]+/g;

export function scrubSecrets(text: string): string {
  return text.replace(TOKEN_PATTERN, (_m, bearer?: string) => (bearer ? `${bearer}[redacted]` : '[redacted]'));
}

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'genbot',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        log(obj) {
          if (typeof obj.msg === 'string') obj.msg = scrubSecrets(obj.msg);
          if (obj.err instanceof Error) {
            return { ...obj, err: { type: obj.err.name, message: scrubSecrets(obj.err.message), stack: obj.err.stack ? scrubSecrets(obj.err.stack) : undefined } };
          }
          return obj;
        },
      },
      hooks: {
        logMethod(args, method) {
          // Scrub the message argument too (formatters only see merged objects).
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination({ sync: false }),
  );
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
