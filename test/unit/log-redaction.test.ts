/**
 * Secrets never reach a log line, wherever they hide: every token format × every place a log
 * object can carry it. Each case also checks that the harmless text around the secret survives,
 * so the redaction cannot pass by dropping everything.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, SECRET_VARIABLES } from '../../src/config.js';
import { createLogger, scrubSecrets, type Logger, type LoggerOptions } from '../../src/logger.js';

function capture(secrets?: LoggerOptions['secrets']): { log: Logger; out: () => string } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  const log = createLogger({ level: 'debug', destination: sink, ...(secrets ? { secrets } : {}) });
  return {
    log,
    out: () => {
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      return lines.join('');
    },
  };
}

/** What a secret looks like where it is found: a bare token, or a header line carrying it. */
const TOKENS: Record<string, string> = {
  'Slack bot': 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrSt',
  'Slack user': 'xoxp-1234567890-2222-3333-aBcDeF0123456789',
  'Slack app config': 'xoxa-2-AbCdEfGh123456',
  'Slack refresh': 'xoxr-1-AbCdEfGh123456',
  'Slack rotating': 'xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAt',
  'Slack session': 'xoxs-98765-AbCdEfGh',
  'Slack app-level': 'xapp-1-A0123456789-1234567890-abcdef0123456789',
  'Discord bot': 'MTA4NjQ2NzkzNjY1NzM5NzY4MA.GkWq3b.abcdefghijklmnopqrstuvwxyz0123456789ABC',
  'Krev live': 'sk_live_51HxYzAbCdEf0123456789',
  'Krev test': 'sk_test_51HxYzAbCdEf9876543210',
  'generic sk-': 'sk-proj-AbCdEf0123456789XyZ',
  'Bearer': 'Bearer 8f3Kq2LmN0pQ7rStUv',
  'Authorization header': 'Authorization: Bearer krea_9f8e7d6c5b4a3210',
  'Authorization Basic': 'authorization: Basic YWRtaW46aHVudGVyMi1zZWNyZXQ=',
  'X-KGP-Api-Key header': 'X-KGP-Api-Key: kgp_5e4d3c2b1a09f8e7',
  'x-api-key header': 'x-api-key=krea_aa11bb22cc33dd44',
  'JSON-quoted key': '"api_key":"krv_0a1b2c3d4e5f6a7b"',
};

/** The part of each token that must never be logged (header names may stay). */
const secretPart = (token: string) => token.replace(/^.*?(?:: |=|":"|Bearer |Basic )(?:Bearer |Basic )?/, '').replace(/"$/, '');

class DiscordAPIError extends Error {
  readonly requestBody: { files: undefined; json: unknown };
  constructor(
    readonly rawError: unknown,
    readonly code: number,
    readonly status: number,
    readonly method: string,
    readonly url: string,
    json: unknown,
  ) {
    super('Invalid Form Body');
    this.requestBody = { files: undefined, json };
  }
  override get name(): string {
    return `DiscordAPIError[${this.code}]`;
  }
}

/** Every place a secret can ride into a log line; each keeps the words KEEP-A and KEEP-B visible. */
const PLACES: Record<string, (log: Logger, t: string) => void> = {
  'the message': (log, t) => log.info(`calling KEEP-A with ${t} then KEEP-B`),
  'a %s argument': (log, t) => log.warn('calling KEEP-A with %s then KEEP-B', t),
  'err.message': (log, t) => log.error({ err: new Error(`KEEP-A failed: ${t}`) }, 'KEEP-B'),
  'an Error as the only argument': (log, t) => log.error(new Error(`KEEP-A failed: ${t} KEEP-B`)),
  'err.stack only': (log, t) => {
    const err = new Error('KEEP-A');
    err.stack = `Error: KEEP-A\n    at request (${t})\n    at KEEP-B (file.js:1:1)`;
    log.error({ err }, 'failed');
  },
  'err.cause.message': (log, t) => log.error({ err: new Error('KEEP-A outer', { cause: new Error(`inner with ${t}`) }) }, 'KEEP-B'),
  'a cause chain 5 deep': (log, t) => {
    let err = new Error(`root ${t}`);
    for (let i = 0; i < 5; i++) err = new Error(`KEEP-A level ${i}`, { cause: err });
    log.error({ err }, 'KEEP-B');
  },
  'a Slack WebClient error': (log, t) => {
    const err = Object.assign(new Error('An API error occurred: invalid_auth'), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'invalid_auth', response_metadata: { messages: [`KEEP-A ${t}`] } },
      headers: { authorization: `Bearer ${t}`, 'x-slack-req-id': 'KEEP-B' },
      original: { config: { headers: { Authorization: `Bearer ${t}` }, data: `token=${t}&channel=C1` } },
    });
    log.warn({ err }, 'chat.postMessage failed');
  },
  'a DiscordAPIError': (log, t) => {
    const err = new DiscordAPIError({ code: 50035, message: 'Invalid Form Body' }, 50035, 400, 'POST', 'https://discord.com/api/v10/channels/KEEP-A/messages', {
      content: `your key is ${t}`,
      embeds: [{ description: `key: ${t}`, title: 'KEEP-B' }],
      api_key: t,
    });
    log.error({ err }, 'discord call failed');
  },
  'an undici error cause': (log, t) => {
    const cause = Object.assign(new Error(`connect ECONNREFUSED https://api.test/v1?${t}`), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    log.warn({ err: new TypeError('KEEP-A fetch failed', { cause }) }, 'KEEP-B');
  },
  'an AggregateError': (log, t) => log.error({ err: new AggregateError([new Error(`first ${t}`), new Error('KEEP-A')], 'KEEP-B') }, 'all failed'),
  'an `error` field': (log, t) => log.warn({ error: { message: `KEEP-A ${t}`, response: { headers: { 'X-KGP-Api-Key': t } } } }, 'KEEP-B'),
  'arrays': (log, t) => log.info({ items: ['KEEP-A', [`nested ${t}`], { list: [t, 'KEEP-B'] }] }),
  'six levels deep': (log, t) => log.info({ a: { b: { c: { d: { e: { f: `deep ${t} KEEP-A`, g: ['KEEP-B'] } } } } } }),
  'child logger bindings': (log, t) => log.child({ url: `https://x.test/?q=${t}`, job: 'KEEP-A' }).info('KEEP-B'),
  'a plain header object': (log, t) => log.debug({ req: { headers: { 'x-kgp-api-key': t, 'x-api-key': t, cookie: t, accept: 'KEEP-A' } } }, 'KEEP-B'),
};

describe('log redaction', () => {
  const cases = Object.entries(TOKENS).flatMap(([format, token]) => Object.entries(PLACES).map(([place, logIt]) => ({ format, token, place, logIt })));

  it.each(cases)('$format in $place never reaches the line, the words around it do', ({ token, logIt }) => {
    const { log, out } = capture();
    logIt(log, token);
    const line = out();
    expect(line).not.toContain(secretPart(token));
    expect(line).toContain('KEEP-A');
    expect(line).toContain('KEEP-B');
    expect(line).toContain('[redacted]');
  });

  it('keeps what errors say: type, code, status, URL path, Slack error code', () => {
    const { log, out } = capture();
    const discord = new DiscordAPIError({ code: 50035 }, 50035, 400, 'POST', 'https://discord.com/api/v10/channels/123/messages', { content: 'hi' });
    log.error({ err: discord }, 'x');
    const slack = Object.assign(new Error('An API error occurred: invalid_auth'), { code: 'slack_webapi_platform_error', data: { error: 'invalid_auth', response_metadata: {} } });
    log.error({ err: slack }, 'y');
    const [a, b] = out().trim().split('\n').map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(a!.err).toMatchObject({ type: 'DiscordAPIError', name: 'DiscordAPIError[50035]', code: 50035, status: 400, url: 'https://discord.com/api/v10/channels/123/messages', requestBody: { json: { content: 'hi' } } });
    expect(b!.err).toMatchObject({ type: 'Error', code: 'slack_webapi_platform_error', data: { error: 'invalid_auth' }, message: 'An API error occurred: invalid_auth' });
    expect(String(b!.err['stack'])).toContain('log-redaction.test.ts');
  });

  it('hides Discord interaction and webhook tokens in request URLs, and passwords in connection URLs', () => {
    const { log, out } = capture();
    const url = 'https://discord.com/api/v10/interactions/1186000000000000001/aW50ZXJhY3Rpb246MTE4NjpzZWNyZXQ/callback';
    log.error({ err: new DiscordAPIError({ code: 10062 }, 10062, 404, 'POST', url, {}) }, 'interaction failed');
    log.warn({ followUp: 'https://discord.com/api/v10/webhooks/100000000000000003/aW50ZXJhY3Rpb246d2ViaG9vaw/messages/@original' }, 'edit failed');
    log.warn({ redis: 'redis://:hunter2-redis@10.0.0.5:6379/0' }, 'redis down');
    const line = out();
    for (const secret of ['aW50ZXJhY3Rpb246MTE4NjpzZWNyZXQ', 'aW50ZXJhY3Rpb246d2ViaG9vaw', 'hunter2-redis']) expect(line).not.toContain(secret);
    for (const kept of ['/interactions/1186000000000000001/', '/callback', '/webhooks/100000000000000003/', '/messages/@original', '@10.0.0.5:6379/0']) expect(line).toContain(kept);
  });

  it('scrubs the exact configured secret values, in any text, and the encryption key in hex and base64', () => {
    const key = Buffer.alloc(32, 0xa7);
    const secrets = ['krea-plain-looking-value-1', 'hunter2-admin-pw', 'signing/secret+with.chars', key.toString('hex')];
    const { log, out } = capture(secrets);
    log.info(`KEEP-A ${secrets[0]} and ${secrets[1]}`);
    log.info({ note: `config is ${JSON.stringify({ pw: secrets[1] })}`, list: [secrets[2]], enc: key.toString('base64') }, 'KEEP-B');
    log.error({ err: new Error(`decrypt with ${key.toString('hex')} failed; url https://x.test/?s=${encodeURIComponent(secrets[2]!)}`) }, 'KEEP-C');
    log.child({ admin: secrets[1] }).info('KEEP-D');
    const line = out();
    for (const s of [...secrets, key.toString('base64'), key.toString('base64url'), encodeURIComponent(secrets[2]!)]) expect(line).not.toContain(s);
    for (const word of ['KEEP-A', 'KEEP-B', 'KEEP-C', 'KEEP-D', 'config is', 'decrypt with']) expect(line).toContain(word);
  });

  it('takes the configuration as it is: SECRET_VARIABLES.map((name) => config[name]), unset ones skipped, keys (and previous keys) in hex and base64', () => {
    const key = Buffer.alloc(32, 0x5c);
    const old = Buffer.alloc(32, 0x3e);
    const config = loadConfig({ BOT_ENCRYPTION_KEY: key.toString('base64'), BOT_ENCRYPTION_KEY_PREVIOUS: old.toString('hex'), KREA_API_TOKEN: 'krea-config-value-42', ADMIN_PASSWORD: 'config-admin-pw' });
    const { log, out } = capture(SECRET_VARIABLES.map((name) => config[name]));
    const forms = [key, old].flatMap((k) => [k.toString('hex'), k.toString('base64'), k.toString('base64url')]);
    log.info(`KEEP-A ${forms.join(' ')} krea-config-value-42 config-admin-pw KEEP-B`);
    const line = out();
    for (const s of [...forms, 'krea-config-value-42', 'config-admin-pw']) expect(line).not.toContain(s);
    expect(line).toContain('KEEP-A');
    expect(line).toContain('KEEP-B');
  });

  it('ignores configured values shorter than 8 characters (they would erase ordinary words)', () => {
    const { log, out } = capture(['ab', 'fox']);
    log.info('a fox about the lab');
    expect(out()).toContain('a fox about the lab');
  });

  it('leaves ordinary text alone', () => {
    const harmless = [
      'tokens_used: 5',
      'token_type=bot',
      'the task-force met',
      'image/bfl/flux-1-dev --ar 16:9',
      'https://cdn.example.com/images/a-red-fox-at-dawn.png',
      'invalid_auth',
      'secretary of state',
      'node_modules/pino/lib/tools.js:123:45',
      'Krea answered 401: Unauthorized',
    ];
    for (const text of harmless) expect(scrubSecrets(text)).toBe(text);
  });

  it('survives circular objects, Buffers, Maps and throwing getters', () => {
    const { log, out } = capture();
    const loop: Record<string, unknown> = { name: 'KEEP-A' };
    loop['self'] = loop;
    const hostile = { get boom(): string { throw new Error('getter'); } };
    log.info({ loop, buf: Buffer.from('xoxb-123-secret-bytes'), map: new Map([['authorization', 'Bearer abcdefgh']]), hostile }, 'KEEP-B');
    const line = out();
    expect(line).toContain('[circular]');
    expect(line).toContain('[binary 21 bytes]');
    expect(line).not.toContain('abcdefgh');
    expect(line).toContain('KEEP-A');
  });
});
